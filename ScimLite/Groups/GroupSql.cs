namespace ScimLite.Groups;

/// <summary>The SQL that reads groups and their members.</summary>
static class GroupSql
{
    public const string Columns = "r.id, r.display_name, r.external_id, r.created, r.last_modified, r.version";

    /// <summary>Group.members, computed from link; only selected when the response carries it.</summary>
    public const string MembersColumn = """
        (SELECT json_agg(json_build_object(
                    'value', coalesce(l.user_id, l.member_group_id),
                    '$ref', @base_url || CASE WHEN l.user_id IS NULL THEN '/Groups/' ELSE '/Users/' END || coalesce(l.user_id, l.member_group_id),
                    'display', coalesce(u.display_name, u.user_name, g.display_name),
                    'type', CASE WHEN l.user_id IS NULL THEN 'Group' ELSE 'User' END)
                ORDER BY l.created, coalesce(l.user_id, l.member_group_id))
           FROM link l
           LEFT JOIN users u ON u.id = l.user_id
           LEFT JOIN groups g ON g.id = l.member_group_id
          WHERE l.group_id = r.id) AS members_json
        """;

    public static string Select(bool withMembers) =>
        withMembers ? $"SELECT {Columns}, {MembersColumn} FROM groups r" : $"SELECT {Columns} FROM groups r";
}
