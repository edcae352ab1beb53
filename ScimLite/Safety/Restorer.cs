using Dapper;
using Npgsql;
using ScimLite.Data;
using ScimLite.Scim.Schema;
using ScimLite.Store;

namespace ScimLite.Safety;

/// <summary>
/// Puts a deleted user or group back from its latest tombstone, in one transaction: the same id and attributes
/// (jsonb_populate_record of the row as it was), version moved on by one so ETags held from before the deletion no
/// longer match, and its memberships where the other side still exists. Nothing changes when the name is taken now.
/// </summary>
public sealed class Restorer(NpgsqlDataSource dataSource)
{
    /// <summary>What a restore did; <see cref="Restored"/> false means nothing changed and <see cref="Lines"/> say why.</summary>
    public sealed record Outcome(bool Restored, Guid? Id, IReadOnlyList<string> Lines);

    sealed class Tombstone
    {
        public Guid Id { get; set; }
        public string Name { get; set; } = "";
        public string Data { get; set; } = "";
        public Guid[] Groups { get; set; } = [];
        public Guid[] MemberUsers { get; set; } = [];
        public Guid[] MemberGroups { get; set; } = [];
        public DateTime DeletedAt { get; set; }
        public string? DeletedBy { get; set; }
    }

    /// <summary>What a restore needs of a resource type, from its definition and the maps' column convention.</summary>
    sealed record Kind(string ResourceType, string Noun, string Table, string NameColumn, string NameAttribute)
    {
        public static Kind Of(ResourceTypeDef type) => new(type.Name, type.Name.ToLowerInvariant(), type.Table,
            ResourceMap.SnakeCase(type.NameAttribute.Name), type.NameAttribute.Name);
    }

    static readonly Kind User = Kind.Of(ResourceTypeDef.User);
    static readonly Kind Group = Kind.Of(ResourceTypeDef.Group);

    /// <summary>Restores a user; <paramref name="by"/> names the operator, the journal's client for what the restore writes.</summary>
    public Task<Outcome> RestoreUserAsync(string idOrName, string by, CancellationToken ct) => RestoreAsync(User, idOrName, by, ct);
    public Task<Outcome> RestoreGroupAsync(string idOrName, string by, CancellationToken ct) => RestoreAsync(Group, idOrName, by, ct);

