using System.Text.Json;
using ScimLite.Scim;
using ScimLite.Scim.Patch;
using ScimLite.Scim.Schema;
using ScimLite.Tests.Infrastructure;

namespace ScimLite.Tests.Patch;

/// <summary>
/// The PATCH parser and planner as a table (no database): every path form Okta, Entra and RFC 7644 §3.5.2 use resolves
/// to the expected target, and every malformed operation is a 400 with the scimType SCIM-RULES.md §2/§8 gives.
/// </summary>
public class PatchParserTests
{
    const string Ent = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    static readonly Guid ResourceId = Guid.Parse("5d48a0a8-e3f1-4bd2-a4fb-8e9e4b1bde4b");

    static List<PatchStep> Plan(string type, string body)
    {
        using var document = JsonDocument.Parse(body);
        var operations = PatchRequest.Parse(document.RootElement, maxOperations: 10);
        return PatchStep.Plan(type == "Group" ? ResourceTypeDef.Group : ResourceTypeDef.User, operations, ResourceId).ToList();
    }

    static string Message(string operations) => HttpExtensions.PatchOp(operations);

    /// <summary><c>replace EnterpriseUser:manager.value = "x"</c>; a value filter in brackets, an item sub-attribute after it.</summary>
    static string Describe(PatchStep step) =>
        $"{step.Op.ToString().ToLowerInvariant()} {step.Target.Schema.Name}:{step.Target}"
        + (step.Filter is null ? "" : $"[{step.Filter}]")
        + (step.ItemSub is null ? "" : $".{step.ItemSub.Name}")
        + (step.HasValue ? $" = {step.Value.GetRawText()}" : "");

