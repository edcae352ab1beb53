using ScimLite.Scim.Filter;
using ScimLite.Scim;
using ScimLite.Store;
using ScimLite.Tests.Infrastructure;

namespace ScimLite.Tests.Filter;

/// <summary>Malformed or unsupported filters: always 400 invalidFilter, never a 500 or a stack overflow.</summary>
public class FilterErrorTests
{
    public static TheoryData<string> Malformed => new()
    {
        // Empty
        "",
        "   ",
        "()",
        // Unbalanced parentheses, brackets, quotes
        "(userName eq \"x\"",
        "userName eq \"x\")",
        "((userName eq \"x\")",
        "not (userName eq \"x\"",
        "emails[type eq \"work\"",
        "emails type eq \"work\"]",
        "[type eq \"work\"]",
        "userName eq \"x\" ]",
        "emails[]",
        "userName eq \"x",
        "userName eq \"x\\\"",
        "userName eq \"a\\qb\"",
        "userName eq \"a\\u12\"",
        // A lone surrogate escape decodes to no text PostgreSQL could compare.
        "userName eq \"\\ud800\"",
        "userName eq \"a\\udc00b\"",
        // Missing pieces
        "userName",
        "userName eq",
        "userName eq )",
        "userName \"x\"",
        "eq \"x\"",
        "title pr pr",
        "userName eq \"x\" and",
        "userName eq \"x\" or",
        "and userName eq \"x\"",
        "userName eq \"x\" and or title pr",
        "title pr and (userName eq \"x\" or)",
        "userName eq and title pr",
        "not",
        "not userName eq \"x\"",
        "not title pr",
        "userName eq \"x\" foo",
        "userName eq \"x\" \"y\"",
        // Unknown operators, single quotes, bad numbers
        "userName regex \"x\"",
        "userName equals \"x\"",
        "userName 1 \"x\"",
        "user name eq \"x\"",
        "userName eq 'x'",
        "employeeNumber eq 1e999",
        // Bad attribute paths, injection in attribute names
        "userName;DROP TABLE users eq \"x\"",
        "\"userName\" eq \"x\"",
        "2userName eq \"x\"",
        "name.familyName.x eq \"a\"",
        "user*Name eq \"x\"",
        "userName--comment pr",
        "urn:bad$:userName eq \"x\"",
        "r.user_name eq \"x\"",
        // Nested or misplaced brackets (erratum 4690)
        "emails[type eq \"work\" and value[x eq \"y\"]]",
        "emails[type eq \"work\"][value eq \"x\"]",
        "emails.value[type eq \"work\"]",
        "userName[value eq \"x\"]",
        "emails[urn:ietf:params:scim:schemas:core:2.0:User:emails.type eq \"x\"]",
        "emails[type.value eq \"x\"]",
        // Unknown attributes
        "foo eq \"x\"",
        "userName.foo eq \"x\"",
        "emails.foo eq \"x\"",
        "emails[foo eq \"x\"]",
        "urn:ietf:params:scim:schemas:core:2.0:Group:displayName eq \"x\"",
        "urn:example:custom:1.0:User:userName eq \"x\"",
        "members.value eq \"x\"",
        // Complex attribute without a sub-attribute
        "name eq \"x\"",
        "manager eq \"x\"",
        "meta eq \"x\"",
        "addresses eq \"x\"",
        // Operators the type does not support
        "active gt true",
        "active le false",
        "active co \"t\"",
        "active eq \"true\"",
        "active eq 1",
        "emails.primary gt true",
        "emails[primary sw \"t\"]",
        "meta.created co \"2011\"",
        "x509Certificates co \"MII\"",
        "x509Certificates.value gt \"MII\"",
        "userName eq true",
        "id eq false",
        "schemas co \"urn\"",
        "schemas eq true",
        // null only with eq/ne
        "title gt null",
        "title co null",
        // Bad dateTimes
        "meta.lastModified gt \"yesterday\"",
        "meta.lastModified gt \"2011-13-45T99:00:00Z\"",
        "meta.lastModified gt \"2011-05-13\"",
        "meta.lastModified gt \"13/05/2011 04:42:34\"",
        "meta.lastModified gt 20110513",
        "meta.created eq true",
        // Not filterable
        "password eq \"secret\"",
        "urn:ietf:params:scim:schemas:core:2.0:User:password pr",
        "meta.location eq \"https://example.com/Users/1\"",
        "meta.version eq \"W/\\\"1\\\"\"",
        "groups.$ref eq \"x\"",
        "manager.$ref pr",
        // Limits
        new string('(', 1000) + "userName eq \"x\"" + new string(')', 1000),
        string.Concat(Enumerable.Repeat("not (", 1000)) + "title pr" + new string(')', 1000),
        "userName eq \"" + new string('a', 10 * 1024) + "\"",
        string.Join(" and ", Enumerable.Repeat("title pr", 1200)),
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Filter_Malformed_Returns400InvalidFilter(string filter)
    {
        var error = Assert.Throws<ScimException>(() => FilterCompiler.Compile(filter, Maps.User));

        Assert.Equal(400, error.Status);
        Assert.Equal("invalidFilter", error.ScimType);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    [Theory]
    [InlineData("userName eq \"x\"")]
    [InlineData("members.display eq \"x\" and foo pr")]
    [InlineData("emails.value eq \"x\"")]
    [InlineData("active eq true")]
    public void Filter_UserAttributeOnGroups_Returns400InvalidFilter(string filter)
    {
        var error = Assert.Throws<ScimException>(() => FilterCompiler.Compile(filter, Maps.Group));
        Assert.Equal("invalidFilter", error.ScimType);
    }

    [Theory]
    [InlineData("userName eq \"x\" foo", "position 17")]
    [InlineData("userName regex \"x\"", "Unknown operator 'regex'")]
    [InlineData("(userName eq \"x\"", "')'")]
    [InlineData("userName eq \"x", "no closing quote")]
    [InlineData("not userName eq \"x\"", "'not' must be followed by '('")]
    [InlineData("userName eq", "Expected a value")]
    [InlineData("foo eq \"x\"", "Unknown attribute 'foo'")]
    [InlineData("emails[foo eq \"x\"]", "Unknown attribute 'emails.foo'")]
    [InlineData("name eq \"x\"", "name a sub-attribute")]
    [InlineData("password eq \"x\"", "password")]
    [InlineData("active gt true", "'gt'")]
    [InlineData("userName;DROP TABLE users eq \"x\"", "Invalid attribute path")]
    public void Filter_Error_DetailSaysWhatAndWhere(string filter, string expected)
    {
        var error = Assert.Throws<ScimException>(() => FilterCompiler.Compile(filter, Maps.User));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Filter_DepthBomb_FailsOnDepthNotStack()
    {
        var filter = new string('(', 1000) + "title pr" + new string(')', 1000);
        var error = Assert.Throws<ScimException>(() => FilterParser.Parse(filter));
        Assert.Contains($"deeper than {FilterParser.MaxDepth}", error.Message);
    }

    [Fact]
    public void Filter_TooLong_FailsOnLength()
    {
        var error = Assert.Throws<ScimException>(() => FilterParser.Parse("userName eq \"" + new string('a', 10_000) + "\""));
        Assert.Contains("characters long", error.Message);
    }
}
