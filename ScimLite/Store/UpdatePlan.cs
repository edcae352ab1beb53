using Dapper;
using ScimLite.Scim;
using ScimLite.Scim.Filter;
using ScimLite.Scim.Patch;
using ScimLite.Scim.Schema;
using ScimLite.Store.Kinds;

namespace ScimLite.Store;

/// <summary>
/// What one PATCH changes, planned before any statement runs: each touched column with a SQL expression of its new
/// value, each step rewriting the expression the previous steps left (so operations apply in order, RFC 7644 §3.5.2);
/// the changes of the link table, in order; and the values assigned, typed, for the metrics. No row is read first:
/// <c>active</c> becomes <c>active = @u0</c>; <c>emails[type eq "work"].value</c> a jsonb rewrite of the emails column
/// that leaves the other items alone. <see cref="Statements.Update"/> renders it as one UPDATE.
/// </summary>
/// <param name="maxArraySteps">
/// Most steps on multi-valued (jsonb array) attributes in one request, all arrays together
/// (<see cref="ScimOptions.MaxPatchArraySteps"/>): each nests the expression of the steps before it on its attribute.
/// </param>
public sealed class UpdatePlan(ResourceMap map, int maxArraySteps = ScimOptions.DefaultMaxPatchArraySteps) : IColumnChanges
{
    public const int MaxStepsPerArray = 100;

    readonly DynamicParameters parameters = new();
    readonly Dictionary<string, string> expressions = [];
    readonly Dictionary<string, int> arraySteps = [];
    readonly HashSet<string> derived = [];
    readonly List<string> stages = [];
    readonly List<string> order = [];
    readonly List<LinkChange> linkChanges = [];
    readonly List<(AttributeDef Attribute, object? Value)> assigned = [];
    int count;
    int totalArraySteps;
    bool completed;

    public ResourceMap Map => map;

    /// <summary>The columns set, in the order first touched, with their new value's SQL (<c>n.cI</c> for a derived one).</summary>
    public IReadOnlyList<(string Column, string Value)> Assignments =>
        [.. order.Select((c, i) => (c, derived.Contains(c) ? $"n.c{i}" : expressions[c]))];

    /// <summary>Columns whose new value is computed from the row (a rewrite of a jsonb array), by position in the assignments.</summary>
    public IReadOnlyList<(int Index, string Value)> Derived =>
        [.. order.Select((c, i) => (c, i)).Where(x => derived.Contains(x.c)).Select(x => (x.i, expressions[x.c]))];

    /// <summary>The CTEs of the derived values' stages, in order (see <see cref="Stage"/>).</summary>
    public IReadOnlyList<string> Stages => stages;

    public DynamicParameters Parameters => parameters;

    /// <summary>The changes of the link table, in the order the operations asked for them.</summary>
    public IReadOnlyList<LinkChange> LinkChanges => linkChanges;

    /// <summary>Each single value a step assigned (null: removed), typed, in order: what the metrics count.</summary>
    public IReadOnlyList<(AttributeDef Attribute, object? Value)> Assigned => assigned;

    /// <summary>No column is set.</summary>
    public bool IsEmpty => order.Count == 0;

    /// <summary>Applies one PATCH step through its attribute's storage kind.</summary>
    public void Apply(PatchStep step)
    {
        var storage = map.Storage(step.Attribute);
        if (step.Attribute.IsReadOnly || step.Target.Sub?.IsReadOnly == true)
            throw ScimException.Mutability($"{step.Where}: '{step.Target}' is readOnly{(storage.ReadOnlyReason is { } reason ? "; " + reason : "")}.");
        storage.Patch(this, step);
    }

    /// <summary>The plan with the columns derived from the touched ones (<c>manager_id</c> from <c>manager_value</c>).</summary>
    public UpdatePlan Complete()
    {
        if (!completed)
            map.Complete(this);
        completed = true;
        return this;
    }

    /// <summary>Sets <paramref name="column"/> (kept for <paramref name="attribute"/>) to a value (null: NULL).</summary>
    public void Set(AttributeDef attribute, string column, object? value)
    {
        assigned.Add((attribute, value));
        Set(column, Parameter(value));
    }

