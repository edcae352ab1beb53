using System.Globalization;
using System.Text;

namespace ScimLite.Scim.Filter;

/// <summary>The comparison operators of RFC 7644 §3.4.2.2, Table 3.</summary>
public enum CompareOp { Eq, Ne, Co, Sw, Ew, Gt, Ge, Lt, Le }

/// <summary>
/// <c>[urn:]ATTRNAME[.subAttr]</c> as written, not yet checked against a schema. <see cref="Urn"/> is everything before
/// the last ':' (URNs hold ':' and '.', attribute names hold neither).
/// </summary>
public sealed record AttrPathRef(string? Urn, string Name, string? Sub = null)
{
    /// <summary>The path in the form <see cref="Schema.ResourceTypeDef.Resolve"/> takes.</summary>
    public string FullPath => (Urn is null ? "" : Urn + ":") + Name + (Sub is null ? "" : "." + Sub);

    public override string ToString() => FullPath;
}

/// <summary>A comparison operand: a JSON value (RFC 7644 §3.4.2.2 compValue).</summary>
public abstract record FilterValue;

/// <summary>A JSON string, or a bare word (Entra sends <c>externalId eq jyoung</c> unquoted).</summary>
public sealed record StringValue(string Value) : FilterValue
{
    public override string ToString() => FilterText.Quote(Value);
}

/// <summary>A JSON number; <see cref="Raw"/> keeps the text so it can also be compared with a string attribute.</summary>
public sealed record NumberValue(string Raw, decimal Value) : FilterValue
{
    public override string ToString() => Raw;
}

public sealed record BooleanValue(bool Value) : FilterValue
{
    public override string ToString() => Value ? "true" : "false";
}

public sealed record NullValue : FilterValue
{
    public static readonly NullValue Instance = new();
    public override string ToString() => "null";
}

/// <summary>
/// A parsed filter. <c>ToString()</c> renders it back as a filter with every logical operation parenthesised, which
/// makes the tree's shape visible (and is what the parser tests compare).
/// </summary>
public abstract record FilterNode
{
    /// <summary>The terms ANDed at the top of <paramref name="node"/>: <c>a and (b and c)</c> → a, b, c.</summary>
    public static IEnumerable<FilterNode> Conjuncts(FilterNode node) =>
        node is AndNode and ? Conjuncts(and.Left).Concat(Conjuncts(and.Right)) : [node];
}

public sealed record CompareNode(AttrPathRef Path, CompareOp Op, FilterValue Value) : FilterNode
{
    public override string ToString() => $"{Path} {Op.ToString().ToLowerInvariant()} {Value}";
}

public sealed record PresentNode(AttrPathRef Path) : FilterNode
{
    public override string ToString() => $"{Path} pr";
}

public sealed record AndNode(FilterNode Left, FilterNode Right) : FilterNode
{
    public override string ToString() => $"({Left} and {Right})";
}

public sealed record OrNode(FilterNode Left, FilterNode Right) : FilterNode
{
    public override string ToString() => $"({Left} or {Right})";
}

public sealed record NotNode(FilterNode Inner) : FilterNode
{
    public override string ToString() => $"not ({Inner})";
}

/// <summary><c>emails[type eq "work" and value co "@x.com"]</c>: the inner filter's paths are sub-attributes of
/// <see cref="Attribute"/>, and all of them must hold for the same item.</summary>
public sealed record ValuePathNode(AttrPathRef Attribute, FilterNode Filter) : FilterNode
{
    public override string ToString() => $"{Attribute}[{Filter}]";
}

/// <summary>
/// A PATCH <c>path</c> (RFC 7644 §3.5.2): <c>attrPath</c>, or <c>attrPath[valFilter]</c> optionally followed by
/// <c>.subAttr</c>. In <c>emails[type eq "work"].value</c> the attribute is <c>emails</c>, the filter
/// <c>type eq "work"</c> and the sub-attribute <c>value</c>; in <c>name.familyName</c> the sub-attribute sits in
/// <see cref="Attribute"/> and <see cref="SubAttribute"/> is null.
/// </summary>
public sealed record PatchPath(AttrPathRef Attribute, FilterNode? ValueFilter, string? SubAttribute)
{
    public override string ToString() =>
        Attribute + (ValueFilter is null ? "" : $"[{ValueFilter}]") + (SubAttribute is null ? "" : "." + SubAttribute);
}

static class FilterText
{
    /// <summary>JSON-quotes a string for display; only what JSON requires is escaped.</summary>
    public static string Quote(string value)
    {
        var sb = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case < ' ': sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: sb.Append(c); break;
            }
        }
        return sb.Append('"').ToString();
    }
}
