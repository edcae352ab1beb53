using Dapper;
using ScimLite.Scim.Filter;
using ScimLite.Scim.Schema;
using ScimLite.Store;
using ScimLite.Tests.Infrastructure;

namespace ScimLite.Tests.Filter;

/// <summary>The SQL a filter compiles to (pure: no database). Literals must only ever appear as parameters.</summary>
public class FilterCompilerTests
{
    const string Id = "2819c223-7f76-453a-919d-413861904646";
    const string Emails = "CASE WHEN jsonb_typeof(r.emails) = 'array' THEN r.emails ELSE '[]'::jsonb END";
    const string UserGroups = "FROM link l JOIN groups g ON g.id = l.group_id WHERE l.user_id = r.id";

    static SqlFilter User(string filter) => FilterCompiler.Compile(filter, Maps.User);
    static SqlFilter Group(string filter) => FilterCompiler.Compile(filter, Maps.Group);

    static object? Param(SqlFilter f, string name) => f.Parameters.Get<object?>(name);

    [Theory]
    // caseExact=false strings: the lower() expressions of users_user_name_key / groups_display_name_key.
    [InlineData("userName eq \"A\"", "lower(r.user_name) = lower(@f0)", "A")]
    [InlineData("UserName EQ \"A\"", "lower(r.user_name) = lower(@f0)", "A")]
    [InlineData("urn:ietf:params:scim:schemas:core:2.0:User:userName eq \"A\"", "lower(r.user_name) = lower(@f0)", "A")]
    [InlineData("userName ne \"A\"", "(r.user_name IS NULL OR lower(r.user_name) <> lower(@f0))", "A")]
    [InlineData("userName co \"a_b%c\\\\d\"", "lower(r.user_name) LIKE lower(@f0) ESCAPE '\\'", "%a\\_b\\%c\\\\d%")]
    [InlineData("userName sw \"J\"", "lower(r.user_name) LIKE lower(@f0) ESCAPE '\\'", "J%")]
    [InlineData("userName ew \"@x.com\"", "lower(r.user_name) LIKE lower(@f0) ESCAPE '\\'", "%@x.com")]
    [InlineData("userName gt \"m\"", "lower(r.user_name) COLLATE \"C\" > lower(@f0)", "m")]
    [InlineData("userName le \"m\"", "lower(r.user_name) COLLATE \"C\" <= lower(@f0)", "m")]
    [InlineData("name.familyName co \"O'Malley\"", "lower(r.family_name) LIKE lower(@f0) ESCAPE '\\'", "%O'Malley%")]
    [InlineData("title eq \"Tour Guide\"", "lower(r.title) = lower(@f0)", "Tour Guide")]
    // caseExact=true strings compare as they are.
    [InlineData("externalId eq \"00u1esetp9DWBu6Ac0g4\"", "r.external_id = @f0", "00u1esetp9DWBu6Ac0g4")]
    [InlineData("externalId eq jyoung", "r.external_id = @f0", "jyoung")]
    [InlineData("externalId sw \"00u\"", "r.external_id LIKE @f0 ESCAPE '\\'", "00u%")]
    [InlineData("externalId ge \"b\"", "r.external_id COLLATE \"C\" >= @f0", "b")]
    // Enterprise extension, qualified or not; an unquoted number compares as its text.
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq \"701984\"", "lower(r.employee_number) = lower(@f0)", "701984")]
    [InlineData("employeeNumber eq 701984", "lower(r.employee_number) = lower(@f0)", "701984")]
    // manager.value is kept as sent (not necessarily a user's id) and compared exactly.
    [InlineData($"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq \"{Id}\"", "r.manager_value = @f0", Id)]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department sw \"Tour\"", "lower(r.department) LIKE lower(@f0) ESCAPE '\\'", "Tour%")]
    [InlineData("manager.displayName eq \"John Smith\"", "lower((SELECT m.display_name FROM users m WHERE m.id = r.manager_id)) = lower(@f0)", "John Smith")]
    public void Compile_StringComparison_UsesParameter(string filter, string sql, string value)
    {
        var compiled = User(filter);

        Assert.Equal(sql, compiled.Where);
        Assert.Equal(["f0"], compiled.Parameters.ParameterNames);
        Assert.Equal(value, Param(compiled, "f0"));
    }

    [Theory]
    [InlineData("title pr", "(r.title IS NOT NULL AND r.title <> '')")]
    [InlineData("title eq null", "NOT (r.title IS NOT NULL AND r.title <> '')")]
    [InlineData("title ne null", "(r.title IS NOT NULL AND r.title <> '')")]
    [InlineData("meta.created pr", "r.created IS NOT NULL")]
    [InlineData("manager.value pr", "(r.manager_value IS NOT NULL AND r.manager_value <> '')")]
    [InlineData("id eq \"not-a-uuid\"", "false")]
    [InlineData("id ne \"not-a-uuid\"", "true")]
    [InlineData("meta.resourceType eq \"User\"", "true")]
    [InlineData("meta.resourceType ne \"User\"", "false")]
    [InlineData("meta.resourceType eq \"Group\"", "false")]
    [InlineData("schemas eq \"urn:ietf:params:scim:schemas:core:2.0:User\"", "true")]
    [InlineData("schemas eq \"urn:ietf:params:scim:schemas:core:2.0:Group\"", "false")]
    [InlineData("schemas pr", "true")]
    [InlineData("schemas eq \"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\"",
        "(r.employee_number IS NOT NULL OR r.cost_center IS NOT NULL OR r.organization IS NOT NULL OR r.division IS NOT NULL OR r.department IS NOT NULL OR r.manager_value IS NOT NULL)")]
    [InlineData("emails pr", $"jsonb_array_length({Emails}) > 0")]
    [InlineData("emails.value pr", $"EXISTS (SELECT 1 FROM jsonb_array_elements({Emails}) e WHERE (e->>'value' IS NOT NULL AND e->>'value' <> ''))")]
    [InlineData("emails eq null", $"NOT EXISTS (SELECT 1 FROM jsonb_array_elements({Emails}) e WHERE (e->>'value' IS NOT NULL AND e->>'value' <> ''))")]
    [InlineData("emails[primary eq true]", $"EXISTS (SELECT 1 FROM jsonb_array_elements({Emails}) e WHERE e->'primary' = 'true'::jsonb)")]
    [InlineData("emails[primary eq false]", $"EXISTS (SELECT 1 FROM jsonb_array_elements({Emails}) e WHERE e->'primary' IS DISTINCT FROM 'true'::jsonb)")]
    [InlineData("emails.primary ne true", $"EXISTS (SELECT 1 FROM jsonb_array_elements({Emails}) e WHERE e->'primary' IS DISTINCT FROM 'true'::jsonb)")]
    [InlineData("groups pr", $"EXISTS (SELECT 1 {UserGroups})")]
    [InlineData("name pr", "((r.formatted IS NOT NULL AND r.formatted <> '') OR (r.family_name IS NOT NULL AND r.family_name <> '') OR (r.given_name IS NOT NULL AND r.given_name <> '') OR (r.middle_name IS NOT NULL AND r.middle_name <> '') OR (r.honorific_prefix IS NOT NULL AND r.honorific_prefix <> '') OR (r.honorific_suffix IS NOT NULL AND r.honorific_suffix <> ''))")]
    public void Compile_WithoutParameters_IsConstantOrStructural(string filter, string sql)
    {
        var compiled = User(filter);

        Assert.Equal(sql, compiled.Where);
        Assert.Empty(compiled.Parameters.ParameterNames);
    }

    [Theory]
    [InlineData("active eq true", "r.active = @f0", true)]
    [InlineData("active eq False", "r.active = @f0", false)]
    [InlineData("active ne false", "(r.active IS NULL OR r.active <> @f0)", false)]
    public void Compile_Boolean_UsesBooleanParameter(string filter, string sql, bool value)
    {
        var compiled = User(filter);
        Assert.Equal(sql, compiled.Where);
        Assert.Equal(value, Param(compiled, "f0"));
    }

    [Theory]
    [InlineData("meta.lastModified gt \"2011-05-13T04:42:34Z\"", "r.last_modified > @f0", "2011-05-13T04:42:34Z")]
    [InlineData("meta.lastModified ge \"2011-05-13T04:42:34.5Z\"", "r.last_modified >= @f0", "2011-05-13T04:42:34.5Z")]
    [InlineData("meta.lastModified lt \"2011-05-13T06:42:34+02:00\"", "r.last_modified < @f0", "2011-05-13T04:42:34Z")]
    [InlineData("meta.created le \"2011-05-13T04:42:34\"", "r.created <= @f0", "2011-05-13T04:42:34Z")]
    [InlineData("meta.created eq \"2011-05-13T04:42:34Z\"", "r.created = @f0", "2011-05-13T04:42:34Z")]
    [InlineData("meta.created ne \"2011-05-13T04:42:34Z\"", "(r.created IS NULL OR r.created <> @f0)", "2011-05-13T04:42:34Z")]
    public void Compile_DateTime_IsUtcInstantParameter(string filter, string sql, string instant)
    {
        var compiled = User(filter);

        Assert.Equal(sql, compiled.Where);
        var value = Assert.IsType<DateTimeOffset>(Param(compiled, "f0"));
        Assert.Equal(DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture), value);
        Assert.Equal(TimeSpan.Zero, value.Offset);
    }

    [Theory]
    [InlineData($"id eq \"{Id}\"", "r.id = @f0")]
    [InlineData($"id eq \"{{2819C223-7F76-453A-919D-413861904646}}\"", "r.id = @f0")]
    [InlineData($"id ne \"{Id}\"", "(r.id IS NULL OR r.id <> @f0)")]
    [InlineData($"groups.value eq \"{Id}\"", $"EXISTS (SELECT 1 {UserGroups} AND l.group_id = @f0)")]
    [InlineData($"groups[value eq \"{Id}\"]", $"EXISTS (SELECT 1 {UserGroups} AND l.group_id = @f0)")]
    [InlineData($"groups eq \"{Id}\"", $"EXISTS (SELECT 1 {UserGroups} AND l.group_id = @f0)")]
    public void Compile_Uuid_IsGuidParameter(string filter, string sql)
    {
        var compiled = User(filter);
        Assert.Equal(sql, compiled.Where);
        Assert.Equal(Guid.Parse(Id), Param(compiled, "f0"));
    }

    [Theory]
    [InlineData("id sw \"2819\"", "r.id::text LIKE lower(@f0) ESCAPE '\\'", "2819%")]
    [InlineData("id co \"7F76\"", "r.id::text LIKE lower(@f0) ESCAPE '\\'", "%7F76%")]
    [InlineData("groups.display sw \"Adm\"", $"EXISTS (SELECT 1 {UserGroups} AND lower(g.display_name) LIKE lower(@f0) ESCAPE '\\')", "Adm%")]
    [InlineData("groups.type eq \"direct\"", $"EXISTS (SELECT 1 {UserGroups} AND lower('direct') = lower(@f0))", "direct")]
    [InlineData("phoneNumbers.value sw \"+1\"", "EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(r.phone_numbers) = 'array' THEN r.phone_numbers ELSE '[]'::jsonb END) e WHERE lower(e->>'value') LIKE lower(@f0) ESCAPE '\\')", "+1%")]
    [InlineData("addresses[locality eq \"Hollywood\"]", "EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(r.addresses) = 'array' THEN r.addresses ELSE '[]'::jsonb END) e WHERE lower(e->>'locality') = lower(@f0))", "Hollywood")]
    [InlineData("x509Certificates eq \"MIIDQzCC\"", "EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(r.x509_certificates) = 'array' THEN r.x509_certificates ELSE '[]'::jsonb END) e WHERE e->>'value' = @f0)", "MIIDQzCC")]
    [InlineData("emails co \"example.com\"", $"EXISTS (SELECT 1 FROM jsonb_array_elements({Emails}) e WHERE lower(e->>'value') LIKE lower(@f0) ESCAPE '\\')", "%example.com%")]
    [InlineData("emails.type ne \"work\"", $"EXISTS (SELECT 1 FROM jsonb_array_elements({Emails}) e WHERE (e->>'type' IS NULL OR lower(e->>'type') <> lower(@f0)))", "work")]
    [InlineData("name[givenName eq \"Barbara\"]", "lower(r.given_name) = lower(@f0)", "Barbara")]
    [InlineData("meta.resourceType sw \"Us\"", "'User' LIKE @f0 ESCAPE '\\'", "Us%")]
    public void Compile_OtherOperands_UseParameter(string filter, string sql, string value)
    {
        var compiled = User(filter);
        Assert.Equal(sql, compiled.Where);
        Assert.Equal(value, Param(compiled, "f0"));
    }

    [Theory]
    [InlineData("emails.value eq \"Bjensen@Example.com\"")]
    [InlineData("emails eq \"Bjensen@Example.com\"")]
    [InlineData("EMAILS.VALUE EQ \"Bjensen@Example.com\"")]
    [InlineData("emails[value eq \"Bjensen@Example.com\"]")]
    public void Compile_EmailValueEq_AddsGinIndexPredicate(string filter)
    {
        var compiled = User(filter);

        Assert.Equal(
            $"(scim_email_values(r.emails) @> ARRAY[lower(@f0)] AND EXISTS (SELECT 1 FROM jsonb_array_elements({Emails}) e WHERE lower(e->>'value') = lower(@f0)))",
            compiled.Where);
        Assert.Equal("Bjensen@Example.com", Param(compiled, "f0"));
    }

    [Fact]
    public void Compile_ValuePath_OneExistsForTheWholeInnerFilter()
    {
        var compiled = User("emails[type eq \"work\" and value co \"@example.com\"]");

        Assert.Equal(
            $"EXISTS (SELECT 1 FROM jsonb_array_elements({Emails}) e WHERE (lower(e->>'type') = lower(@f0) AND lower(e->>'value') LIKE lower(@f1) ESCAPE '\\'))",
            compiled.Where);
        Assert.Equal("work", Param(compiled, "f0"));
        Assert.Equal("%@example.com%", Param(compiled, "f1"));
    }

    [Fact]
    public void Compile_ValuePathWithEmailEq_AddsIndexPredicateOutsideExists()
    {
        var compiled = User("emails[type eq \"work\" and value eq \"a@x.com\"]");

        Assert.StartsWith("(scim_email_values(r.emails) @> ARRAY[lower(@f1)] AND EXISTS (", compiled.Where);
        Assert.Equal("a@x.com", Param(compiled, "f1"));
    }

    [Fact]
    public void Compile_Logic_KeepsTreeShapeAndNotIsTwoValued()
    {
        var compiled = User("userName eq \"a\" or title pr and not (userType eq \"Intern\")");

        Assert.Equal(
            "(lower(r.user_name) = lower(@f0) OR ((r.title IS NOT NULL AND r.title <> '') AND NOT coalesce(lower(r.user_type) = lower(@f1), false)))",
            compiled.Where);
    }

    [Fact]
    public void Compile_RfcExample_EmployeesWithoutExampleEmails()
    {
        var compiled = User("userType ne \"Employee\" and not (emails co \"example.com\" or emails.value co \"example.org\")");

        Assert.Equal(
            "((r.user_type IS NULL OR lower(r.user_type) <> lower(@f0)) AND NOT coalesce(" +
            $"(EXISTS (SELECT 1 FROM jsonb_array_elements({Emails}) e WHERE lower(e->>'value') LIKE lower(@f1) ESCAPE '\\') OR " +
            $"EXISTS (SELECT 1 FROM jsonb_array_elements({Emails}) e WHERE lower(e->>'value') LIKE lower(@f2) ESCAPE '\\')), false))",
            compiled.Where);
    }

    [Fact]
    public void Compile_SameValueTwice_ReusesParameter()
    {
        var compiled = User("userName eq \"x\" or externalId eq \"x\"");

        Assert.Equal("(lower(r.user_name) = lower(@f0) OR r.external_id = @f0)", compiled.Where);
        Assert.Single(compiled.Parameters.ParameterNames);
    }

    [Fact]
    public void Compile_IntoExistingParameters_UsesPrefix()
    {
        var parameters = new DynamicParameters();
        parameters.Add("count", 100);

        var compiled = FilterCompiler.Compile(FilterParser.Parse("userName eq \"x\""), Maps.User, parameters, "q");

        Assert.Equal("lower(r.user_name) = lower(@q0)", compiled.Where);
        Assert.Same(parameters, compiled.Parameters);
        Assert.Equal(["count", "q0"], compiled.Parameters.ParameterNames.Order());
    }

    [Theory]
    [InlineData("userName eq \"x' OR '1'='1\"", "x' OR '1'='1")]
    [InlineData("userName eq \"'; DROP TABLE users; --\"", "'; DROP TABLE users; --")]
    [InlineData("emails[value co \"') OR true --\"]", "%') OR true --%")]
    [InlineData("externalId eq x';DROP", "x';DROP")]
    public void Compile_SqlInjectionInValue_StaysInParameter(string filter, string value)
    {
        var compiled = User(filter);

        Assert.DoesNotContain("'1'='1", compiled.Where);
        Assert.DoesNotContain("DROP", compiled.Where);
        Assert.DoesNotContain("OR true", compiled.Where);
        Assert.Contains(value, compiled.Parameters.ParameterNames.Select(n => Param(compiled, n)));
    }

    [Theory]
    [InlineData("displayName eq \"Sales Team\"", "lower(r.display_name) = lower(@f0)")]
    [InlineData("externalId eq \"00g1\"", "r.external_id = @f0")]
    [InlineData("members.display sw \"Bab\"",
        "EXISTS (SELECT 1 FROM link l WHERE l.group_id = r.id AND lower(coalesce((SELECT coalesce(mu.display_name, mu.user_name) FROM users mu WHERE mu.id = l.user_id), (SELECT mg.display_name FROM groups mg WHERE mg.id = l.member_group_id))) LIKE lower(@f0) ESCAPE '\\')")]
    [InlineData("members.type eq \"Group\"",
        "EXISTS (SELECT 1 FROM link l WHERE l.group_id = r.id AND lower(CASE WHEN l.user_id IS NOT NULL THEN 'User' ELSE 'Group' END) = lower(@f0))")]
    [InlineData("meta.resourceType eq \"Group\"", "true")]
    [InlineData("members pr", "EXISTS (SELECT 1 FROM link l WHERE l.group_id = r.id)")]
    public void Compile_Group_MapsGroupColumns(string filter, string sql)
    {
        Assert.Equal(sql, Group(filter).Where);
    }

    [Theory]
    [InlineData($"members.value eq \"{Id}\"")]
    [InlineData($"members[value eq \"{Id}\"]")]
    [InlineData($"members eq \"{Id}\"")]
    public void Compile_GroupMemberValue_TestsUserAndGroupColumns(string filter)
    {
        var compiled = Group(filter);

        Assert.Equal("EXISTS (SELECT 1 FROM link l WHERE l.group_id = r.id AND (l.user_id = @f0 OR l.member_group_id = @f0))", compiled.Where);
        Assert.Equal(Guid.Parse(Id), Param(compiled, "f0"));
    }

    [Fact]
    public void Compile_GroupMemberValueNotUuid_MatchesNothing()
    {
        Assert.Equal("EXISTS (SELECT 1 FROM link l WHERE l.group_id = r.id AND false)", Group("members.value eq \"bob\"").Where);
    }

    [Theory]
    [InlineData("Group", "members", $"value eq \"{Id}\"", "(l.user_id = @m0 OR l.member_group_id = @m0)")]
    [InlineData("Group", "members", "value eq \"not-a-uuid\"", "false")]
    [InlineData("User", "emails", "type eq \"work\"", "lower(e->>'type') = lower(@m0)")]
    [InlineData("User", "emails", "type eq \"work\" and primary eq true", "(lower(e->>'type') = lower(@m0) AND e->'primary' = 'true'::jsonb)")]
    [InlineData("User", "addresses", "not (type eq \"home\")", "NOT coalesce(lower(e->>'type') = lower(@m0), false)")]
    public void CompileItem_ValueFilter_IsPredicateOnOneItem(string typeName, string attributeName, string filter, string sql)
    {
        var type = typeName == "User" ? ResourceTypeDef.User : ResourceTypeDef.Group;
        var attribute = type.Resolve(attributeName)!.Attribute;

        var predicate = FilterCompiler.CompileItem(FilterParser.Parse(filter), attribute, Maps.Of(typeName), new DynamicParameters(), "m");

        Assert.Equal(sql, predicate);
    }

    [Theory]
    [InlineData("foo eq \"x\"")]
    [InlineData("emails.type eq \"x\"")]
    [InlineData("primary gt true")]
    [InlineData("type[value eq \"x\"]")]
    public void CompileItem_BadValueFilter_Returns400InvalidFilter(string filter)
    {
        var error = Assert.Throws<Scim.ScimException>(() => FilterCompiler.CompileItem(
            FilterParser.Parse(filter), ResourceTypeDef.User.Resolve("emails")!.Attribute, Maps.User, new DynamicParameters(), "m"));
        Assert.Equal("invalidFilter", error.ScimType);
    }
}
