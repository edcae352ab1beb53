using System.Text.Json;
using System.Text.Json.Nodes;
using ScimLite.Scim;
using ScimLite.Scim.Patch;
using ScimLite.Scim.Schema;

namespace ScimLite.Store.Kinds;

/// <summary>
/// A PATCH step on a custom attribute as a rewrite of the <c>extensions</c> column that touches only that key
/// (<c>scim_extension_set</c>, sql/0005_extensions.sql): nothing is read first, other attributes and other extensions
/// stay as they are. Multi-valued ones: replace sets the list, add appends the values not yet there, remove takes the
/// listed values (or those a <c>[value …]</c> filter matches) or all.
/// </summary>
static class ExtensionPatch
{
    public static void Apply(UpdatePlan patcher, PatchStep step)
    {
        var attribute = step.Attribute;
        if (step.Target.Sub is not null || step.ItemSub is not null)
            throw ScimException.InvalidPath($"{step.Where}: '{attribute.Name}' has no sub-attributes.");
        if (step.Filter is not null && step.Op != PatchOpKind.Remove)
            throw ScimException.InvalidPath($"{step.Where}: a [filter] on '{attribute.Name}' applies to remove only; replace or add the values instead.");
        var where = $"{attribute.ExtensionUrn}:{attribute.Name}";
        var value = step.Op == PatchOpKind.Remove ? null : ExtensionValues.ToJson(attribute, step.Value, where, patcher.Map.Type.Limits);
        if (attribute.Required && value is null && step.Filter is null && !(step.Op == PatchOpKind.Remove && step.HasValue && attribute.MultiValued))
            throw ScimException.Mutability($"{step.Where}: '{attribute.Name}' is required and cannot be removed.");

        var urn = patcher.Parameter(attribute.ExtensionUrn);
        var name = patcher.Parameter(attribute.Name);
        string Set(string newValue) => $"scim_extension_set(s.items, {urn}, {name}, {newValue})";

        string expression;
        if (step.Filter is not null)
            expression = Keep(attribute, $"NOT coalesce({patcher.ItemPredicate(attribute, step.Filter)}, false)", Set);
        else if (step.Op == PatchOpKind.Remove && step.HasValue && attribute.MultiValued && step.Value.ValueKind != JsonValueKind.Null)
        {
            var listed = patcher.Parameter((ExtensionValues.ToJson(attribute, step.Value, where, patcher.Map.Type.Limits) ?? new JsonArray()).ToJsonString(), jsonb: true);
            expression = Keep(attribute, $"NOT ({listed} @> jsonb_build_array(e.j))", Set);
        }
        else if (step.Op == PatchOpKind.Add && attribute.MultiValued && value is not null)
        {
            var added = patcher.Parameter(value.ToJsonString(), jsonb: true);
            var items = ExtensionStorage.Items(attribute, "s.items");
            expression = Set($"""
                (SELECT jsonb_agg(x.j ORDER BY x.k, x.o) FROM (
                    SELECT e.j, 0 AS k, e.o FROM {items}
                    UNION ALL
                    SELECT a.j, 1, a.o FROM jsonb_array_elements({added}) WITH ORDINALITY AS a(j, o)
                     WHERE NOT EXISTS (SELECT 1 FROM {items} WHERE e.j = a.j)) AS x)
                """);
        }
        else
            expression = Set(value is null ? "NULL" : patcher.Parameter(value.ToJsonString(), jsonb: true));

        // One stage of the UPDATE per step, over the document the steps before left (s.items; NULL when none), checked
        // against the limits there: an add grows the stored document, which is never read into ScimLite.
        patcher.Stage(ExtensionStorage.Column, patcher.WithinLimits(expression), empty: null);
    }

    /// <summary>The items for which <paramref name="condition"/> holds (over <c>e.j</c>), in order, as the new value.</summary>
    static string Keep(AttributeDef attribute, string condition, Func<string, string> set) =>
        set($"(SELECT jsonb_agg(e.j ORDER BY e.o) FROM {ExtensionStorage.Items(attribute, "s.items")} WHERE {condition})");
}
