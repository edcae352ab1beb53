using ScimLite.Scim.Filter;

namespace ScimLite.Tests.Filter;

/// <summary>Valid filters and the tree they parse to, rendered with every logical operation parenthesised.</summary>
public class FilterParserTests
{
    [Theory]
    // RFC 7644 §3.4.2.2, the examples in order.
    [InlineData("userName eq \"bjensen\"", "userName eq \"bjensen\"")]
    [InlineData("name.familyName co \"O'Malley\"", "name.familyName co \"O'Malley\"")]
    [InlineData("userName sw \"J\"", "userName sw \"J\"")]
    [InlineData("urn:ietf:params:scim:schemas:core:2.0:User:userName sw \"J\"", "urn:ietf:params:scim:schemas:core:2.0:User:userName sw \"J\"")]
    [InlineData("title pr", "title pr")]
    [InlineData("meta.lastModified gt \"2011-05-13T04:42:34Z\"", "meta.lastModified gt \"2011-05-13T04:42:34Z\"")]
    [InlineData("meta.lastModified ge \"2011-05-13T04:42:34Z\"", "meta.lastModified ge \"2011-05-13T04:42:34Z\"")]
    [InlineData("meta.lastModified lt \"2011-05-13T04:42:34Z\"", "meta.lastModified lt \"2011-05-13T04:42:34Z\"")]
    [InlineData("meta.lastModified le \"2011-05-13T04:42:34Z\"", "meta.lastModified le \"2011-05-13T04:42:34Z\"")]
    [InlineData("title pr and userType eq \"Employee\"", "(title pr and userType eq \"Employee\")")]
    [InlineData("title pr or userType eq \"Intern\"", "(title pr or userType eq \"Intern\")")]
    [InlineData("schemas eq \"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\"", "schemas eq \"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\"")]
    [InlineData("userType eq \"Employee\" and (emails co \"example.com\" or emails.value co \"example.org\")",
        "(userType eq \"Employee\" and (emails co \"example.com\" or emails.value co \"example.org\"))")]
    [InlineData("userType ne \"Employee\" and not (emails co \"example.com\" or emails.value co \"example.org\")",
        "(userType ne \"Employee\" and not ((emails co \"example.com\" or emails.value co \"example.org\")))")]
    [InlineData("userType eq \"Employee\" and (emails.type eq \"work\")", "(userType eq \"Employee\" and emails.type eq \"work\")")]
    [InlineData("userType eq \"Employee\" and emails[type eq \"work\" and value co \"@example.com\"]",
        "(userType eq \"Employee\" and emails[(type eq \"work\" and value co \"@example.com\")])")]
    [InlineData("emails[type eq \"work\" and value co \"@example.com\"] or ims[type eq \"xmpp\" and value co \"@foo.com\"]",
        "(emails[(type eq \"work\" and value co \"@example.com\")] or ims[(type eq \"xmpp\" and value co \"@foo.com\")])")]
    // Okta (IDP-BEHAVIOUR.md): user lookup before create, group existence check.
    [InlineData("userName eq \"isaac.brock@example.com\"", "userName eq \"isaac.brock@example.com\"")]
    [InlineData("displayName eq \"Sales Team\"", "displayName eq \"Sales Team\"")]
    [InlineData("userName EQ \"ISAAC.BROCK@EXAMPLE.COM\"", "userName eq \"ISAAC.BROCK@EXAMPLE.COM\"")]
    // Entra ID: userName / externalId / displayName, combined with and; Test Connection probes a random GUID.
    [InlineData("externalId eq \"0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef\"", "externalId eq \"0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef\"")]
    [InlineData("userName eq \"Test_User_dfeef4c5-5681-4387-b016-bdf221e82081\"", "userName eq \"Test_User_dfeef4c5-5681-4387-b016-bdf221e82081\"")]
    [InlineData("id eq \"8c2b8b52-7d2c-4e0e-a4a8-9b1f3c5d7e90\"", "id eq \"8c2b8b52-7d2c-4e0e-a4a8-9b1f3c5d7e90\"")]
    [InlineData("externalId eq jyoung", "externalId eq \"jyoung\"")]
    [InlineData("userName eq \"jyoung@contoso.com\" and externalId eq \"jyoung\"", "(userName eq \"jyoung@contoso.com\" and externalId eq \"jyoung\")")]
    [InlineData("UserName eq \"x\"", "UserName eq \"x\"")]
    // Keywords and operators in any case; not( with and without a space (erratum 7319); extra spaces.
    [InlineData("title PR AND userType Eq \"a\" Or userType NE \"b\"", "((title pr and userType eq \"a\") or userType ne \"b\")")]
    [InlineData("not(title pr)", "not (title pr)")]
    [InlineData("NOT (title pr)", "not (title pr)")]
    [InlineData("   userName    eq    \"x\"   ", "userName eq \"x\"")]
    [InlineData("(userName eq \"x\")and(title pr)", "(userName eq \"x\" and title pr)")]
    [InlineData("((title pr))", "title pr")]
    // Values: JSON strings with escapes, numbers, true/false/null in any case.
    [InlineData("userName eq \"a\\\"b\\\\c\\u0041\\/\"", "userName eq \"a\\\"b\\\\cA/\"")]
    [InlineData("active eq TRUE", "active eq true")]
    [InlineData("active eq False", "active eq false")]
    [InlineData("title eq Null", "title eq null")]
    [InlineData("employeeNumber eq 42", "employeeNumber eq 42")]
    [InlineData("employeeNumber gt -1.5e3", "employeeNumber gt -1.5e3")]
    [InlineData("userName eq \"\"", "userName eq \"\"")]
    [InlineData("userName eq \"and\"", "userName eq \"and\"")]
    // Attribute names with $, - and _; enterprise-qualified paths.
    [InlineData("members[$ref eq \"x\"]", "members[$ref eq \"x\"]")]
    [InlineData("groups.$ref pr", "groups.$ref pr")]
    [InlineData("x-y_z9 pr", "x-y_z9 pr")]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq \"26118915\"",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq \"26118915\"")]
    // Erratum 7322: logic and parentheses inside brackets.
    [InlineData("emails[type eq \"work\" or (type eq \"home\" and value ew \"@x.org\")]",
        "emails[(type eq \"work\" or (type eq \"home\" and value ew \"@x.org\"))]")]
    [InlineData("emails[not (type eq \"work\")]", "emails[not (type eq \"work\")]")]
    [InlineData("emails[primary eq true] and not(emails[type eq \"home\"])", "(emails[primary eq true] and not (emails[type eq \"home\"]))")]
    public void Parse_ValidFilter_ProducesTree(string filter, string expected)
    {
        Assert.Equal(expected, FilterParser.Parse(filter).ToString());
    }

    [Theory]
    // Precedence (erratum 4670): not > and > or; and/or associate left.
    [InlineData("a eq 1 or b eq 2 and c eq 3", "(a eq 1 or (b eq 2 and c eq 3))")]
    [InlineData("a eq 1 and b eq 2 or c eq 3", "((a eq 1 and b eq 2) or c eq 3)")]
    [InlineData("a pr and b pr and c pr", "((a pr and b pr) and c pr)")]
    [InlineData("a pr or b pr or c pr", "((a pr or b pr) or c pr)")]
    [InlineData("(a pr or b pr) and c pr", "((a pr or b pr) and c pr)")]
    [InlineData("not (a pr) and b pr", "(not (a pr) and b pr)")]
    [InlineData("not (a pr or b pr) or c pr and d pr", "(not ((a pr or b pr)) or (c pr and d pr))")]
    [InlineData("a pr or emails[type eq \"w\" or value pr and primary eq true]",
        "(a pr or emails[(type eq \"w\" or (value pr and primary eq true))])")]
    public void Parse_Precedence_NotBeforeAndBeforeOr(string filter, string expected)
    {
        Assert.Equal(expected, FilterParser.Parse(filter).ToString());
    }

    [Fact]
    public void Parse_EscapedSurrogatePair_DecodesToOneCharacter()
    {
        var node = Assert.IsType<CompareNode>(FilterParser.Parse("displayName eq \"smile \\ud83d\\ude00\""));

        Assert.Equal(new StringValue("smile \U0001F600"), node.Value);
    }

    [Fact]
    public void Parse_OrOfAnd_BuildsTypedNodes()
    {
        var node = FilterParser.Parse("userName eq \"x\" or title pr and not (active eq false)");

        var or = Assert.IsType<OrNode>(node);
        Assert.Equal(new CompareNode(new AttrPathRef(null, "userName"), CompareOp.Eq, new StringValue("x")), or.Left);
        var and = Assert.IsType<AndNode>(or.Right);
        Assert.Equal(new PresentNode(new AttrPathRef(null, "title")), and.Left);
        var not = Assert.IsType<NotNode>(and.Right);
        Assert.Equal(new CompareNode(new AttrPathRef(null, "active"), CompareOp.Eq, new BooleanValue(false)), not.Inner);
    }

    [Fact]
    public void Parse_ValuePath_InnerPathsAreBareSubAttributeNames()
    {
        var node = Assert.IsType<ValuePathNode>(FilterParser.Parse("emails[type eq \"work\" and value co \"@example.com\"]"));

        Assert.Equal(new AttrPathRef(null, "emails"), node.Attribute);
        var and = Assert.IsType<AndNode>(node.Filter);
        Assert.Equal(new CompareNode(new AttrPathRef(null, "type"), CompareOp.Eq, new StringValue("work")), and.Left);
        Assert.Equal(new CompareNode(new AttrPathRef(null, "value"), CompareOp.Co, new StringValue("@example.com")), and.Right);
    }

    [Theory]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value pr", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", "manager", "value")]
    [InlineData("urn:ietf:params:scim:schemas:core:2.0:User:name.familyName pr", "urn:ietf:params:scim:schemas:core:2.0:User", "name", "familyName")]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber pr", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", "employeeNumber", null)]
    [InlineData("name.givenName pr", null, "name", "givenName")]
    public void Parse_AttributePath_SplitsUrnAtLastColon(string filter, string? urn, string name, string? sub)
    {
        var node = Assert.IsType<PresentNode>(FilterParser.Parse(filter));
        Assert.Equal(new AttrPathRef(urn, name, sub), node.Path);
    }

    [Theory]
    [InlineData("employeeNumber eq 42", "42", 42)]
    [InlineData("employeeNumber eq -0.5", "-0.5", -0.5)]
    [InlineData("employeeNumber eq 1E3", "1E3", 1000)]
    public void Parse_Number_KeepsTextAndValue(string filter, string raw, double value)
    {
        var node = Assert.IsType<CompareNode>(FilterParser.Parse(filter));
        Assert.Equal(new NumberValue(raw, (decimal)value), node.Value);
    }

    [Fact]
    public void Parse_SqlInjectionInValue_IsJustAString()
    {
        var node = Assert.IsType<CompareNode>(FilterParser.Parse("userName eq \"x' OR '1'='1\""));
        Assert.Equal(new StringValue("x' OR '1'='1"), node.Value);
    }

    [Fact]
    public void Parse_DeepButAllowedNesting_Parses()
    {
        var depth = FilterParser.MaxDepth;
        var filter = new string('(', depth) + "title pr" + new string(')', depth);
        Assert.Equal("title pr", FilterParser.Parse(filter).ToString());
    }

    [Fact]
    public void Parse_LongAndChainWithinLengthLimit_Parses()
    {
        var filter = string.Join(" and ", Enumerable.Repeat("title pr", 300));
        Assert.True(filter.Length <= FilterParser.MaxLength);
        Assert.IsType<AndNode>(FilterParser.Parse(filter));
    }
}
