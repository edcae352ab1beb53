using System.Text.Json;
using ScimLite.Scim.Patch;
using ScimLite.Scim.Schema;
using ScimLite.Store;
using ScimLite.Tests.Infrastructure;

namespace ScimLite.Tests.Patch;

/// <summary>The UPDATE that an <see cref="UpdatePlan"/> of PATCH steps renders to, without a database.</summary>
public class UpdatePlanTests
{
    static UpdatePlan Plan(params string[] operations)
    {
        using var document = JsonDocument.Parse(HttpExtensions.PatchOp(operations));
        var plan = new UpdatePlan(Maps.User);
        foreach (var step in PatchStep.Plan(ResourceTypeDef.User, PatchRequest.Parse(document.RootElement, 1000), Guid.NewGuid()))
            plan.Apply(step);
        return plan.Complete();
    }

    /// <summary>The whole UPDATE a PATCH renders to.</summary>
    static string Update(params string[] operations) =>
        Statements.Update(Maps.User, Plan(operations), new UpdateShape(IfMatch: true, MembersChanged: false, Returning: null));

    /// <summary>The SET list of the columns a PATCH touches.</summary>
    static string Assignments(params string[] operations) =>
        string.Join(", ", Plan(operations).Assignments.Select(a => $"{a.Column} = {a.Value}"));

    [Theory]
    [InlineData("""{"op":"replace","path":"emails[type eq \"work\"].value","value":"w@x.y"}""")]
    [InlineData("""{"op":"add","path":"emails","value":[{"value":"a@b.c"}]}""")]
    [InlineData("""{"op":"remove","path":"emails[type eq \"home\"]"}""")]
    [InlineData("""{"op":"replace","path":"emails[type eq \"work\"].primary","value":true}""")]
    public void Apply_ManyOperationsOnOneAttribute_GrowsTheSqlLinearly(string operation)
    {
        // Each step rewrites the expression the previous steps left; writing that expression more than once per step
        // would make 20 operations on emails a SQL text of billions of characters.
        var one = Update(operation).Length;
        var step = Update(operation, operation).Length - one;
        var eight = Update(Enumerable.Repeat(operation, 8).ToArray()).Length;

        Assert.True(eight - one < 7 * step * 2, $"1 operation: {one} characters, each more {step}; 8 operations: {eight} characters");
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
