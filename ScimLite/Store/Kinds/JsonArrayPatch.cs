using System.Text.Json;
using ScimLite.Scim;
using ScimLite.Scim.Filter;
using ScimLite.Scim.Patch;
using ScimLite.Scim.Schema;

namespace ScimLite.Store.Kinds;

/// <summary>
/// One PATCH step on a multi-valued attribute kept as a jsonb array (emails, addresses, ...), as a rewrite of the
/// column's expression. Items keep their order; matched items are merged with the value; a value filter that matches
/// nothing on add/replace creates the item from the filter's <c>eq</c> terms (Entra sends
/// <c>emails[type eq "work"].value</c> for a user with no work email and expects one to appear).
/// </summary>
sealed class JsonArrayPatch(UpdatePlan patcher, PatchStep step, string column)
{
    readonly AttributeDef attribute = step.Attribute;
    string Column => column;

    /// <summary>The items the steps before left, bound once by <see cref="Set"/>.</summary>
    const string Items = "s.items";

    public void Apply()
    {
        patcher.CountArrayStep(step, column);
        if (step.Filter is null && step.ItemSub is null)
            WholeAttribute();
        else
            MatchedItems(step.Filter is null ? "true" : $"coalesce({patcher.ItemPredicate(attribute, step.Filter)}, false)");
    }

    void WholeAttribute()
    {
        switch (step.Op)
        {
            case PatchOpKind.Replace:
                patcher.Set(Column, patcher.Parameter(ScimValues.ToJsonArray(attribute, AsArray(step.Value), step.Target.ToString(), patcher.Map.Type.Limits)?.Json, jsonb: true));
                break;
            case PatchOpKind.Remove when step.HasValue && step.Value.ValueKind == JsonValueKind.Array:
                // Entra's dialect: remove the listed items ("op":"Remove" with the attribute as path and a value array of items).
                var listed = patcher.Parameter(ScimValues.ToJsonArray(attribute, step.Value, step.Target.ToString(), patcher.Map.Type.Limits)?.Json ?? "[]", jsonb: true);
                Set(Keep($"NOT EXISTS (SELECT 1 FROM jsonb_array_elements({listed}) AS g WHERE e @> g)", "e"));
                break;
            case PatchOpKind.Remove:
                patcher.Set(Column, "NULL");
                break;
            case PatchOpKind.Add:
                if (ScimValues.ToJsonArray(attribute, AsArray(step.Value), step.Target.ToString(), patcher.Map.Type.Limits) is not { } array)
                    return;
                var added = patcher.Parameter(array.Json, jsonb: true);
                var other = array.HasPrimary ? "e - 'primary'" : "e";
                // An item equal to an added one stays where it is, so re-adding a value changes nothing, version included
                // (RFC 7644 §3.5.2.1); one an added item contains (the same value, fewer sub-attributes) is replaced by it.
                var resent = $"EXISTS (SELECT 1 FROM jsonb_array_elements({added}) AS a WHERE a = e)";
                Set($"""
                    (SELECT coalesce(jsonb_agg(CASE WHEN {resent} THEN e ELSE {other} END ORDER BY o), '[]'::jsonb)
                       FROM jsonb_array_elements({Items}) WITH ORDINALITY AS x(e, o) WHERE {resent} OR NOT ({added} @> jsonb_build_array(e)))
                    || (SELECT coalesce(jsonb_agg(a ORDER BY i), '[]'::jsonb)
                          FROM jsonb_array_elements({added}) WITH ORDINALITY AS y(a, i)
                         WHERE NOT EXISTS (SELECT 1 FROM jsonb_array_elements({Items}) AS z(e) WHERE e = a))
                    """);
                break;
        }
    }

