using System.Runtime.CompilerServices;
using System.Text.Json;
using Dapper;
using ScimLite.Extensions;
using ScimLite.Groups;
using ScimLite.Scim;
using ScimLite.Scim.Filter;
using ScimLite.Scim.Patch;
using ScimLite.Scim.Schema;
using ScimLite.Store;
using ScimLite.Tests.Infrastructure;

namespace ScimLite.Tests.Store;

/// <summary>
/// The SQL of every kind of statement, as rendered from the maps, kept as <c>.sql</c> files beside this class
/// (Store/Statements/): a change to how any statement is rendered shows in the diff as SQL, for a reviewer to read.
/// Run with <c>SCIMLITE_UPDATE_SNAPSHOTS=1</c> to write the files anew after a deliberate change.
/// </summary>
public class StatementSnapshotTests
{
    const string A = "2819c223-7f76-453a-919d-413861904646";
    const string Acme = "urn:ietf:params:scim:schemas:extension:acme:2.0:User";

    /// <summary>Users with one declared extension: a string, a multi-valued string and an integer.</summary>
    static readonly ResourceMap UserWithCustom = Maps.Of(ResourceTypeDef.User with
    {
        Extensions = [.. ResourceTypeDef.User.Extensions, .. ExtensionSchemas.For(new ExtensionOptions
        {
            Extensions =
            [
                new ExtensionDeclaration
                {
                    Schema = Acme, ResourceType = "User",
                    Attributes = [new() { Name = "costCode" }, new() { Name = "badges", MultiValued = true }, new() { Name = "level", Type = "integer" }],
                },
            ],
        }, "User")],
    });

    static readonly UpdateShape UserUpdate = new(IfMatch: true, MembersChanged: false, Returning: Projection.Default);
    static readonly UpdateShape GroupUpdate = new(IfMatch: false, MembersChanged: true, Returning: null);

    public static TheoryData<string> Cases => [.. Rendered.Keys];

    static readonly Dictionary<string, Func<string>> Rendered = new()
    {
        ["user-select-by-id"] = () => Statements.SelectById(Maps.User, Projection.Default),
        ["user-select-by-id-if-match"] = () => Statements.SelectByIdIfMatch(Maps.User, Projection.Default),
        ["user-select-projected"] = () => Statements.SelectById(Maps.User, Projection.From(ResourceTypeDef.User, "userName,emails", null)),
        ["group-select-by-id-streamed"] = () => Statements.SelectById(Maps.Group, Projection.Default, streamed: true),
        ["user-list-page-filtered"] = () => ListPage(Maps.User, "userName eq \"bjensen@example.com\"", fromStart: true),
        ["user-list-page-emails-sorted"] = () => ListPage(Maps.User, "emails[type eq \"work\" and value co \"@example.com\"]", "name.familyName"),
        ["group-list-page-member"] = () => ListPage(Maps.Group, $"members.value eq \"{A}\""),
        ["user-list-count-unfiltered"] = () => Statements.Count(Maps.User, "true"),
        ["user-insert"] = () => Statements.Insert(UserWithCustom, Body(UserWithCustom, FullUser), Projection.Default),
        ["group-insert"] = () => Statements.Insert(Maps.Group, Body(Maps.Group, """{"displayName":"Sales"}"""), returning: null),
        ["user-put"] = () => Statements.Update(UserWithCustom, Body(UserWithCustom, FullUser), UserUpdate),
        ["user-patch-deactivate"] = () => Patch(Maps.User, UserUpdate, """{"op":"replace","value":{"active":false}}"""),
        ["user-patch-name-and-manager"] = () => Patch(Maps.User, UserUpdate,
            """{"op":"replace","path":"name.givenName","value":"Barbara"}""",
            """{"op":"Replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":"2819c223-7f76-453a-919d-413861904646"}"""),
        ["user-patch-emails-filtered"] = () => Patch(Maps.User, UserUpdate,
            """{"op":"replace","path":"emails[type eq \"work\"].value","value":"b@example.com"}"""),
        ["user-patch-emails-add-remove"] = () => Patch(Maps.User, UserUpdate,
            """{"op":"add","path":"emails","value":[{"value":"b@example.com","type":"home","primary":true}]}""",
            """{"op":"remove","path":"emails[type eq \"work\"]"}"""),
        ["user-patch-custom"] = () => Patch(UserWithCustom, UserUpdate,
            $$"""{"op":"replace","path":"{{Acme}}:costCode","value":"C-17"}""",
            $$"""{"op":"add","path":"{{Acme}}:badges","value":["gold"]}"""),
        ["group-lock"] = () => Statements.Lock(Maps.Group),
        ["group-patch-rename"] = () => Patch(Maps.Group, GroupUpdate, """{"op":"replace","value":{"displayName":"Sales EMEA"}}"""),
        ["group-patch-members-only"] = () => Statements.Update(Maps.Group, Plan(Maps.Group,
            $$"""{"op":"add","path":"members","value":[{"value":"{{A}}"}]}"""), GroupUpdate),
        ["membership-add"] = () => GroupMembers.Add,
        ["membership-recheck-cycles"] = () => GroupMembers.RecheckCycles,
        ["membership-dangling"] = () => GroupMembers.Dangling,
        ["membership-remove"] = () => GroupMembers.Remove,
        ["membership-remove-where"] = () => GroupMembers.RemoveWhere(((MemberChange.RemoveWhere)Plan(Maps.Group,
            $$"""{"op":"remove","path":"members[value eq \"{{A}}\"]"}""").LinkChanges[0]).Predicate),
        ["membership-remove-all"] = () => GroupMembers.RemoveAll,
        ["membership-remove-others"] = () => GroupMembers.RemoveOthers,
    };

