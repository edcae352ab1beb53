using System.Globalization;
using System.Text.RegularExpressions;
using Dapper;
using ScimLite.Scim;
using ScimLite.Scim.Filter;

namespace ScimLite.Store;

/// <summary>Adds filter literals as Dapper parameters <c>@f0, @f1, ...</c>; an equal value reuses its parameter.</summary>
public sealed class ParamBag(DynamicParameters parameters, string prefix)
{
    readonly Dictionary<object, string> _names = [];

    public string Add(object value)
    {
        if (_names.TryGetValue(value, out var existing))
            return existing;
        var name = prefix + _names.Count.ToString(CultureInfo.InvariantCulture);
        parameters.Add(name, value);
        return _names[value] = "@" + name;
    }
}

/// <summary>One comparison (RFC 7644 §3.4.2.2 Table 3) of an <see cref="Operand"/> with a literal, as SQL.</summary>
public static partial class SqlPredicates
{
    /// <summary><c>pr</c>: not null, and for strings not empty (RFC 7643 §2.5 treats "" like unassigned).</summary>
    public static string Present(Operand o) => o.Kind switch
    {
        OperandKind.Text or OperandKind.Binary => $"({o.Sql} IS NOT NULL AND {o.Sql} <> '')",
        OperandKind.JsonBoolean => $"({o.Sql} IS NOT NULL AND {o.Sql} <> 'null'::jsonb)",
        _ => $"{o.Sql} IS NOT NULL",
    };

    /// <summary>Compiles <c>o op value</c>; a null <paramref name="op"/> means <c>pr</c>.</summary>
    public static string Compare(Operand o, CompareOp? op, FilterValue? value, ParamBag p)
    {
        if (op is not { } compare || value is null)
            return Present(o);
        if (value is NullValue)
            return compare switch
            {
                // "eq null" asks for an absent value, "ne null" for a present one (SCIM-RULES §3.4).
                CompareOp.Eq => $"NOT {Present(o)}",
                CompareOp.Ne => Present(o),
                _ => throw Error($"Only 'eq' and 'ne' can compare '{o.Name}' with null."),
            };
        return o.Kind switch
        {
            OperandKind.Boolean or OperandKind.JsonBoolean => Boolean(o, compare, value, p),
            OperandKind.DateTime => DateTime(o, compare, value, p),
            OperandKind.Uuid => Uuid(o, compare, value, p),
            OperandKind.Numeric => Numeric(o, compare, value, p),
            _ => Text(o, compare, value, p),
        };
    }

    static string Text(Operand o, CompareOp op, FilterValue value, ParamBag p)
    {
        var text = TextOf(o, value);
        var binary = o.Kind == OperandKind.Binary;
        if (binary && op is not (CompareOp.Eq or CompareOp.Ne))
            throw Error($"The operator '{Name(op)}' is not supported for the binary attribute '{o.Name}'.");
        // caseExact=false compares lower(x) = lower(@p): the same expression as users_user_name_key and
        // groups_display_name_key, so Okta's and Entra's userName/displayName lookups use those indexes.
        string Fold(string sql) => o.CaseExact || binary ? sql : $"lower({sql})";
        return op switch
        {
            CompareOp.Eq => $"{Fold(o.Sql)} = {Fold(p.Add(text))}",
            CompareOp.Ne => $"({o.Sql} IS NULL OR {Fold(o.Sql)} <> {Fold(p.Add(text))})",
            CompareOp.Co or CompareOp.Sw or CompareOp.Ew => $"{Fold(o.Sql)} LIKE {Fold(p.Add(LikePattern(op, text)))} ESCAPE '\\'",
            // COLLATE "C": code-point order, the same on every server whatever the database's locale.
            _ => $"{Fold(o.Sql)} COLLATE \"C\" {Symbol(op)} {Fold(p.Add(text))}",
        };
    }

    static string Uuid(Operand o, CompareOp op, FilterValue value, ParamBag p)
    {
        var text = TextOf(o, value);
        switch (op)
        {
            case CompareOp.Eq or CompareOp.Ne:
                // A string that is no UUID is no id here: it matches nothing (Entra's Test Connection and other
                // clients probe with arbitrary ids and expect an empty list, not an error).
                if (!Guid.TryParse(text, out var id))
                    return op == CompareOp.Eq ? "false" : "true";
                var param = p.Add(id);
                if (op == CompareOp.Ne)
                    return $"({o.Sql} IS NULL OR {o.Sql} <> {param})";
                return o.UuidColumns is { } columns
                    ? "(" + string.Join(" OR ", columns.Select(c => $"{c} = {param}")) + ")"
                    : $"{o.Sql} = {param}";
            case CompareOp.Co or CompareOp.Sw or CompareOp.Ew:
                return $"{o.Sql}::text LIKE lower({p.Add(LikePattern(op, text))}) ESCAPE '\\'";
            default:
                return $"{o.Sql}::text COLLATE \"C\" {Symbol(op)} lower({p.Add(text)})";
        }
    }

