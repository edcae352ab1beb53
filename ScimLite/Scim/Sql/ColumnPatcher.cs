using System.Text.Json;
using Dapper;
using ScimLite.Scim.Filter;
using ScimLite.Scim.Patch;
using ScimLite.Scim.Schema;

namespace ScimLite.Scim.Sql;

/// <summary>
/// Turns PATCH steps on stored columns into one UPDATE: each column gets a SQL expression of its old value, and each
/// step rewrites the expression the previous steps left (so operations apply in order, RFC 7644 §3.5.2). No row is
/// read first: <c>active</c> becomes <c>active = @v</c>; <c>emails[type eq "work"].value</c> becomes a jsonb rewrite
/// of the emails column that leaves the other items alone. The patcher owns the parameters its expressions bind and
/// yields them with the expressions as one <see cref="ColumnUpdate"/> that the store runs.
/// </summary>
/// <param name="type">The resource type whose columns are patched.</param>
/// <param name="maxArraySteps">
/// Most steps on multi-valued (jsonb array) attributes in one request, all arrays together
/// (<see cref="ScimOptions.MaxPatchArraySteps"/>): each nests the expression of the steps before it on its attribute.
/// </param>
public sealed class ColumnPatcher(ResourceTypeDef type, int maxArraySteps = ScimOptions.DefaultMaxPatchArraySteps)
{
    public const int MaxStepsPerArray = 100;

    readonly DynamicParameters parameters = new();
    readonly Dictionary<string, string> expressions = [];
    readonly Dictionary<string, int> arraySteps = [];
    readonly HashSet<string> derived = [];
    readonly List<string> stages = [];
    readonly List<string> order = [];
    int count;
    int totalArraySteps;

    /// <summary>The resource type whose columns are patched (its <see cref="ResourceTypeDef.Limits"/>, for the values' checks).</summary>
    internal ResourceTypeDef Type => type;

    /// <summary>The steps applied so far, with the columns derived from them, as one UPDATE of the touched columns.</summary>
    public ColumnUpdate ToUpdate()
    {
        type.Sql.Complete(this);
        return new([.. order.Select(c => (c, expressions[c]))], parameters, derived, stages);
    }

    public void Apply(PatchStep step)
    {
        var attribute = step.Attribute;
        if (attribute.Mutability == Mutability.ReadOnly || step.Target.Sub?.Mutability == Mutability.ReadOnly)
            throw ScimException.Mutability($"{step.Where}: '{step.Target}' is readOnly.");
        switch (attribute.Storage)
        {
            case Storage.Column:
                SetScalar(step, attribute);
                break;
            case Storage.Parts when step.Target.Sub is { } sub:
                SetScalar(step, sub);
                break;
            case Storage.Parts:
                SetParts(step, attribute);
                break;
            case Storage.JsonArray:
                // Each step on a jsonb array nests the steps before it in its SQL, and PostgreSQL's planning time grows
                // steeply with that depth (300 steps: seconds); no identity provider sends more than a few.
                if (++totalArraySteps > maxArraySteps)
                    throw new ScimException(400, null,
                        $"{step.Where}: at most {maxArraySteps} operations on multi-valued attributes (emails, addresses, …) may be sent in one PATCH (limit Scim:MaxPatchArraySteps).");
                var steps = arraySteps[attribute.Column!] = arraySteps.GetValueOrDefault(attribute.Column!) + 1;
                if (steps > MaxStepsPerArray)
                    throw ScimException.PayloadTooLarge($"At most {MaxStepsPerArray} operations may change '{attribute.Name}' in one request.");
                new JsonArrayPatch(this, step).Apply();
                break;
            case Storage.Extension:
                Extensions.ExtensionPatch.Apply(this, step);
                break;
            default:
                throw ScimException.InvalidPath($"{step.Where}: '{step.Target}' cannot be patched here.");
        }
    }

    void SetScalar(PatchStep step, AttributeDef attribute)
    {
        if (attribute.Column is null)
            throw ScimException.Mutability($"{step.Where}: '{step.Target}' cannot be written.");
        if (step.Filter is not null || step.ItemSub is not null)
            throw ScimException.InvalidPath($"{step.Where}: '{step.Target}' is single-valued.");
        var value = step.Op == PatchOpKind.Remove ? null : ScimValues.ToColumn(attribute, step.Value, step.Target.ToString());
        if (value is null && attribute.Required)
            throw ScimException.Mutability($"{step.Where}: '{attribute.Name}' is required and cannot be removed.");
        // active is never unassigned (a POST or PUT without it means active), and a PATCH that removed it could only
        // silently reactivate a suspended user or change nothing; it says which it wants with true or false instead.
        if (value is null && attribute.Type == AttrType.Boolean)
            throw ScimException.Mutability($"{step.Where}: '{attribute.Name}' cannot be removed or set to null; replace it with true or false.");
        Set(attribute.Column, Parameter(value));
    }

