using Dapper;
using ScimLite.Extensions;
using ScimLite.Scim.Filter;
using ScimLite.Scim.Schema;

namespace ScimLite.Scim.Sql;

/// <summary>A compiled filter: a boolean SQL expression over the resource row <c>r</c>, and its parameters.</summary>
public sealed record SqlFilter(string Where, DynamicParameters Parameters)
{
    /// <summary>With <c>unknownIsAbsent</c>: the paths this type lacks, compiled as having no value.</summary>
    public IReadOnlyList<string> AbsentPaths { get; init; } = [];
}

/// <summary>
/// Compiles a filter AST to a PostgreSQL <c>WHERE</c> expression over the table alias <c>r</c> of a
/// <see cref="ResourceTypeDef"/>'s table. Attribute paths resolve only through the schema (the whitelist) and every
/// literal is a parameter. Anything the schema does not have, or an operator the attribute's type does not support,
/// is 400 <c>invalidFilter</c>.
/// </summary>
/// <remarks>
/// <c>schemas eq "urn"</c>: the base schema URN matches every resource of the type; an extension URN matches
/// resources with a value in one of the extension's columns (as a User's <c>schemas</c> lists the enterprise
/// extension only when it has some); any other URN matches nothing. Only eq, ne and pr apply to <c>schemas</c>.
/// </remarks>
public static class FilterCompiler
{
    /// <summary>Parses and compiles a filter as sent in <c>?filter=</c> or a <c>.search</c> body.</summary>
    public static SqlFilter Compile(string filter, ResourceTypeDef type) => Compile(FilterParser.Parse(filter), type);

    /// <param name="parameters">Where to add the literals; a new set when null.</param>
    /// <param name="prefix">Parameter name prefix, to combine several filters in one statement.</param>
    /// <param name="unknownIsAbsent">
    /// For root queries across resource types (RFC 7644 §3.4.2.1): an attribute this type lacks has no value here,
    /// so comparisons on it are unknown (SQL NULL) instead of 400.
    /// </param>
    public static SqlFilter Compile(FilterNode filter, ResourceTypeDef type, DynamicParameters? parameters = null, string prefix = "f",
        bool unknownIsAbsent = false)
    {
        parameters ??= new DynamicParameters();
        var compilation = new Compilation(type, new ParamBag(parameters, prefix)) { UnknownIsAbsent = unknownIsAbsent };
        var where = compilation.Node(filter, scope: null);
        return new SqlFilter(where, parameters) { AbsentPaths = compilation.Absent };
    }

    /// <summary>
    /// Compiles a value filter over one item of a multi-valued attribute — the jsonb element <c>e</c>, or the link row
    /// <c>l</c> for members/groups — as PATCH paths like <c>emails[type eq "work"]</c> and <c>members[value eq "id"]</c> need.
    /// </summary>
    public static string CompileItem(FilterNode filter, AttributeDef attribute, ResourceTypeDef type, DynamicParameters parameters, string prefix) =>
        new Compilation(type, new ParamBag(parameters, prefix)).Node(filter, scope: attribute);

    sealed class Compilation(ResourceTypeDef type, ParamBag p)
    {
        public bool UnknownIsAbsent { get; init; }

        public List<string> Absent { get; } = [];

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

        string Leaf(AttrPathRef path, CompareOp? op, FilterValue? value, AttributeDef? scope)
        {
            if (scope is not null)
                return InScope(scope, path, op, value);
            if (path is { Urn: null, Sub: null } && string.Equals(path.Name, "schemas", StringComparison.OrdinalIgnoreCase))
                return Schemas(op, value);
            if (UnknownIsAbsent && type.Resolve(path.FullPath) is null)
                return AbsentHere(path);
            var resolved = Resolve(path);
            var attribute = resolved.Attribute;
            switch (attribute.Storage)
            {
                case Storage.Column when attribute.Column is not null:
                    return SqlPredicates.Compare(SqlOperands.Column(attribute.Name, attribute), op, value, p);
                case Storage.Parts when resolved.Sub is { } sub:
                    return Part(attribute, sub, op, value);
                case Storage.Parts when op is null:
                    return SqlOperands.PartsPresent(attribute);
                case Storage.Parts:
                    throw NeedsSub(attribute);
                case Storage.JsonArray or Storage.Link:
                    return MultiValued(attribute, resolved.Sub, op, value);
                case Storage.Extension:
                    return ExtensionSql.Compare(attribute, resolved.Sub, op, value, p);
                default:
                    throw NotFilterable(attribute.Name);
            }
        }

        /// <summary><c>emails.value eq "x"</c>: some item matches. <c>emails eq "x"</c> reads as <c>emails.value</c>.</summary>
        string MultiValued(AttributeDef attribute, AttributeDef? sub, CompareOp? op, FilterValue? value)
        {
            if (sub is null && op is null)
                return SqlOperands.Exists(type, attribute, null);
            sub ??= attribute.Sub("value") ?? throw NeedsSub(attribute);
            var item = Item(attribute, sub);
            if (value is NullValue && op is CompareOp.Eq or CompareOp.Ne)
            {
                var present = SqlOperands.Exists(type, attribute, SqlPredicates.Present(item));
                return op == CompareOp.Eq ? $"NOT {present}" : present;
            }
            var exists = SqlOperands.Exists(type, attribute, SqlPredicates.Compare(item, op, value, p));
            return WithValueIndex(attribute, ValueLookups(sub, op, value), exists);
        }