    void MatchedItems(string predicate)
    {
        if (step.Op == PatchOpKind.Remove)
        {
            Set(step.ItemSub is null
                ? Keep($"NOT {predicate}", "e")
                : Map($"CASE WHEN {predicate} THEN e - {Key(step.ItemSub)} ELSE e END"));
            return;
        }
        var value = MergeValue();
        if (value is null)
        {
            // "" or null for emails[type eq "work"].value clears that sub-attribute.
            Set(Map($"CASE WHEN {predicate} THEN e - {Key(step.ItemSub!)} ELSE e END"));
            return;
        }
        var primary = value.TryGetValue("primary", out var p) && p is true;
        var merge = patcher.Parameter(JsonSerializer.Serialize(value), jsonb: true);
        var other = primary ? "e - 'primary'" : "e";
        var seed = Seed();
        var create = seed.Count == 0
            ? $"nullif({Items}, '[]'::jsonb)"
            : $"coalesce({Map(other)}, '[]'::jsonb) || jsonb_build_array({patcher.Parameter(JsonSerializer.Serialize(seed), jsonb: true)} || {merge})";
        Set($"""
            CASE WHEN EXISTS (SELECT 1 FROM jsonb_array_elements({Items}) AS e WHERE {predicate})
                 THEN {Map($"CASE WHEN {predicate} THEN e || {merge} ELSE {other} END")}
                 ELSE {create} END
            """);
    }

    /// <summary>The object merged into matched items: the value object, or {sub: value} for a sub-attribute path.</summary>
    Dictionary<string, object>? MergeValue()
    {
        if (step.ItemSub is { } sub)
        {
            object? converted = sub.Type == AttrType.Boolean
                ? ScimValues.ToBoolean(step.Value, $"{attribute.Name}.{sub.Name}")
                : ScimValues.ToText(step.Value, $"{attribute.Name}.{sub.Name}");
            return converted is null ? null : new Dictionary<string, object> { [sub.Name] = converted };
        }
        var item = step.Value.ValueKind == JsonValueKind.Array && step.Value.GetArrayLength() == 1 ? step.Value[0] : step.Value;
        return ScimValues.ToItem(attribute, item, step.Target.ToString());
    }

    /// <summary>The item a filter describes: <c>type eq "work" and primary eq true</c> → {"type":"work","primary":true}.</summary>
    Dictionary<string, object> Seed()
    {
        var seed = new Dictionary<string, object>();
        if (step.Filter is null)
            return seed;
        foreach (var term in FilterNode.Conjuncts(step.Filter).OfType<CompareNode>().Where(c => c.Op == CompareOp.Eq))
        {
            if (attribute.Sub(term.Path.Name) is not { } sub)
                continue;
            object? value = term.Value switch
            {
                StringValue s => s.Value,
                BooleanValue b => b.Value,
                NumberValue n => n.Raw,
                _ => null,
            };
            if (value is not null)
                seed[sub.Name] = value;
        }
        return seed;
    }

    /// <summary>
    /// Sets the column to <paramref name="expression"/> over <c>s.items</c>, the items the previous steps left, as a
    /// stage of its own (see <see cref="UpdatePlan.Stage"/>): the previous steps' value is read by name, never
    /// pasted in, however often this step reads it (pasting it made the SQL grow exponentially, then its planning
    /// time quadratically, with the number of operations on one attribute). The result is checked against the item
    /// limit (Scim:MaxMultiValuedItems) there: an add grows what is stored.
    /// </summary>
    void Set(string expression) => patcher.Stage(Column, patcher.WithinLimits(expression));

    /// <summary>The items for which <paramref name="condition"/> holds, in order; none left → unassigned.</summary>
    string Keep(string condition, string item) => $"""
        (SELECT nullif(coalesce(jsonb_agg({item} ORDER BY o), '[]'::jsonb), '[]'::jsonb)
           FROM jsonb_array_elements({Items}) WITH ORDINALITY AS x(e, o) WHERE {condition})
        """;

    /// <summary>Every item rewritten by <paramref name="item"/>, in order.</summary>
    string Map(string item) => Keep("true", item);

    static string Key(AttributeDef sub) => $"'{sub.Name}'";

    static JsonElement AsArray(JsonElement value) => value.ValueKind == JsonValueKind.Object
        ? JsonSerializer.SerializeToElement(new[] { value })
        : value;
}