    public static TheoryData<string, string, string> ValidOperations => new()
    {
        // No path, a value object: Okta's deactivation and rename, Entra aadOptscim062020's dotted and URN keys.
        { "User", """{"op":"replace","value":{"active":false}}""", "replace User:active = false" },
        { "User", $$"""{"op":"replace","value":{"name.givenName":"A","{{Ent}}:employeeNumber":"7"} }""",
            "replace User:name.givenName = \"A\" | replace EnterpriseUser:employeeNumber = \"7\"" },
        { "User", """{"op":"add","value":{"name":{"givenName":"A"},"emails":[{"value":"a@b.c"}]}}""",
            """add User:name = {"givenName":"A"} | add User:emails = [{"value":"a@b.c"}]""" },
        { "User", $$"""{"op":"replace","value":{"{{Ent}}":{"department":"R&D","manager":{"value":"m"} } } }""",
            """replace EnterpriseUser:department = "R&D" | replace EnterpriseUser:manager = {"value":"m"}""" },
        { "User", $$"""{"op":"Replace","value":{"schemas":["x"],"meta":{},"id":"{{ResourceId}}","favouriteColour":"blue","title":"T"} }""",
            "replace User:title = \"T\"" },
        { "User", """{"op":"replace","value":{"emails[type eq \"work\"].value":"w@x.y"}}""", "replace User:emails[type eq \"work\"].value = \"w@x.y\"" },
        { "Group", $$"""{"op":"replace","value":{"id":"{{ResourceId}}","displayName":"New"} }""", "replace Group:displayName = \"New\"" },
        { "Group", $$"""{"op":"replace","value":{"id":"{{ResourceId.ToString().ToUpperInvariant()}}","members":[]} }""", "replace Group:members = []" },
        { "User", """{"op":"replace","value":{}}""", "" },
        // Simple attributes, ops in any case (Entra sends "Replace", "Add", "Remove").
        { "User", """{"op":"Replace","path":"active","value":"False"}""", "replace User:active = \"False\"" },
        { "User", """{"op":"ADD","path":"title","value":"T"}""", "add User:title = \"T\"" },
        { "User", """{"op":"remove","path":"externalId"}""", "remove User:externalId" },
        { "User", """{"op":"replace","path":" displayName ","value":"D"}""", "replace User:displayName = \"D\"" },
        { "User", """{"op":"replace","path":"DISPLAYNAME","value":"D"}""", "replace User:displayName = \"D\"" },
        { "User", """{"op":"remove","path":"title","value":"ignored"}""", "remove User:title = \"ignored\"" },
        // Sub-attributes of a complex attribute.
        { "User", """{"op":"Replace","path":"name.givenName","value":"Kim"}""", "replace User:name.givenName = \"Kim\"" },
        { "User", """{"op":"replace","path":"name","value":{"familyName":"B"}}""", """replace User:name = {"familyName":"B"}""" },
        { "User", """{"op":"remove","path":"name.middleName"}""", "remove User:name.middleName" },
        // URN-qualified paths.
        { "User", $$"""{"op":"Add","path":"{{Ent}}:employeeNumber","value":"701984"}""", "add EnterpriseUser:employeeNumber = \"701984\"" },
        { "User", $$"""{"op":"Add","path":"{{Ent}}:manager","value":"2819c223"}""", "add EnterpriseUser:manager = \"2819c223\"" },
        { "User", $$"""{"op":"Replace","path":"{{Ent}}:manager","value":{"value":"m"} }""", """replace EnterpriseUser:manager = {"value":"m"}""" },
        { "User", $$"""{"op":"Remove","path":"{{Ent}}:manager"}""", "remove EnterpriseUser:manager" },
        { "User", $$"""{"op":"replace","path":"{{Ent}}:manager.value","value":"m"}""", "replace EnterpriseUser:manager.value = \"m\"" },
        { "User", """{"op":"replace","path":"urn:ietf:params:scim:schemas:core:2.0:User:name.familyName","value":"F"}""", "replace User:name.familyName = \"F\"" },
        { "User", """{"op":"replace","path":"URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER:userName","value":"u"}""", "replace User:userName = \"u\"" },
        { "User", """{"op":"replace","path":"employeeNumber","value":"7"}""", "replace EnterpriseUser:employeeNumber = \"7\"" },
        // A whole extension as the path.
        { "User", $$"""{"op":"replace","path":"{{Ent}}","value":{"department":"X"} }""", "replace EnterpriseUser:department = \"X\"" },
        { "User", $$"""{"op":"remove","path":"{{Ent}}"}""",
            "remove EnterpriseUser:employeeNumber | remove EnterpriseUser:costCenter | remove EnterpriseUser:organization | remove EnterpriseUser:division | remove EnterpriseUser:department | remove EnterpriseUser:manager" },
        // Multi-valued attributes.
        { "User", """{"op":"add","path":"emails","value":[{"value":"a@b.c","type":"home"}]}""", """add User:emails = [{"value":"a@b.c","type":"home"}]""" },
        { "User", """{"op":"replace","path":"emails","value":[]}""", "replace User:emails = []" },
        { "User", """{"op":"remove","path":"phoneNumbers"}""", "remove User:phoneNumbers" },
        { "User", """{"op":"replace","path":"emails.value","value":"x@y.z"}""", "replace User:emails.value = \"x@y.z\"" },
        { "Group", """{"op":"add","path":"members","value":[{"$ref":null,"value":"u1"}]}""", """add Group:members = [{"$ref":null,"value":"u1"}]""" },
        { "Group", """{"op":"Remove","path":"members","value":[{"value":"u1"}]}""", """remove Group:members = [{"value":"u1"}]""" },
        { "Group", """{"op":"replace","path":"members","value":[]}""", "replace Group:members = []" },
        // Value paths, and value paths with a sub-attribute.
        { "Group", """{"op":"remove","path":"members[value eq \"2819c223-7f76-453a-919d-413861904646\"]"}""",
            "remove Group:members[value eq \"2819c223-7f76-453a-919d-413861904646\"]" },
        { "User", """{"op":"remove","path":"emails[type eq \"work\" and value ew \"@x.com\"]"}""", "remove User:emails[(type eq \"work\" and value ew \"@x.com\")]" },
        { "User", """{"op":"Replace","path":"emails[type eq \"work\"].value","value":"w@x.y"}""", "replace User:emails[type eq \"work\"].value = \"w@x.y\"" },
        { "User", """{"op":"Add","path":"addresses[type eq \"work\"].streetAddress","value":"1 Way"}""",
            "add User:addresses[type eq \"work\"].streetAddress = \"1 Way\"" },
        { "User", """{"op":"replace","path":"emails[primary eq true].primary","value":false}""", "replace User:emails[primary eq true].primary = false" },
        { "User", """{"op":"replace","path":"urn:ietf:params:scim:schemas:core:2.0:User:emails[type eq \"work\"].display","value":"W"}""",
            "replace User:emails[type eq \"work\"].display = \"W\"" },
        { "Group", """{"op":"replace","path":"members[value eq \"a\"].display","value":"x"}""", "replace Group:members[value eq \"a\"].display = \"x\"" },
        // Several operations keep their order.
        { "User", """{"op":"replace","path":"title","value":"1"},{"op":"remove","path":"title"},{"op":"add","path":"title","value":"3"}""",
            "replace User:title = \"1\" | remove User:title | add User:title = \"3\"" },
    };

    [Theory]
    [MemberData(nameof(ValidOperations))]
    public void Plan_ValidOperation_ResolvesToTheExpectedTargets(string type, string operations, string expected)
    {
        var steps = Plan(type, Message(operations));

        Assert.Equal(expected, string.Join(" | ", steps.Select(Describe)));
    }

    [Fact]
    public void Parse_OperationsWithoutSchemas_AreAccepted()
    {
        // Okta's deactivation as IDP-BEHAVIOUR.md quotes it carries no schemas.
        var steps = Plan("User", """{"Operations":[{"op":"replace","value":{"active":false}}]}""");

        Assert.Equal("replace User:active = false", Describe(Assert.Single(steps)));
    }

    [Fact]
    public void Parse_OperationIndexes_NameEachOperation()
    {
        using var document = JsonDocument.Parse(Message("""{"op":"add","path":"title","value":"a"},{"op":"remove","path":"title"}"""));

        var operations = PatchRequest.Parse(document.RootElement, 10);

        Assert.Equal(["operation 1 (add title)", "operation 2 (remove title)"], operations.Select(o => o.Where));
    }

    [Fact]
    public void Parse_MoreOperationsThanAllowed_Returns413()
    {
        using var document = JsonDocument.Parse(Message(string.Join(",", Enumerable.Repeat("""{"op":"remove","path":"title"}""", 11))));

        var error = Assert.Throws<ScimException>(() => PatchRequest.Parse(document.RootElement, 10));

        Assert.Equal(413, error.Status);
    }
}
