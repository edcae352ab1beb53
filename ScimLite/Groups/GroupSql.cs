using ScimLite.Scim.Schema;
using ScimLite.Scim.Sql;

namespace ScimLite.Groups;

/// <summary>
/// The SQL map of Groups (see <see cref="ResourceSql"/>). The columns of <c>groups</c> come from the schema
/// definitions; here is the SQL of members, computed from link. The statements that write groups are in
/// <see cref="GroupStore"/>, those that change membership in <see cref="GroupMembers"/>.
/// </summary>
sealed class GroupSql(ResourceTypeDef type) : ResourceSql(type)
{
    /// <summary>Memberships have no primary item; the first (for sortBy members.value, groups.display) is the oldest.</summary>
    public const string FirstMemberOrder = "l.created, l.group_id, coalesce(l.user_id, l.member_group_id)";

    const string MembersSource = "FROM link l WHERE l.group_id = r.id";

    static readonly Operand MemberValue = new("value", "coalesce(l.user_id, l.member_group_id)", OperandKind.Uuid)
    {
        UuidColumns = ["l.user_id", "l.member_group_id"],
    };

    /// <summary>A user member shows its displayName, else its userName; a group member its displayName.</summary>
    static readonly Operand MemberDisplay = new("display",
        "coalesce((SELECT coalesce(mu.display_name, mu.user_name) FROM users mu WHERE mu.id = l.user_id), " +
        "(SELECT mg.display_name FROM groups mg WHERE mg.id = l.member_group_id))", OperandKind.Text);

    static readonly Operand MemberType = new("type", "CASE WHEN l.user_id IS NOT NULL THEN 'User' ELSE 'Group' END", OperandKind.Text);

    protected override IEnumerable<ComputedPart> DefineParts() => [];

    /// <summary>Members are streamed: a group may have hundreds of thousands.</summary>
    protected override IEnumerable<LinkSql> DefineLinks() =>
    [
        Link("members", MembersSource, FirstMemberOrder,
            $"json_build_object('value', {MemberValue.Sql}, " +
            $"'$ref', @base_url || CASE WHEN l.user_id IS NULL THEN '{Type.Endpoint}/' ELSE '{ResourceTypeDef.User.Endpoint}/' END || {MemberValue.Sql}, " +
            $"'display', {MemberDisplay.Sql}, 'type', {MemberType.Sql})", $"l.created, {MemberValue.Sql}",
            MemberValue, MemberDisplay, MemberType) with { Streamed = true },
    ];
}