        /// <summary><c>emails[type eq "work" and value co "@x.com"]</c>: one item satisfies the whole inner filter.</summary>
        string ValuePath(ValuePathNode node)
        {
            if (UnknownIsAbsent && type.Resolve(node.Attribute.FullPath) is null)
                return AbsentHere(node.Attribute);
            var resolved = Resolve(node.Attribute);
            var attribute = resolved.Attribute;
            if (attribute is { Storage: Storage.Extension, MultiValued: true } && resolved.Sub is null)
                return ExtensionSql.Exists(attribute, Node(node.Filter, attribute));
            if (resolved.Sub is not null || attribute.Type != AttrType.Complex)
                throw Error($"'{node.Attribute}' is not a complex attribute; '[...]' filters the items of one.");
            var inner = Node(node.Filter, attribute);
            if (attribute.Storage == Storage.Parts)
                return inner;
            var lookups = Conjuncts(node.Filter).OfType<CompareNode>()
                .SelectMany(c => attribute.Sub(c.Path.Name) is { } sub ? ValueLookups(sub, c.Op, c.Value) : []);
            return WithValueIndex(attribute, lookups, SqlOperands.Exists(type, attribute, inner));
        }

        string AbsentHere(AttrPathRef path)
        {
            Absent.Add(path.FullPath);
            return "NULL::boolean";
        }

        string InScope(AttributeDef scope, AttrPathRef path, CompareOp? op, FilterValue? value)
        {
            if (scope.Storage == Storage.Extension)
                return ExtensionSql.InScope(scope, path, op, value, p);
            if (path.Urn is not null || path.Sub is not null)
                throw Error($"Inside '{scope.Name}[...]' name a sub-attribute of '{scope.Name}', not '{path}'.");
            var sub = scope.Sub(path.Name) ?? throw Unknown($"{scope.Name}.{path.Name}");
            return scope.Storage == Storage.Parts
                ? Part(scope, sub, op, value)
                : SqlPredicates.Compare(Item(scope, sub), op, value, p);
        }

        string Part(AttributeDef attribute, AttributeDef sub, CompareOp? op, FilterValue? value)
        {
            // meta.resourceType is fixed per endpoint (root queries narrow with it, RFC 7644 §3.4.2.1).
            if (ReferenceEquals(sub, CoreSchemas.ResourceType) && value is StringValue s && op is CompareOp.Eq or CompareOp.Ne)
                return (string.Equals(s.Value, type.Name, StringComparison.OrdinalIgnoreCase) == (op == CompareOp.Eq)) ? "true" : "false";
            return SqlPredicates.Compare(SqlOperands.Part(type, attribute, sub, Error), op, value, p);
        }

        string Schemas(CompareOp? op, FilterValue? value)
        {
            if (op is null)
                return "true";
            if (op is not (CompareOp.Eq or CompareOp.Ne) || value is not StringValue { Value: var urn })
                throw Error("'schemas' can only be compared with eq or ne and a schema URN, or tested with pr.");
            string match;
            if (string.Equals(urn, type.Schema.Id, StringComparison.OrdinalIgnoreCase))
                match = "true";
            else if (type.Extensions.FirstOrDefault(e => string.Equals(urn, e.Id, StringComparison.OrdinalIgnoreCase)) is { } extension)
                match = ExtensionSql.SchemaPresent(extension) ?? "(" + string.Join(" OR ", SqlOperands.ColumnsOf(extension).Select(c => $"{c} IS NOT NULL")) + ")";
            else
                match = "false";
            return op == CompareOp.Eq ? match : $"NOT {match}";
        }

        Operand Item(AttributeDef attribute, AttributeDef sub) => SqlOperands.Item(type, attribute, sub, Error);

        /// <summary>The values of <c>attr.value eq "x"</c> lookups, which the type's <see cref="ResourceSql.ValueIndex"/> may serve.</summary>
        static IEnumerable<string> ValueLookups(AttributeDef sub, CompareOp? op, FilterValue? value) =>
            op == CompareOp.Eq && SqlOperands.Is(sub, "value") && value is StringValue or NumberValue
                ? [value is StringValue s ? s.Value : ((NumberValue)value).Raw]
                : [];

        /// <summary>ANDs the indexed expression of each lookup (e.g. users_email_values_idx) before the exact test.</summary>
        string WithValueIndex(AttributeDef attribute, IEnumerable<string> lookups, string exists)
        {
            if (type.Sql.ValueIndex(attribute) is not { } index)
                return exists;
            var guards = lookups.Select(v => index(p.Add(v))).ToList();
            return guards.Count == 0 ? exists : $"({string.Join(" AND ", guards)} AND {exists})";
        }

        static IEnumerable<FilterNode> Conjuncts(FilterNode node) =>
            node is AndNode and ? Conjuncts(and.Left).Concat(Conjuncts(and.Right)) : [node];

        ResolvedPath Resolve(AttrPathRef path) => type.Resolve(path.FullPath) ?? throw Unknown(path.ToString());

        ScimException Unknown(string path) =>
            Error($"Unknown attribute '{path}': the {type.Name} resource type has no such attribute.");

        static ScimException NeedsSub(AttributeDef attribute) =>
            Error($"'{attribute.Name}' is a complex attribute; name a sub-attribute, e.g. '{attribute.Name}.{attribute.SubAttributes[0].Name}'.");

        static ScimException NotFilterable(string path) =>
            string.Equals(path, "password", StringComparison.OrdinalIgnoreCase)
                ? Error("Filtering on 'password' is not supported: ScimLite keeps only a salted hash.")
                : Error($"The attribute '{path}' cannot be used in a filter.");

        static ScimException Error(string detail) => ScimException.InvalidFilter(detail);
    }
}
