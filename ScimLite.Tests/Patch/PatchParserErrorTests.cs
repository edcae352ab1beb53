using System.Text.Json;
using ScimLite.Scim;
using ScimLite.Scim.Patch;
using ScimLite.Scim.Schema;

using static ScimLite.Tests.Infrastructure.HttpExtensions;

namespace ScimLite.Tests.Patch;

/// <summary>
/// Malformed PATCH messages and operations, read and planned without a database: each is a <see cref="ScimException"/>
/// 400 with the scimType of SCIM-RULES.md §2 and §8 — never a 500 or another exception type.
/// </summary>
public class PatchParserErrorTests
{
    const string Ent = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    static readonly Guid ResourceId = Guid.Parse("5d48a0a8-e3f1-4bd2-a4fb-8e9e4b1bde4b");

    static string Message(string operation) => PatchOp(operation);

    public static TheoryData<string, string, string> Malformed => new()
    {
        // The message itself.
        { "User", "{}", "invalidSyntax" },
        { "User", $$"""{"schemas":["{{PatchOpSchema}}"]}""", "invalidSyntax" },
        { "User", $$"""{"schemas":["{{PatchOpSchema}}"],"Operations":[]}""", "invalidSyntax" },
        { "User", $$"""{"schemas":["{{PatchOpSchema}}"],"Operations":{"op":"add","path":"title","value":"x"} }""", "invalidSyntax" },
        { "User", $$"""{"schemas":["{{PatchOpSchema}}"],"Operations":"add"}""", "invalidSyntax" },
        { "User", $$"""{"schemas":["{{PatchOpSchema}}"],"Operations":null}""", "invalidSyntax" },
        { "User", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"Operations":[{"op":"remove","path":"title"}]}""", "invalidSyntax" },
        { "User", """{"schemas":[],"Operations":[{"op":"remove","path":"title"}]}""", "invalidSyntax" },
        { "User", """{"schemas":"urn:ietf:params:scim:schemas:core:2.0:User","Operations":[{"op":"remove","path":"title"}]}""", "invalidSyntax" },
        { "User", """{"schemas":42,"Operations":[{"op":"remove","path":"title"}]}""", "invalidSyntax" },
        { "User", "[]", "invalidSyntax" },
        // An operation that is not an operation.
        { "User", Message("1"), "invalidSyntax" },
        { "User", Message("\"add\""), "invalidSyntax" },
        { "User", Message("[]"), "invalidSyntax" },
        { "User", Message("null"), "invalidSyntax" },
        { "User", Message("""{"op":"remove","path":"title"},17"""), "invalidSyntax" },
        // A bad op.
        { "User", Message("""{"path":"title","value":"x"}"""), "invalidSyntax" },
        { "User", Message("""{"op":"copy","path":"title","value":"x"}"""), "invalidSyntax" },
        { "User", Message("""{"op":"move","from":"title","path":"nickName"}"""), "invalidSyntax" },
        { "User", Message("""{"op":"","value":{"title":"x"}}"""), "invalidSyntax" },
        { "User", Message("""{"op":" add","path":"title","value":"x"}"""), "invalidSyntax" },
        { "User", Message("""{"op":1,"value":{"title":"x"}}"""), "invalidSyntax" },
        { "User", Message("""{"op":true,"value":{"title":"x"}}"""), "invalidSyntax" },
        { "User", Message("""{"op":["add"],"value":{"title":"x"}}"""), "invalidSyntax" },
        { "User", Message("""{"op":null,"value":{"title":"x"}}"""), "invalidSyntax" },
        // A bad path.
        { "User", Message("""{"op":"replace","path":"favouriteColour","value":"x"}"""), "invalidPath" },
        { "User", Message("""{"op":"replace","path":5,"value":"x"}"""), "invalidPath" },
        { "User", Message("""{"op":"replace","path":{"attr":"title"},"value":"x"}"""), "invalidPath" },
        { "User", Message("""{"op":"replace","path":"name.nickname","value":"x"}"""), "invalidPath" },
        { "User", Message("""{"op":"replace","path":"name.familyName.x","value":"x"}"""), "invalidPath" },
        { "User", Message("""{"op":"replace","path":"meta.colour","value":"x"}"""), "invalidPath" },
        { "User", Message("""{"op":"replace","path":"emails[type eq \"work\"","value":"x"}"""), "invalidPath" },
        { "User", Message("""{"op":"replace","path":"emails[type eq \"work\".value","value":"x"}"""), "invalidPath" },
        { "User", Message("""{"op":"replace","path":"emails[type eq \"work\"]]","value":"x"}"""), "invalidPath" },
        { "User", Message("""{"op":"replace","path":"emails[type eq \"work\"]value","value":"x"}"""), "invalidPath" },
        { "User", Message("""{"op":"replace","path":"emails[type eq \"work\"].colour","value":"x"}"""), "invalidPath" },
        { "User", Message("""{"op":"replace","path":"emails[type eq \"work\"].value.x","value":"x"}"""), "invalidPath" },
        { "User", Message("""{"op":"replace","path":"emails.value[type eq \"work\"]","value":"x"}"""), "invalidPath" },
        { "User", Message("""{"op":"replace","path":"name[givenName eq \"x\"]","value":"x"}"""), "invalidPath" },
        { "User", Message("""{"op":"replace","path":"active[value eq true]","value":true}"""), "invalidPath" },
        { "User", Message("""{"op":"replace","path":"title extra","value":"x"}"""), "invalidPath" },
        { "User", Message("""{"op":"replace","path":"user;name","value":"x"}"""), "invalidPath" },
        { "Group", Message("""{"op":"remove","path":"members[value eq \"x\""}"""), "invalidPath" },
        { "Group", Message("""{"op":"replace","path":"displayName[value eq \"x\"]","value":"x"}"""), "invalidPath" },
        { "Group", Message("""{"op":"replace","path":"userName","value":"x"}"""), "invalidPath" },
        { "Group", Message("""{"op":"remove","path":"members[value eq \"x\"].colour"}"""), "invalidPath" },
        { "Group", Message($$"""{"op":"replace","path":"{{Ent}}:employeeNumber","value":"x"}"""), "invalidPath" },
        // A syntax error inside the brackets (RFC 7644 Table 9: invalidFilter for a PATCH path filter).
        { "Group", Message("""{"op":"remove","path":"members[value eq]"}"""), "invalidFilter" },
        { "Group", Message("""{"op":"remove","path":"members[value regex \"x\"]"}"""), "invalidFilter" },
        { "User", Message("""{"op":"remove","path":"emails[]"}"""), "invalidFilter" },
        // remove needs a target.
        { "User", Message("""{"op":"remove"}"""), "noTarget" },
        { "User", Message("""{"op":"remove","path":""}"""), "noTarget" },
        { "User", Message("""{"op":"remove","path":"   "}"""), "noTarget" },
        { "User", Message("""{"op":"Remove","path":null,"value":{"title":"x"}}"""), "noTarget" },
        // A missing or unusable value.
        { "User", Message("""{"op":"add","path":"title"}"""), "invalidValue" },
        { "User", Message("""{"op":"replace","path":"title"}"""), "invalidValue" },
        { "User", Message("""{"op":"add"}"""), "invalidValue" },
        { "User", Message("""{"op":"replace","value":"active"}"""), "invalidValue" },
        { "User", Message("""{"op":"replace","value":false}"""), "invalidValue" },
        { "User", Message("""{"op":"replace","value":null}"""), "invalidValue" },
        { "User", Message("""{"op":"add","value":[{"title":"x"}]}"""), "invalidValue" },
        { "User", Message($$"""{"op":"replace","path":"{{Ent}}","value":"x"}"""), "invalidValue" },
        { "User", Message($$"""{"op":"replace","value":{"{{Ent}}":"x"} }"""), "invalidValue" },
        // An id that is not this resource's (Okta sends the group's own id with every rename; any other is a change).
        { "Group", Message("""{"op":"replace","value":{"id":"2819c223-7f76-453a-919d-413861904646","displayName":"New"}}"""), "mutability" },
        { "Group", Message("""{"op":"replace","value":{"id":"not-an-id","displayName":"New"}}"""), "mutability" },
        { "User", Message("""{"op":"replace","value":{"id":5}}"""), "mutability" },
        { "User", Message("""{"op":"add","value":{"ID":null}}"""), "mutability" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Plan_MalformedOperation_Returns400WithScimType(string type, string body, string scimType)
    {
        var resourceType = type == "Group" ? ResourceTypeDef.Group : ResourceTypeDef.User;

        var error = Assert.Throws<ScimException>(() =>
        {
            using var document = JsonDocument.Parse(body);
            var operations = PatchRequest.Parse(document.RootElement, maxOperations: 10);
            _ = PatchStep.Plan(resourceType, operations, ResourceId).ToList();
        });

        Assert.Equal(400, error.Status);
        Assert.Equal(scimType, error.ScimType);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    [Theory]
    [InlineData("""{"op":"replace","path":"title","value":"x"},{"op":"move","path":"title"}""", "Operation 2")]
    [InlineData("""{"op":"replace","path":"title","value":"x"},{"op":"add","path":"title"}""", "operation 2 (add title)")]
    [InlineData("""{"op":"remove","path":"title"},{"op":"remove","path":"title"},{"op":"replace","path":"colour","value":"x"}""", "operation 3 (replace colour)")]
    [InlineData("""{"op":"remove","path":"title"},{"op":"remove","path":"emails[type eq \"work\""}""", "operation 2 (remove emails[type eq \"work\")")]
    [InlineData("""{"op":"remove","path":"title"},{"op":"replace","value":{"id":"2819c223-7f76-453a-919d-413861904646"}}""", "operation 2 (replace)")]
    public void Plan_Error_NamesTheOperation(string operations, string expected)
    {
        var error = Assert.Throws<ScimException>(() =>
        {
            using var document = JsonDocument.Parse(Message(operations));
            _ = PatchStep.Plan(ResourceTypeDef.User, PatchRequest.Parse(document.RootElement, 10), ResourceId).ToList();
        });

        Assert.Contains(expected, error.Message);
    }
}