    static string Boolean(Operand o, CompareOp op, FilterValue value, ParamBag p)
    {
        // RFC 7644 §3.4.2.2: gt/ge/lt/le on a boolean SHALL be invalidFilter; co/sw/ew make no sense either.
        if (op is not (CompareOp.Eq or CompareOp.Ne))
            throw Error($"The operator '{Name(op)}' is not supported for the boolean attribute '{o.Name}'.");
        if (value is not BooleanValue { Value: var b })
            throw Error($"'{o.Name}' is a boolean; compare it with true or false, not {value}.");
        var wantTrue = (op == CompareOp.Eq) == b;
        if (o.Kind == OperandKind.JsonBoolean)
            // An item without "primary" is not primary (RFC 7643 §2.4), so "primary eq false" matches it.
            return wantTrue ? $"{o.Sql} = 'true'::jsonb" : $"{o.Sql} IS DISTINCT FROM 'true'::jsonb";
        return op == CompareOp.Eq ? $"{o.Sql} = {p.Add(b)}" : $"({o.Sql} IS NULL OR {o.Sql} <> {p.Add(b)})";
    }

    static string DateTime(Operand o, CompareOp op, FilterValue value, ParamBag p)
    {
        if (op is CompareOp.Co or CompareOp.Sw or CompareOp.Ew)
            throw Error($"The operator '{Name(op)}' is not supported for the dateTime attribute '{o.Name}'.");
        if (value is not StringValue { Value: var text } || !IsoDateTime().IsMatch(text) ||
            !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
            throw Error($"'{o.Name}' is a dateTime; compare it with a string like \"2011-05-13T04:42:34Z\", not {value}.");
        // Npgsql writes only UTC DateTimeOffsets to timestamptz; the instant is what is compared anyway.
        var param = p.Add(instant.ToUniversalTime());
        return op == CompareOp.Ne ? $"({o.Sql} IS NULL OR {o.Sql} <> {param})" : $"{o.Sql} {Symbol(op)} {param}";
    }

    static string Numeric(Operand o, CompareOp op, FilterValue value, ParamBag p)
    {
        if (op is CompareOp.Co or CompareOp.Sw or CompareOp.Ew)
            throw Error($"The operator '{Name(op)}' is not supported for the numeric attribute '{o.Name}'.");
        if (value is not NumberValue { Value: var number })
            throw Error($"'{o.Name}' is a number; compare it with a number, not {value}.");
        var param = p.Add(number);
        return op == CompareOp.Ne ? $"({o.Sql} IS NULL OR {o.Sql} <> {param})" : $"{o.Sql} {Symbol(op)} {param}";
    }

    /// <summary>The string to compare with; an unquoted number counts as its text (<c>employeeNumber eq 42</c>,
    /// the same unquoted style Entra uses for bare words).</summary>
    static string TextOf(Operand o, FilterValue value) => value switch
    {
        StringValue s => s.Value,
        NumberValue n => n.Raw,
        _ => throw Error($"'{o.Name}' is a string; compare it with a string, not {value}."),
    };

    /// <summary>co/sw/ew as a LIKE pattern; <c>%</c>, <c>_</c> and <c>\</c> in the value match only themselves.</summary>
    public static string LikePattern(CompareOp op, string value)
    {
        var escaped = value.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
        return op switch { CompareOp.Sw => escaped + "%", CompareOp.Ew => "%" + escaped, _ => "%" + escaped + "%" };
    }

    static string Symbol(CompareOp op) => op switch
    {
        CompareOp.Eq => "=", CompareOp.Gt => ">", CompareOp.Ge => ">=", CompareOp.Lt => "<", CompareOp.Le => "<=",
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    static string Name(CompareOp op) => op.ToString().ToLowerInvariant();

    static ScimException Error(string detail) => ScimException.InvalidFilter(detail);

    // xsd:dateTime (RFC 7643 §2.3.5): a date and a time, optional fraction and zone (no zone = UTC).
    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,7})?)?(Z|z|[+-][0-9]{2}:[0-9]{2})?\z")]
    private static partial Regex IsoDateTime();
}
