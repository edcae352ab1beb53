using Dapper;
using ScimLite.Scim;
using ScimLite.Scim.Filter;
using ScimLite.Scim.Schema;

namespace ScimLite.Store;

/// <summary>A compiled filter: a boolean SQL expression over the resource row <c>r</c>, and its parameters.</summary>
public sealed record SqlFilter(string Where, DynamicParameters Parameters)
{
    /// <summary>With <c>unknownIsAbsent</c>: the paths this type lacks, compiled as having no value.</summary>
    public IReadOnlyList<string> AbsentPaths { get; init; } = [];
}

/// <summary>
/// Compiles a filter AST to a PostgreSQL <c>WHERE</c> expression over the resource row <c>r</c> of a
/// <see cref="ResourceMap"/>'s table. Attribute paths resolve only through the schema (the whitelist), every literal is
/// a parameter, and each leaf is compiled by the kind of storage of its attribute. Anything the schema does not have,
/// or an operator the attribute's type does not support, is 400 <c>invalidFilter</c>.
/// </summary>
public static class FilterCompiler
{
    /// <summary>Parses and compiles a filter as sent in <c>?filter=</c> or a <c>.search</c> body.</summary>
    public static SqlFilter Compile(string filter, ResourceMap map) => Compile(FilterParser.Parse(filter), map);

    /// <param name="parameters">Where to add the literals; a new set when null.</param>
    /// <param name="prefix">Parameter name prefix, to combine several filters in one statement.</param>
    /// <param name="unknownIsAbsent">
    /// For root queries across resource types (RFC 7644 §3.4.2.1): an attribute this type lacks has no value here,
    /// so comparisons on it are unknown (SQL NULL) instead of 400.
    /// </param>
    public static SqlFilter Compile(FilterNode filter, ResourceMap map, DynamicParameters? parameters = null, string prefix = "f",
        bool unknownIsAbsent = false)
    {
        parameters ??= new DynamicParameters();
        var compilation = new FilterCompilation(map, new ParamBag(parameters, prefix), ScimException.InvalidFilter) { UnknownIsAbsent = unknownIsAbsent };
        var where = compilation.Node(filter, scope: null);
        return new SqlFilter(where, parameters) { AbsentPaths = compilation.Absent };
    }

    /// <summary>
    /// Compiles a value filter over one item of a multi-valued attribute — the jsonb element <c>e</c>, or the link row
    /// <c>l</c> for members/groups — as PATCH paths like <c>emails[type eq "work"]</c> and <c>members[value eq "id"]</c> need.
    /// </summary>
    public static string CompileItem(FilterNode filter, AttributeDef attribute, ResourceMap map, DynamicParameters parameters, string prefix) =>
        new FilterCompilation(map, new ParamBag(parameters, prefix), ScimException.InvalidFilter).Node(filter, scope: attribute);
}

/// <summary>
/// One filter being compiled: walks the AST and hands each leaf to its attribute's storage kind, which calls back
/// for inner filters (<see cref="Node"/>), parameters and errors.
/// </summary>
/// <remarks>
/// <c>schemas eq "urn"</c>: the base schema URN matches every resource of the type; an extension URN matches
/// resources with a value in one of the extension's attributes (as a User's <c>schemas</c> lists the enterprise
/// extension only when it has some); any other URN matches nothing. Only eq, ne and pr apply to <c>schemas</c>.
/// </remarks>
public sealed class FilterCompilation(ResourceMap? map, ParamBag parameters, Func<string, ScimException> error)
{
    /// <summary>For sort keys, which compile no filter: errors are 400 invalidValue.</summary>
    internal static FilterCompilation ForSort => new(null, new ParamBag(new DynamicParameters(), "s"), ScimException.InvalidValue);

    public bool UnknownIsAbsent { get; init; }

    public List<string> Absent { get; } = [];

    public ParamBag Parameters => parameters;

    ResourceMap Map => map ?? throw new InvalidOperationException("A sort key compiles no filter.");

