using System.Text.Json;
using ScimLite.Scim;
using ScimLite.Scim.Filter;
using ScimLite.Scim.Patch;
using ScimLite.Scim.Schema;

namespace ScimLite.Store.Kinds;

/// <summary>
/// A single value in a column of the resource's table (<c>userName</c> in <c>users.user_name</c>), also as a part of a
/// complex attribute (<c>name.givenName</c> in <c>given_name</c>). A PATCH sets the column; a filter compares it.
/// </summary>
/// <param name="column">The column, named by the map (never by a request).</param>
/// <param name="uuid">The column holds ids issued by ScimLite: compared as uuids, so a non-UUID matches nothing.</param>
public sealed class ColumnStorage(string column, bool uuid = false) : AttributeStorage
{
    public string Column => column;

    public override IEnumerable<string> Columns => [column];

    /// <summary>The column as a filter and sort operand named <paramref name="name"/>.</summary>
    public override Operand Operand(string name, AttributeDef attribute) => uuid
        ? new Operand(name, $"{Sql.Resource}.{column}", OperandKind.Uuid)
        : new Operand(name, $"{Sql.Resource}.{column}", Operands.KindOf(attribute.Type), attribute.CaseExact);

    public override void Read(ColumnSet columns, AttributeDef attribute, JsonElement value, string where, ValueLimits limits) =>
        columns.Set(column, ScimValues.ToColumn(attribute, value, where) ?? attribute.Default);

    public override bool HasValue(AttributeDef attribute, ResourceRow row) => row.Column(column) is not null;

    public override void Write(Utf8JsonWriter w, SchemaDef schema, AttributeDef attribute, ResourceRow row, Projection projection, string baseUrl) =>
        WriteValue(w, attribute.Name, row.Column(column));

    internal static void WriteValue(Utf8JsonWriter w, string name, object? value)
    {
        switch (value)
        {
            case string text: w.WriteString(name, text); break;
            case bool flag: w.WriteBoolean(name, flag); break;
            case Guid guid: w.WriteString(name, guid); break;
        }
    }

    public override void Patch(UpdatePlan plan, PatchStep step) => Patch(plan, step, step.Target.Sub ?? step.Attribute);

    /// <summary>Sets the column from one step on <paramref name="attribute"/> (the step's attribute, or its sub-attribute).</summary>
    internal void Patch(UpdatePlan plan, PatchStep step, AttributeDef attribute)
    {
        if (step.Filter is not null || step.ItemSub is not null)
            throw ScimException.InvalidPath($"{step.Where}: '{step.Target}' is single-valued.");
        var value = step.Op == PatchOpKind.Remove ? null : ScimValues.ToColumn(attribute, step.Value, step.Target.ToString());
        if (value is null && attribute.Required)
            throw ScimException.Mutability($"{step.Where}: '{attribute.Name}' is required and cannot be removed.");
        // An attribute with a default is never unassigned (a POST or PUT without active means active), and a PATCH that
        // removed it could only silently restore the default or change nothing; it says which value it wants instead.
        if (value is null && attribute.Default is { } fallback)
            throw ScimException.Mutability(
                $"{step.Where}: '{attribute.Name}' cannot be removed or set to null (absent means {Json(fallback)}); replace it with a value.");
        plan.Set(attribute, column, value);
    }

    static string Json(object value) => JsonSerializer.Serialize(value);

    public override string Filter(FilterCompilation c, AttributeDef attribute, AttributeDef? sub, CompareOp? op, FilterValue? value) =>
        SqlPredicates.Compare(Operand(attribute.Name, attribute), op, value, c.Parameters);

    public override string? SortKey(AttributeDef attribute, AttributeDef? sub) => Operands.SortValue(Operand(attribute.Name, attribute));

    public override string Presence(AttributeDef attribute) => $"{Sql.Resource}.{column} IS NOT NULL";
}
