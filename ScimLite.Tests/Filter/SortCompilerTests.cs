using ScimLite.Scim;
using ScimLite.Store;
using ScimLite.Tests.Infrastructure;

namespace ScimLite.Tests.Filter;

public class SortCompilerTests
{
    const string EmailsFirst =
        "(SELECT lower(e->>'{0}') FROM jsonb_array_elements(CASE WHEN jsonb_typeof(r.emails) = 'array' THEN r.emails ELSE '[]'::jsonb END) " +
        "WITH ORDINALITY AS x(e, n) ORDER BY (e->'primary' = 'true'::jsonb) DESC NULLS LAST, x.n LIMIT 1) COLLATE \"C\"";

    [Theory]
    [InlineData(null, null, "ORDER BY r.id")]
    [InlineData("", "descending", "ORDER BY r.id")]
    [InlineData("userName", null, "ORDER BY lower(r.user_name) COLLATE \"C\" ASC NULLS LAST, r.id")]
    [InlineData("userName", "ascending", "ORDER BY lower(r.user_name) COLLATE \"C\" ASC NULLS LAST, r.id")]
    [InlineData("UserName", "Descending", "ORDER BY lower(r.user_name) COLLATE \"C\" DESC NULLS FIRST, r.id")]
    [InlineData("urn:ietf:params:scim:schemas:core:2.0:User:userName", "DESCENDING", "ORDER BY lower(r.user_name) COLLATE \"C\" DESC NULLS FIRST, r.id")]
    [InlineData("externalId", null, "ORDER BY r.external_id COLLATE \"C\" ASC NULLS LAST, r.id")]
    [InlineData("name.familyName", null, "ORDER BY lower(r.family_name) COLLATE \"C\" ASC NULLS LAST, r.id")]
    [InlineData("meta.lastModified", "descending", "ORDER BY r.last_modified DESC NULLS FIRST, r.id")]
    [InlineData("meta.created", null, "ORDER BY r.created ASC NULLS LAST, r.id")]
    [InlineData("meta.resourceType", null, "ORDER BY r.id")]
    [InlineData("active", null, "ORDER BY r.active ASC NULLS LAST, r.id")]
    [InlineData("id", null, "ORDER BY r.id ASC NULLS LAST, r.id")]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", null, "ORDER BY lower(r.department) COLLATE \"C\" ASC NULLS LAST, r.id")]
    [InlineData("manager.value", null, "ORDER BY r.manager_value COLLATE \"C\" ASC NULLS LAST, r.id")]
    [InlineData("manager.displayName", null, "ORDER BY lower((SELECT m.display_name FROM users m WHERE m.id = r.manager_id)) COLLATE \"C\" ASC NULLS LAST, r.id")]
    [InlineData("emails", null, "ORDER BY " + EmailsFirst + " ASC NULLS LAST, r.id")]
    [InlineData("emails.value", "descending", "ORDER BY " + EmailsFirst + " DESC NULLS FIRST, r.id")]
    [InlineData("groups.display", null,
        "ORDER BY (SELECT lower(g.display_name) FROM link l JOIN groups g ON g.id = l.group_id WHERE l.user_id = r.id " +
        "ORDER BY l.created, l.group_id, coalesce(l.user_id, l.member_group_id) LIMIT 1) COLLATE \"C\" ASC NULLS LAST, r.id")]
    public void Compile_User_OrdersWithTieBreaker(string? sortBy, string? sortOrder, string expected)
    {
        Assert.Equal(expected.Replace("{0}", "value"), SortCompiler.Compile(sortBy, sortOrder, Maps.User));
    }

    [Fact]
    public void Compile_MultiValuedSubAttribute_SortsByPrimaryItemsSubAttribute()
    {
        Assert.Equal("ORDER BY " + EmailsFirst.Replace("{0}", "type") + " ASC NULLS LAST, r.id",
            SortCompiler.Compile("emails.type", null, Maps.User));
    }

    [Theory]
    [InlineData("displayName", "ORDER BY lower(r.display_name) COLLATE \"C\" ASC NULLS LAST, r.id")]
    [InlineData("members.value",
        "ORDER BY (SELECT coalesce(l.user_id, l.member_group_id) FROM link l WHERE l.group_id = r.id " +
        "ORDER BY l.created, l.group_id, coalesce(l.user_id, l.member_group_id) LIMIT 1) ASC NULLS LAST, r.id")]
    public void Compile_Group_OrdersWithTieBreaker(string sortBy, string expected)
    {
        Assert.Equal(expected, SortCompiler.Compile(sortBy, null, Maps.Group));
    }

    [Theory]
    [InlineData("foo", null)]
    [InlineData("userName.foo", null)]
    [InlineData("name", null)]
    [InlineData("addresses", null)]
    [InlineData("password", null)]
    [InlineData("meta.location", null)]
    [InlineData("groups.$ref", null)]
    [InlineData("userName;DROP TABLE users", null)]
    [InlineData("lower(r.user_name)", null)]
    [InlineData("userName", "up")]
    [InlineData("userName", "asc")]
    [InlineData(null, "sideways")]
    public void Compile_BadSort_Returns400InvalidValue(string? sortBy, string? sortOrder)
    {
        var error = Assert.Throws<ScimException>(() => SortCompiler.Compile(sortBy, sortOrder, Maps.User));

        Assert.Equal(400, error.Status);
        Assert.Equal("invalidValue", error.ScimType);
    }

    [Fact]
    public void Compile_UserAttributeOnGroups_Returns400InvalidValue()
    {
        var error = Assert.Throws<ScimException>(() => SortCompiler.Compile("userName", null, Maps.Group));
        Assert.Equal("invalidValue", error.ScimType);
    }
}
