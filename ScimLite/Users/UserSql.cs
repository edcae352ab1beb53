namespace ScimLite.Users;

/// <summary>The SQL that reads users; writes are built from the schema's column list in <see cref="UserStore"/>.</summary>
static class UserSql
{
    public const string Columns = """
        r.id, r.user_name, r.external_id, r.active, r.display_name, r.nick_name, r.profile_url, r.title, r.user_type,
        r.preferred_language, r.locale, r.timezone, r.formatted, r.family_name, r.given_name, r.middle_name,
        r.honorific_prefix, r.honorific_suffix, r.emails, r.phone_numbers, r.ims, r.photos, r.addresses,
        r.entitlements, r.roles, r.x509_certificates, r.employee_number, r.cost_center, r.organization, r.division,
        r.department, r.manager_id, (SELECT m.display_name FROM users m WHERE m.id = r.manager_id) AS manager_display_name,
        r.created, r.last_modified, r.version
        """;

    /// <summary>users.groups, computed from link; only selected when the response carries it.</summary>
    public const string GroupsColumn = """
        (SELECT json_agg(json_build_object('value', g.id, '$ref', @base_url || '/Groups/' || g.id, 'display', g.display_name, 'type', 'direct') ORDER BY g.display_name, g.id)
           FROM link l JOIN groups g ON g.id = l.group_id WHERE l.user_id = r.id) AS groups_json
        """;

    public static string Select(bool withGroups) =>
        withGroups ? $"SELECT {Columns}, {GroupsColumn} FROM users r" : $"SELECT {Columns} FROM users r";

    public static string Returning(bool withGroups) => withGroups ? $"{Columns}, {GroupsColumn}" : Columns;
}
