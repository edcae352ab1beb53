using System.Text.Json;
using Dapper;
using Npgsql;
using ScimLite.Scim;
using ScimLite.Store.Kinds;
using ScimLite.Telemetry;

namespace ScimLite.Groups;

/// <summary>
/// One change to a group's membership, as a POST, PUT or PATCH asks for it: a closed set, each case a targeted
/// statement on link inside the request's transaction (<see cref="GroupMembers"/>), and what the metrics count of it.
/// </summary>
public abstract record MemberChange : LinkChange
{
    MemberChange() { }

    /// <summary>What the provisioning metrics count of this change (a pure function, table-tested).</summary>
    public virtual (ScimMetrics.Change Change, long Count)? Counted => null;

    /// <summary>Adds the users or groups with these ids that are not members yet; an unknown id is 400.</summary>
    public sealed record Add(Guid[] Ids) : MemberChange
    {
        public override Task<long> ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid id, CancellationToken ct) =>
            GroupMembers.AddAsync(connection, tx, id, Ids, ct);

        public override (ScimMetrics.Change Change, long Count)? Counted => (ScimMetrics.Change.MembersAdded, Ids.Length);
    }

    /// <summary>Removes these members; naming a non-member is not an error (Entra's value-list remove).</summary>
    public sealed record Remove(Guid[] Ids) : MemberChange
    {
        public override Task<long> ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid id, CancellationToken ct) =>
            GroupMembers.RemoveAsync(connection, tx, id, Ids, ct);

        public override (ScimMetrics.Change Change, long Count)? Counted => (ScimMetrics.Change.MembersRemoved, Ids.Length);
    }

    /// <summary>Removes the members a compiled value filter selects over the link row <c>l</c> (Okta's <c>members[value eq "id"]</c>).</summary>
    public sealed record RemoveWhere(string Predicate, DynamicParameters Parameters) : MemberChange
    {
        public override Task<long> ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid id, CancellationToken ct) =>
            GroupMembers.RemoveWhereAsync(connection, tx, id, Predicate, Parameters, ct);

        public override (ScimMetrics.Change Change, long Count)? Counted => (ScimMetrics.Change.MembersRemoved, 1);
    }

    /// <summary>Empties the group (remove <c>members</c> with no value).</summary>
    public sealed record RemoveAll : MemberChange
    {
        public override Task<long> ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid id, CancellationToken ct) =>
            GroupMembers.RemoveAllAsync(connection, tx, id, ct);
    }

    /// <summary>Makes the membership exactly these ids (PUT, replace <c>members</c>).</summary>
    public sealed record ReplaceAll(Guid[] Ids) : MemberChange
    {
        public override Task<long> ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid id, CancellationToken ct) =>
            GroupMembers.ReplaceAsync(connection, tx, id, Ids, ct);
    }

    /// <summary>Member ids from a members value: <c>[{"value": "id", ...}]</c>; display, type and $ref are ignored.</summary>
    public static Guid[] Parse(JsonElement value, string where, int max)
    {
        if (value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
            return [];
        // A single member object is taken as a list of one.
        if (value.ValueKind == JsonValueKind.Object)
            return [MemberId(value, where)];
        if (value.ValueKind != JsonValueKind.Array)
            throw ScimException.InvalidValue($"'{where}' must be an array of members.");
        if (value.GetArrayLength() > max)
            throw new ScimException(413, null, $"At most {max} members may be named in one request.");
        var ids = new HashSet<Guid>();
        foreach (var item in value.EnumerateArray())
            ids.Add(MemberId(item, where));
        return [.. ids];
    }

    static Guid MemberId(JsonElement item, string where)
    {
        if (item.ValueKind != JsonValueKind.Object || !item.TryGet("value", out var id))
            throw ScimException.InvalidValue($"Each '{where}' item needs a 'value' with the member's id.");
        return ScimValues.ToGuid(id, $"{where}.value");
    }
}