    async Task<Outcome> RestoreAsync(Kind kind, string idOrName, string by, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        // The journal's rows of this restore: action restored (and members_added), client the operator, one request id.
        var write = new WriteTransaction(connection, tx, new WriteContext(by, $"restore-{Guid.NewGuid():N}", WriteContext.RestoreMethod));
        var id = Guid.TryParse(idOrName, out var parsed) ? parsed : (Guid?)null;
        var tombstone = await connection.QuerySingleOrDefaultAsync<Tombstone>(write.Command("""
            SELECT id, name, data::text AS data, groups, member_users AS memberusers, member_groups AS membergroups,
                   deleted_at AS deletedat, deleted_by AS deletedby
              FROM tombstones
             WHERE resource_type = @type AND (id = @id OR lower(name) = lower(@name))
             ORDER BY (id = @id) DESC NULLS LAST, deleted_at DESC, seq DESC
             LIMIT 1
             FOR UPDATE
            """, new { type = kind.ResourceType, id, name = idOrName }, ct));
        if (tombstone is null)
            return Refused($"No deleted {kind.Noun} '{idOrName}' is kept (never deleted, restored already, or purged).");
        var deleted = $"{kind.Noun} '{tombstone.Name}' ({tombstone.Id}), deleted {tombstone.DeletedAt:u}{(tombstone.DeletedBy is { } deletedBy ? $" by {deletedBy}" : "")}";
        if (await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                $"SELECT EXISTS (SELECT 1 FROM {kind.Table} WHERE id = @id)", new { id = tombstone.Id }, tx, cancellationToken: ct)))
            return Refused($"Not restored: {deleted}: a {kind.Noun} with this id exists again. Nothing changed.");
        var holder = await connection.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(
            $"SELECT id FROM {kind.Table} WHERE lower({kind.NameColumn}) = lower(@name)", new { name = tombstone.Name }, tx, cancellationToken: ct));
        if (holder is not null)
            return Refused($"Not restored: {deleted}: its {kind.NameAttribute} is now taken by {kind.Noun} {holder}. Nothing changed.");

        var lines = new List<string>();
        try
        {
            if (kind == User)
                await InsertUserAsync(connection, tx, tombstone, lines, ct);
            else
                await InsertGroupAsync(connection, tx, tombstone, lines, ct);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // Someone took the name between the check and the insert.
            return Refused($"Not restored: {deleted}: its {kind.NameAttribute} was taken meanwhile. Nothing changed.");
        }
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM tombstones WHERE resource_type = @type AND id = @id", new { type = kind.ResourceType, id = tombstone.Id }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        lines.Insert(0, $"Restored {deleted}.");
        return new Outcome(true, tombstone.Id, lines);
    }

    static Outcome Refused(string line) => new(false, null, [line]);

    static async Task InsertUserAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Tombstone t, List<string> lines, CancellationToken ct)
    {
        // The manager may be gone since; the user comes back without one rather than not at all.
        var missingManager = await connection.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition("""
            SELECT m FROM (SELECT (@data::jsonb ->> 'manager_id')::uuid AS m) x
             WHERE m IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users WHERE id = m)
            """, new { data = t.Data }, tx, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO users
            SELECT (jsonb_populate_record(NULL::users, @data::jsonb || jsonb_build_object(
                        'version', (@data::jsonb ->> 'version')::bigint + 1,
                        'last_modified', now(),
                        'manager_id', CASE WHEN @missing_manager THEN NULL ELSE @data::jsonb -> 'manager_id' END))).*
            """, new { data = t.Data, missing_manager = missingManager is not null }, tx, cancellationToken: ct));
        if (missingManager is not null)
            lines.Add($"Manager {missingManager} no longer exists; the user has no manager.");
        await LinkAsync(connection, tx, "INSERT INTO link (group_id, user_id) SELECT x, @id FROM unnest(@ids) x",
            t.Id, t.Groups, "Back in group", "Group {0} no longer exists; not a member again.", lines, ct, bumpTargets: true);
    }

    static async Task InsertGroupAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Tombstone t, List<string> lines, CancellationToken ct)
    {
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO groups
            SELECT (jsonb_populate_record(NULL::groups, @data::jsonb || jsonb_build_object(
                        'version', (@data::jsonb ->> 'version')::bigint + 1, 'last_modified', now()))).*
            """, new { data = t.Data }, tx, cancellationToken: ct));
        await LinkAsync(connection, tx, "INSERT INTO link (group_id, user_id) SELECT @id, x FROM unnest(@ids) x",
            t.Id, t.MemberUsers, "Member user", "User {0} no longer exists; not a member again.", lines, ct, bumpTargets: false);
        await LinkAsync(connection, tx, "INSERT INTO link (group_id, member_group_id) SELECT @id, x FROM unnest(@ids) x",
            t.Id, t.MemberGroups, "Member group", "Group {0} no longer exists; not a member again.", lines, ct, bumpTargets: false);
        await LinkAsync(connection, tx, "INSERT INTO link (group_id, member_group_id) SELECT x, @id FROM unnest(@ids) x",
            t.Id, t.Groups, "Back in group", "Group {0} no longer exists; not a member again.", lines, ct, bumpTargets: true);
    }

    /// <summary>
    /// Re-creates the link rows of <paramref name="ids"/> that still exist (<c>x</c> in <paramref name="insert"/>) and
    /// names the ones that do not. Groups that gain a member move their version on, as any membership change does.
    /// </summary>
    static async Task LinkAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string insert, Guid id, Guid[] ids,
        string present, string missing, List<string> lines, CancellationToken ct, bool bumpTargets)
    {
        if (ids.Length == 0)
            return;
        var existing = (await connection.QueryAsync<(Guid Id, string Name)>(new CommandDefinition("""
            SELECT u.id, u.user_name FROM users u WHERE u.id = ANY(@ids)
            UNION ALL
            SELECT g.id, g.display_name FROM groups g WHERE g.id = ANY(@ids)
            """, new { ids }, tx, cancellationToken: ct))).ToDictionary(r => r.Id, r => r.Name);
        var alive = ids.Where(existing.ContainsKey).ToArray();
        await connection.ExecuteAsync(new CommandDefinition(insert + " ON CONFLICT DO NOTHING", new { id, ids = alive }, tx, cancellationToken: ct));
        if (bumpTargets)
            await connection.ExecuteAsync(new CommandDefinition(
                $"UPDATE groups SET version = {Sql.NextVersion()}, last_modified = now() WHERE id = ANY(@ids)", new { ids = alive }, tx, cancellationToken: ct));
        foreach (var x in ids)
            lines.Add(existing.TryGetValue(x, out var name) ? $"{present} '{name}' ({x})." : string.Format(missing, x));
    }
}
