using ScimLite.Scim.Schema;
using ScimLite.Store;
using ScimLite.Store.Kinds;

namespace ScimLite.Users;

/// <summary>
/// Where users are kept (sql/0001_users_groups_link.sql): the table <c>users</c>, by the map's convention
/// (<see cref="ResourceMap"/>) except where this says otherwise — the password as a hash, the manager as the id sent
/// with the name and link computed from the manager's row, emails looked up through their index, and groups computed
/// from link.
/// </summary>
public sealed class UserMap(ResourceTypeDef type, PasswordHasher hasher) : ResourceMap(type)
{
    /// <summary>manager.value as sent; <see cref="ManagerIdColumn"/> is the foreign key, set when it names a user.</summary>
    public const string ManagerValueColumn = "manager_value";

    public const string ManagerIdColumn = "manager_id";

    /// <summary>The id of the user a manager value names, or NULL (sql/0005_extensions.sql).</summary>
    static string ManagerId(string managerValue) => $"scim_user_id({managerValue})";

    protected override AttributeStorage? Define(SchemaDef schema, AttributeDef attribute) => attribute.Name switch
    {
        "password" when schema == CoreSchemas.User => new PasswordStorage(hasher),
        // emails.value eq lookups (Okta and Entra match users by email) use the GIN index users_email_values_idx.
        "emails" when schema == CoreSchemas.User =>
            new JsonArrayStorage("emails", parameter => $"scim_email_values({Sql.Resource}.emails) @> ARRAY[lower({parameter})]"),
        "groups" when schema == CoreSchemas.User => Groups,
        "manager" when schema == CoreSchemas.EnterpriseUser => Parts(attribute,
            ("value", new ColumnStorage(ManagerValueColumn)),
            ("$ref", new ReferenceStorage(Type.Endpoint, ManagerIdColumn)),
            ("displayName", new ComputedStorage($"(SELECT m.display_name FROM users m WHERE m.id = {Sql.Resource}.{ManagerIdColumn})", OperandKind.Text))),
        _ => null,
    };

    /// <summary>The groups a user belongs to directly (RFC 7643 §4.1.2 "direct"), computed from link.</summary>
    static LinkStorage Groups
    {
        get
        {
            const string l = Sql.Link;
            var value = new Operand("value", $"{l}.group_id", OperandKind.Uuid);
            var display = new Operand("display", "g.display_name", OperandKind.Text);
            var kind = new Operand("type", "'direct'", OperandKind.Text);
            return new LinkStorage(
                $"FROM link {l} JOIN groups g ON g.id = {l}.group_id WHERE {l}.user_id = {Sql.Resource}.id", LinkStorage.FirstLinkOrder,
                $"{display.Sql}, {value.Sql}", _ => ResourceTypeDef.Group.Endpoint, value, display, kind)
            {
                ReadOnlyHint = "change membership through the Group",
            };
        }
    }

    /// <summary>manager_id follows manager_value: the user it names, if any.</summary>
    public override void Complete(ColumnSet columns)
    {
        if (columns.Items.FirstOrDefault(c => c.Column == ManagerValueColumn) is { } manager)
            columns.SetSql(ManagerIdColumn, ManagerId($"{manager.SqlValue}::text"));
    }

    /// <inheritdoc cref="Complete(ColumnSet)"/>
    public override void Complete(UpdatePlan plan)
    {
        if (plan.Touches(ManagerValueColumn))
            plan.Set(ManagerIdColumn, ManagerId(plan.Current(ManagerValueColumn)));
    }
}