    /// <summary>Sets a column that no schema attribute names to a value (null: NULL), e.g. a password's hash.</summary>
    public void SetValue(string column, object? value) => Set(column, Parameter(value));

    public void Add(LinkChange change) => linkChanges.Add(change);

    /// <summary>The column's value as the steps so far leave it: its new expression, or the column itself.</summary>
    public string Current(string column) => expressions.TryGetValue(column, out var expression) ? expression : column;

    /// <summary>Whether a step set <paramref name="column"/>.</summary>
    public bool Touches(string column) => expressions.ContainsKey(column);

    /// <param name="column">The column to set.</param>
    /// <param name="expression">Its new value.</param>
    /// <param name="fromRow">The expression reads the row (a rewrite of a jsonb array), not just parameters.</param>
    public void Set(string column, string expression, bool fromRow = false)
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
    /// Counts one step on a jsonb array: each nests the expression of the steps before it, and PostgreSQL's planning time
    /// grows steeply with that depth (300 steps: seconds); no identity provider sends more than a few.
    /// </summary>
    public void CountArrayStep(PatchStep step, string column)
    {
        if (++totalArraySteps > maxArraySteps)
            throw new ScimException(400, null,
                $"{step.Where}: at most {maxArraySteps} operations on multi-valued attributes (emails, addresses, …) may be sent in one PATCH (limit Scim:MaxPatchArraySteps).");
        var steps = arraySteps[column] = arraySteps.GetValueOrDefault(column) + 1;
        if (steps > MaxStepsPerArray)
            throw ScimException.PayloadTooLarge($"At most {MaxStepsPerArray} operations may change '{step.Attribute.Name}' in one request.");
    }

    /// <summary>
    /// Sets a jsonb column (an array, or the extensions document) to <paramref name="expression"/> over <c>s.items</c>,
    /// the value the steps before left, as one more stage of the UPDATE: a materialised CTE that reads the previous
    /// stage by name. So each step is planned and computed once, and the statement grows (and PostgreSQL plans it)
    /// linearly with the steps; nesting each step's expression inside the next made planning time grow with the square
    /// of the steps on an attribute.
    /// </summary>
    /// <param name="empty">What a NULL column stands for in <c>s.items</c> (an array: <c>[]</c>); null: NULL itself.</param>
    public void Stage(string column, string expression, string? empty = "'[]'::jsonb")
    {
        var name = $"s{stages.Count}";
        var current = empty is null ? Current(column) : $"coalesce({Current(column)}, {empty})";
        stages.Add($"{name} AS MATERIALIZED (SELECT {expression} AS items FROM (SELECT {current} AS items FROM b OFFSET 0) AS s)");
        Set(column, $"(SELECT items FROM {name})", fromRow: true);
    }

    /// <summary>Adds a parameter and returns its placeholder; jsonb values are cast from their JSON text.</summary>
    public string Parameter(object? value, bool jsonb = false)
    {
        if (value is null)
            return "NULL";
        var name = $"u{count++}";
        parameters.Add(name, value);
        return value switch
        {
            Guid => $"@{name}::uuid",
            bool => $"@{name}::boolean",
            int => $"@{name}::integer",
            _ => jsonb ? $"CAST(@{name} AS jsonb)" : $"@{name}::text",
        };
    }

    /// <summary>
    /// A jsonb column's new value, checked in the UPDATE against the type's limits: an add appends to what is stored,
    /// which only the database sees.
    /// </summary>
    public string WithinLimits(string expression) =>
        Statements.WithinLimits(expression, Parameter(map.Type.Limits.MaxItems), Parameter(map.Type.Limits.MaxExtensionBytes));

    /// <summary>The SQL predicate of a value filter over the item of <paramref name="attribute"/>.</summary>
    public string ItemPredicate(AttributeDef attribute, FilterNode filter) =>
        FilterCompiler.CompileItem(filter, attribute, map, parameters, $"w{count++}_");
}
