using ScimLite.Scim;
using ScimLite.Scim.Filter;

namespace ScimLite.Tests.Filter;

/// <summary>PATCH paths as Okta and Entra send them (IDP-BEHAVIOUR.md) and RFC 7644 §3.5.2 shows them.</summary>
public class PathParserTests
{
    const string Enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    [Theory]
    [InlineData("members", null, "members", null, null, null)]
    [InlineData("active", null, "active", null, null, null)]
    [InlineData("name.givenName", null, "name", "givenName", null, null)]
    [InlineData("name.familyName", null, "name", "familyName", null, null)]
    [InlineData($"{Enterprise}:manager", Enterprise, "manager", null, null, null)]
    [InlineData($"{Enterprise}:employeeNumber", Enterprise, "employeeNumber", null, null, null)]
    [InlineData("urn:ietf:params:scim:schemas:core:2.0:User:name.givenName", "urn:ietf:params:scim:schemas:core:2.0:User", "name", "givenName", null, null)]
    [InlineData("members[value eq \"2819c223-7f76-453a-919d-413861904646\"]", null, "members", null, "value eq \"2819c223-7f76-453a-919d-413861904646\"", null)]
    [InlineData("emails[type eq \"work\"].value", null, "emails", null, "type eq \"work\"", "value")]
    [InlineData("addresses[type eq \"work\"].streetAddress", null, "addresses", null, "type eq \"work\"", "streetAddress")]
    [InlineData("emails[type eq \"work\" and primary eq true].display", null, "emails", null, "(type eq \"work\" and primary eq true)", "display")]
    [InlineData("members[value eq \"a\" or value eq \"b\"]", null, "members", null, "(value eq \"a\" or value eq \"b\")", null)]
    [InlineData("Members[Value EQ \"x\"]", null, "Members", null, "Value eq \"x\"", null)]
    [InlineData("  emails[ type eq \"work\" ].value ", null, "emails", null, "type eq \"work\"", "value")]
    [InlineData("members[$ref eq \"x\"]", null, "members", null, "$ref eq \"x\"", null)]
    public void Parse_ValidPath_SplitsAttributeFilterAndSubAttribute(
        string path, string? urn, string name, string? sub, string? filter, string? subAttribute)
    {
        var parsed = PathParser.Parse(path);

        Assert.Equal(new AttrPathRef(urn, name, sub), parsed.Attribute);
        Assert.Equal(filter, parsed.ValueFilter?.ToString());
        Assert.Equal(subAttribute, parsed.SubAttribute);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("\"members\"")]
    [InlineData("members]")]
    [InlineData("members extra")]
    [InlineData("[value eq \"x\"]")]
    [InlineData("a.b.c")]
    [InlineData("user;name")]
    [InlineData("2fa")]
    [InlineData("urn:bad$:x")]
    [InlineData("emails[type eq \"work\"")]
    [InlineData("emails[type eq \"work\"]value")]
    [InlineData("emails[type eq \"work\"].")]
    [InlineData("emails[type eq \"work\"].value.x")]
    [InlineData("emails[type eq \"work\"].urn:x:value")]
    [InlineData("emails[type eq \"work\"] extra")]
    [InlineData("emails[type eq \"work\"][value eq \"x\"]")]
    [InlineData("name.givenName[type eq \"x\"]")]
    public void Parse_MalformedPath_Returns400InvalidPath(string path)
    {
        var error = Assert.Throws<ScimException>(() => PathParser.Parse(path));

        Assert.Equal(400, error.Status);
        Assert.Equal("invalidPath", error.ScimType);
    }

    [Theory]
    [InlineData("members[value regex \"x\"]")]
    [InlineData("members[value eq]")]
    [InlineData("members[]")]
    [InlineData("emails[type eq \"work\" and value[x eq \"y\"]]")]
    public void Parse_MalformedValueFilter_Returns400InvalidFilter(string path)
    {
        // RFC 7644 Table 9 lists invalidFilter for "PATCH (Path Filter)".
        var error = Assert.Throws<ScimException>(() => PathParser.Parse(path));

        Assert.Equal(400, error.Status);
        Assert.Equal("invalidFilter", error.ScimType);
    }

    [Fact]
    public void Parse_TooLongPath_Returns400InvalidPath()
    {
        var error = Assert.Throws<ScimException>(() => PathParser.Parse("members[value eq \"" + new string('x', 10_000) + "\"]"));
        Assert.Equal("invalidPath", error.ScimType);
    }
}