    public ScimException Error(string detail) => error(detail);

    /// <summary><paramref name="scope"/>: the complex attribute of an enclosing <c>[...]</c>, or null.</summary>
    public string Node(FilterNode node, AttributeDef? scope) => node switch
    {
        AndNode n => $"({Node(n.Left, scope)} AND {Node(n.Right, scope)})",
        OrNode n => $"({Node(n.Left, scope)} OR {Node(n.Right, scope)})",
        // A comparison with an absent value is false in SCIM but NULL in SQL, and NOT NULL is NULL: coalesce so
        // that not (title eq "x") matches users without a title.
        NotNode n => $"NOT coalesce({Node(n.Inner, scope)}, false)",
        ValuePathNode n when scope is null => ValuePath(n),
        ValuePathNode => throw Error("Value filters cannot be nested."),
        CompareNode n => Leaf(n.Path, n.Op, n.Value, scope),
        PresentNode n => Leaf(n.Path, null, null, scope),
        _ => throw new ArgumentOutOfRangeException(nameof(node)),
    };

    /// <summary>The sub-attribute a path inside <c>attr[...]</c> names; 400 for anything else.</summary>
    public AttributeDef SubOf(AttributeDef scope, AttrPathRef path)
    {
        if (path.Urn is not null || path.Sub is not null)
            throw Error($"Inside '{scope.Name}[...]' name a sub-attribute of '{scope.Name}', not '{path}'.");
        return scope.Sub(path.Name) ?? throw Unknown($"{scope.Name}.{path.Name}");
    }

    string Leaf(AttrPathRef path, CompareOp? op, FilterValue? value, AttributeDef? scope)
    {
        if (scope is not null)
            return Map.Storage(scope).InScope(this, scope, path, op, value);
        if (path is { Urn: null, Sub: null } && string.Equals(path.Name, "schemas", StringComparison.OrdinalIgnoreCase))
            return Schemas(op, value);
        if (UnknownIsAbsent && Map.Type.Resolve(path.FullPath) is null)
            return AbsentHere(path);
        var resolved = Resolve(path);
        return Map.Storage(resolved.Attribute).Filter(this, resolved.Attribute, resolved.Sub, op, value);
    }

    string ValuePath(ValuePathNode node)
    {
        if (UnknownIsAbsent && Map.Type.Resolve(node.Attribute.FullPath) is null)
            return AbsentHere(node.Attribute);
        var resolved = Resolve(node.Attribute);
        if (resolved.Sub is not null)
            throw Error($"'{node.Attribute}' is not a complex attribute; '[...]' filters the items of one.");
        return Map.Storage(resolved.Attribute).ValuePath(this, resolved.Attribute, node.Filter);
    }

    string AbsentHere(AttrPathRef path)
    {
        Absent.Add(path.FullPath);
        return "NULL::boolean";
    }

    string Schemas(CompareOp? op, FilterValue? value)
    {
        if (op is null)
            return "true";
        if (op is not (CompareOp.Eq or CompareOp.Ne) || value is not StringValue { Value: var urn })
            throw Error("'schemas' can only be compared with eq or ne and a schema URN, or tested with pr.");
        string match;
        if (string.Equals(urn, Map.Type.Schema.Id, StringComparison.OrdinalIgnoreCase))
            match = "true";
        else if (Map.Type.Extensions.FirstOrDefault(e => string.Equals(urn, e.Id, StringComparison.OrdinalIgnoreCase)) is { } extension)
            match = Map.Presence(extension);
        else
            match = "false";
        return op == CompareOp.Eq ? match : $"NOT {match}";
    }

    ResolvedPath Resolve(AttrPathRef path) => Map.Type.Resolve(path.FullPath) ?? throw Unknown(path.ToString());

    ScimException Unknown(string path) =>
        Error($"Unknown attribute '{path}': the {Map.Type.Name} resource type has no such attribute.");
}
