using ScimLite.Groups;
using ScimLite.Scim.Schema;
using ScimLite.Scim.Sql;

namespace ScimLite.Users;

/// <summary>
/// The SQL map of Users (see <see cref="ResourceSql"/>). The columns of <c>users</c> come from the schema definitions;
/// here is the SQL of what is computed: manager.displayName and manager.$ref from the manager's row, groups from
/// link. The statements that write users are in <see cref="UserStore"/>.
/// </summary>
sealed class UserSql(ResourceTypeDef type) : ResourceSql(type)
{
    /// <summary>The salted hash of the write-only password: written by the store, never selected.</summary>
    public const string PasswordHashColumn = "password_hash";

    /// <summary>manager.value as sent; <see cref="ManagerIdColumn"/> is the foreign key, set when it names a user.</summary>
    public const string ManagerValueColumn = "manager_value";

    public const string ManagerIdColumn = "manager_id";

    /// <summary>The id of the user a manager value names, or NULL (sql/0005_extensions.sql).</summary>
    public static string ManagerId(string managerValue) => $"scim_user_id({managerValue})";

    const string ManagerDisplayName = "(SELECT m.display_name FROM users m WHERE m.id = r.manager_id)";

    /// <summary>users.groups lists direct memberships only (RFC 7643 §4.1.2 "direct").</summary>
    const string GroupsSource = "FROM link l JOIN groups g ON g.id = l.group_id WHERE l.user_id = r.id";

    static readonly Operand GroupValue = new("value", "l.group_id", OperandKind.Uuid);
    static readonly Operand GroupDisplay = new("display", "g.display_name", OperandKind.Text);
    static readonly Operand GroupType = new("type", "'direct'", OperandKind.Text);

    static readonly AttributeDef Emails = CoreSchemas.User.Attribute("emails")!;

    protected override IEnumerable<ComputedPart> DefineParts() =>
    [
        Part("manager.displayName", ManagerDisplayName, OperandKind.Text),
        Part("manager.$ref", $"@base_url || '{Type.Endpoint}/' || r.manager_id"),
    ];

    protected override IEnumerable<LinkSql> DefineLinks() =>
    [
        Link("groups", GroupsSource, GroupSql.FirstMemberOrder,
            $"json_build_object('value', {GroupValue.Sql}, '$ref', @base_url || '{ResourceTypeDef.Group.Endpoint}/' || {GroupValue.Sql}, " +
            $"'display', {GroupDisplay.Sql}, 'type', {GroupType.Sql})", $"{GroupDisplay.Sql}, {GroupValue.Sql}",
            GroupValue, GroupDisplay, GroupType),
    ];

    /// <summary>manager_id follows manager_value: the user it names, if any.</summary>
    public override void Complete(ColumnSet columns)
    {
        if (columns.Items.FirstOrDefault(c => c.Column == ManagerValueColumn) is { } manager)
            columns.SetSql(ManagerIdColumn, ManagerId($"{manager.SqlValue}::text"));
    }

    /// <inheritdoc cref="Complete(ColumnSet)"/>
    public override void Complete(ColumnPatcher patcher)
    {
        if (patcher.Current(ManagerValueColumn) is var manager && manager != ManagerValueColumn)
            patcher.Set(ManagerIdColumn, ManagerId(manager));
    }

    /// <summary><c>emails.value eq</c> lookups use the GIN index users_email_values_idx (sql/0001_users_groups_link.sql).</summary>
    public override Func<string, string>? ValueIndex(AttributeDef attribute) =>
        ReferenceEquals(attribute, Emails) ? parameter => $"scim_email_values(r.{Emails.Column}) @> ARRAY[lower({parameter})]" : null;
}
