using System.Text.Json;
using ScimLite.Scim.Patch;
using ScimLite.Scim.Schema;
using ScimLite.Scim.Sql;
using ScimLite.Tests.Infrastructure;

namespace ScimLite.Tests.Patch;

/// <summary>The UPDATE that ColumnPatcher composes from PATCH steps, without a database.</summary>
public class ColumnPatcherTests
{
    /// <summary>The statement text a PATCH adds: the CTEs that compute new values and the SET list.</summary>
    static string Assignments(params string[] operations)
    {
        using var document = JsonDocument.Parse(HttpExtensions.PatchOp(operations));
        var patcher = new ColumnPatcher(ResourceTypeDef.User);
        foreach (var step in PatchStep.Plan(ResourceTypeDef.User, PatchRequest.Parse(document.RootElement, 1000), Guid.NewGuid()))
            patcher.Apply(step);
        var update = patcher.ToUpdate();
        return update.With("users", "@id") + update.Assignments;
    }

    [Theory]
    [InlineData("""{"op":"replace","path":"emails[type eq \"work\"].value","value":"w@x.y"}""")]
    [InlineData("""{"op":"add","path":"emails","value":[{"value":"a@b.c"}]}""")]
    [InlineData("""{"op":"remove","path":"emails[type eq \"home\"]"}""")]
    [InlineData("""{"op":"replace","path":"emails[type eq \"work\"].primary","value":true}""")]
    public void Apply_ManyOperationsOnOneAttribute_GrowsTheSqlLinearly(string operation)
    {
        // Each step rewrites the expression the previous steps left; writing that expression more than once per step
        // would make 20 operations on emails a SQL text of billions of characters.
        var one = Assignments(operation).Length;
        var eight = Assignments(Enumerable.Repeat(operation, 8).ToArray()).Length;

        Assert.True(eight < 8 * one * 2, $"1 operation: {one} characters; 8 operations: {eight} characters");
    }

    [Fact]
    public void Apply_ScalarOperations_SetEachColumnOnce()
    {
        var sql = Assignments(
            """{"op":"replace","path":"title","value":"a"}""",
            """{"op":"replace","path":"title","value":"b"}""",
            """{"op":"replace","path":"active","value":"False"}""");

        Assert.Equal("title = @u1::text, active = @u2::boolean", sql);
    }
}