    /// <summary>name or manager as a whole: named sub-attributes are set, unnamed ones left as they are.</summary>
    void SetParts(PatchStep step, AttributeDef complex)
    {
        if (step.Filter is not null || step.ItemSub is not null)
            throw ScimException.InvalidPath($"{step.Where}: '{complex.Name}' is single-valued.");
        var writable = complex.SubAttributes.Where(s => s.Column is not null && s.Mutability != Mutability.ReadOnly).ToList();
        if (step.Op == PatchOpKind.Remove || step.Value.ValueKind == JsonValueKind.Null)
        {
            foreach (var sub in writable)
                Set(sub.Column!, "NULL");
            return;
        }
        // Entra sends manager as a bare id string.
        if (step.Value.ValueKind == JsonValueKind.String && complex.Sub("value") is { Column: not null } valueSub)
        {
            Set(valueSub.Column!, Parameter(ScimValues.ToColumn(valueSub, step.Value, $"{complex.Name}.value")));
            return;
        }
        if (step.Value.ValueKind != JsonValueKind.Object)
            throw ScimException.InvalidValue($"{step.Where}: the value of '{complex.Name}' must be an object.");
        foreach (var sub in writable)
        {
            if (step.Value.TryGet(sub.Name, out var subValue))
                Set(sub.Column!, Parameter(ScimValues.ToColumn(sub, subValue, $"{complex.Name}.{sub.Name}")));
        }
    }

    /// <summary>Sets a column that no schema attribute names to a value (null: NULL), e.g. a password's hash.</summary>
    public void SetValue(string column, object? value) => Set(column, Parameter(value));

    internal string Current(string column) => expressions.TryGetValue(column, out var expression) ? expression : column;

    /// <param name="column">The column to set.</param>
    /// <param name="expression">Its new value.</param>
    /// <param name="fromRow">The expression reads the row (a rewrite of a jsonb array), not just parameters.</param>
    internal void Set(string column, string expression, bool fromRow = false)
    {
        if (!expressions.ContainsKey(column))
            order.Add(column);
        expressions[column] = expression;
        if (fromRow)
            derived.Add(column);
        else
            derived.Remove(column);
    }

    /// <summary>
    /// Sets a jsonb column (an array, or the extensions document) to <paramref name="expression"/> over <c>s.items</c>,
    /// the value the steps before left, as one more stage of the UPDATE: a materialised CTE that reads the previous
    /// stage by name. So each step is planned and computed once, and the statement grows (and PostgreSQL plans it)
    /// linearly with the steps; nesting each step's expression inside the next made planning time grow with the square
    /// of the steps on an attribute.
    /// </summary>
    /// <param name="empty">What a NULL column stands for in <c>s.items</c> (an array: <c>[]</c>); null: NULL itself.</param>
    internal void Stage(string column, string expression, string? empty = "'[]'::jsonb")
    {
        var name = $"s{stages.Count}";
        var current = empty is null ? Current(column) : $"coalesce({Current(column)}, {empty})";
        stages.Add($"{name} AS MATERIALIZED (SELECT {expression} AS items FROM (SELECT {current} AS items FROM b OFFSET 0) AS s)");
        Set(column, $"(SELECT items FROM {name})", fromRow: true);
    }

    /// <summary>Adds a parameter and returns its placeholder; jsonb values are cast from their JSON text.</summary>
    internal string Parameter(object? value, bool jsonb = false)
    {
        if (value is null)
            return "NULL";
        var name = $"u{count++}";
        parameters.Add(name, value);
        if (value is Guid)
            return $"@{name}::uuid";
        if (value is bool)
            return $"@{name}::boolean";
        if (value is int)
            return $"@{name}::integer";
        return jsonb ? $"CAST(@{name} AS jsonb)" : $"@{name}::text";
    }

    /// <summary>
    /// A jsonb column's new value, checked in the UPDATE against the type's limits: an add appends to what is stored,
    /// which only the database sees.
    /// </summary>
    internal string WithinLimits(string expression) =>
        SqlFragments.WithinLimits(expression, Parameter(type.Limits.MaxItems), Parameter(type.Limits.MaxExtensionBytes));

    /// <summary>The SQL predicate of a value filter over the item alias <c>e</c>.</summary>
    internal string ItemPredicate(AttributeDef attribute, FilterNode filter) =>
        FilterCompiler.CompileItem(filter, attribute, type, parameters, $"w{count++}_");
}