    const string FullUser = $$$"""
        {"userName":"bjensen@example.com","name":{"givenName":"Barbara","familyName":"Jensen"},"active":true,
         "emails":[{"value":"bjensen@example.com","type":"work","primary":true}],"password":"t1meMa$heen",
         "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Tour Operations","manager":{"value":"{{{A}}}"}},
         "{{{Acme}}}":{"costCode":"C-4242","badges":["gold"],"level":3}}
        """;

    static ColumnSet Body(ResourceMap map, string json)
    {
        using var document = JsonDocument.Parse(json);
        return ResourceReader.Read(map, document.RootElement);
    }

    static UpdatePlan Plan(ResourceMap map, params string[] operations)
    {
        using var document = JsonDocument.Parse(HttpExtensions.PatchOp(operations));
        var plan = new UpdatePlan(map);
        foreach (var step in PatchStep.Plan(map.Type, PatchRequest.Parse(document.RootElement, 100), Guid.Parse(A)))
            plan.Apply(step);
        return plan.Complete();
    }

    static string Patch(ResourceMap map, UpdateShape shape, params string[] operations) => Statements.Update(map, Plan(map, operations), shape);

    /// <param name="fromStart">The page of the first matches (one plain query) rather than one that skips rows.</param>
    static string ListPage(ResourceMap map, string filter, string? sortBy = null, bool fromStart = false)
    {
        var where = FilterCompiler.Compile(FilterParser.Parse(filter), map, new DynamicParameters()).Where;
        var orderBy = SortCompiler.Compile(sortBy, null, map);
        return Statements.Count(map, where) + "\n" + Statements.ListPage(map, Projection.Default, streamed: false, where, orderBy, fromStart);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Statement_IsAsKept(string name)
    {
        var sql = Rendered[name]().ReplaceLineEndings("\n").TrimEnd() + "\n";
        var path = Path.Combine(Folder(), "Statements", name + ".sql");
        if (Environment.GetEnvironmentVariable("SCIMLITE_UPDATE_SNAPSHOTS") == "1")
            File.WriteAllText(path, sql);

        Assert.True(File.Exists(path), $"No snapshot {path}; run the tests with SCIMLITE_UPDATE_SNAPSHOTS=1 to write it, and read it.");
        Assert.Equal(File.ReadAllText(path).ReplaceLineEndings("\n"), sql);
    }

    /// <summary>Every kept snapshot is of a statement still rendered: a renamed case leaves no stale file behind.</summary>
    [Fact]
    public void EverySnapshot_HasItsCase()
    {
        var kept = Directory.GetFiles(Path.Combine(Folder(), "Statements"), "*.sql").Select(Path.GetFileNameWithoutExtension);
        Assert.All(kept, name => Assert.True(Rendered.ContainsKey(name!), $"Statements/{name}.sql has no case here."));
    }

    static string Folder([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
