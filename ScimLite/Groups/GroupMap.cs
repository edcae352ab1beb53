using ScimLite.Scim;
using ScimLite.Scim.Patch;
using ScimLite.Scim.Schema;
using ScimLite.Store;
using ScimLite.Store.Kinds;

namespace ScimLite.Groups;

/// <summary>
/// Where groups are kept (sql/0001_users_groups_link.sql): the table <c>groups</c> by the map's convention
/// (<see cref="ResourceMap"/>), and members computed from link — streamed, since a group may have hundreds of
/// thousands — whose PATCH operations become <see cref="MemberChange"/>s on link.
/// </summary>
public sealed class GroupMap(ResourceTypeDef type, ScimOptions options) : ResourceMap(type)
{
    protected override AttributeStorage? Define(SchemaDef schema, AttributeDef attribute) =>
        schema == CoreSchemas.Group && attribute.Is("members") ? Members : null;

    LinkStorage Members
    {
        get
        {
            const string l = Sql.Link;
            var value = new Operand("value", $"coalesce({l}.user_id, {l}.member_group_id)", OperandKind.Uuid)
            {
                UuidColumns = [$"{l}.user_id", $"{l}.member_group_id"],
            };
            // A user member shows its displayName, else its userName; a group member its displayName.
            var display = new Operand("display",
                $"coalesce((SELECT coalesce(mu.display_name, mu.user_name) FROM users mu WHERE mu.id = {l}.user_id), " +
                $"(SELECT mg.display_name FROM groups mg WHERE mg.id = {l}.member_group_id))", OperandKind.Text);
            var kind = new Operand("type", $"CASE WHEN {l}.user_id IS NOT NULL THEN 'User' ELSE 'Group' END", OperandKind.Text);
            return new LinkStorage($"FROM link {l} WHERE {l}.group_id = {Sql.Resource}.id", LinkStorage.FirstLinkOrder,
                $"{l}.created, {value.Sql}", type => type.SequenceEqual("User"u8) ? ResourceTypeDef.User.Endpoint : Type.Endpoint,
                value, display, kind)
            {
                Streamed = true,
                Change = Change,
            };
        }
    }

    /// <summary>
    /// The membership change of one members operation. Okta: add with a list, remove by <c>members[value eq "id"]</c>,
    /// replace with the full list (<c>[]</c> empties the group). Entra: remove with a value list.
    /// </summary>
    MemberChange Change(PatchStep step)
    {
        if (step.ItemSub is not null || (step.Filter is not null && step.Op != PatchOpKind.Remove))
            throw ScimException.Mutability($"{step.Where}: member sub-attributes are immutable; add or remove the member instead.");
        if (step.Filter is not null)
        {
            var parameters = new Dapper.DynamicParameters();
            return new MemberChange.RemoveWhere(FilterCompiler.CompileItem(step.Filter, step.Attribute, this, parameters, "m"), parameters);
        }
        var ids = step.HasValue ? MemberChange.Parse(step.Value, "members", options.MaxMembersPerRequest) : [];
        return step.Op switch
        {
            PatchOpKind.Add => new MemberChange.Add(ids),
            PatchOpKind.Replace => new MemberChange.ReplaceAll(ids),
            _ when step.HasValue && step.Value.ValueKind != System.Text.Json.JsonValueKind.Null => new MemberChange.Remove(ids),
            _ => new MemberChange.RemoveAll(),
        };
    }
}
