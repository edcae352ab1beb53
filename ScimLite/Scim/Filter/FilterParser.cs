using System.Globalization;
using System.Text.RegularExpressions;

namespace ScimLite.Scim.Filter;

/// <summary>
/// Recursive-descent parser for the SCIM filter grammar of RFC 7644 §3.4.2.2 with errata 7319 (<c>not(</c> and
/// <c>not (</c>), 4690/7322 (logic and parentheses inside <c>[...]</c>, but no nested brackets) and 4670
/// (precedence: not &gt; and &gt; or). Keywords and operators are case-insensitive.
/// </summary>
public sealed partial class FilterParser
{
    /// <summary>Longest filter accepted; far above anything Okta or Entra send.</summary>
    public const int MaxLength = 4096;

    /// <summary>Deepest nesting of parentheses, <c>not</c> and brackets; keeps recursion far from the stack limit.</summary>
    public const int MaxDepth = 32;

    readonly List<Token> _tokens;
    int _next;
    int _depth;

    FilterParser(List<Token> tokens) => _tokens = tokens;

    /// <summary>Parses a whole filter. Throws <see cref="ScimException"/> 400 <c>invalidFilter</c>.</summary>
    public static FilterNode Parse(string filter)
    {
        var parser = Start(filter, "Filter", ScimException.InvalidFilter);
        var node = parser.ParseOr(inValuePath: false);
        parser.ExpectEnd();
        return node;
    }

    internal static FilterParser Start(string text, string what, Func<string, ScimException> error)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw error($"{what} is empty.");
        if (text.Length > MaxLength)
            throw error($"{what} is {text.Length} characters long; at most {MaxLength} are accepted.");
        return new FilterParser(FilterLexer.Lex(text));
    }

    internal Token Peek => _tokens[_next];

    internal Token Take() => _tokens[_next++];

    internal void ExpectEnd()
    {
        if (Peek.Kind != TokenKind.End)
            throw Error($"Unexpected {Peek.Describe()}", Peek);
    }

    // orExp = andExp *("or" andExp)
    internal FilterNode ParseOr(bool inValuePath)
    {
        var left = ParseAnd(inValuePath);
        while (Peek.IsWord("or"))
        {
            Take();
            left = new OrNode(left, ParseAnd(inValuePath));
        }
        return left;
    }

    // andExp = notExp *("and" notExp)
    FilterNode ParseAnd(bool inValuePath)
    {
        var left = ParseUnary(inValuePath);
        while (Peek.IsWord("and"))
        {
            Take();
            left = new AndNode(left, ParseUnary(inValuePath));
        }
        return left;
    }

    // notExp = ["not" *SP] "(" FILTER ")" / valuePath / attrExp
    FilterNode ParseUnary(bool inValuePath)
    {
        var token = Take();
        if (token.IsWord("not"))
        {
            // Erratum 7319: "not" only prefixes a parenthesis, with or without a space.
            if (Peek.Kind != TokenKind.LParen)
                throw Error($"'not' must be followed by '(' but is followed by {Peek.Describe()}", Peek);
            return new NotNode(ParseGroup(Take(), inValuePath));
        }
        if (token.Kind == TokenKind.LParen)
            return ParseGroup(token, inValuePath);
        if (token.IsWord("and") || token.IsWord("or"))
            throw Error($"Expected an expression before '{token.Text}'", token);
        if (token.Kind != TokenKind.Word)
            throw Error($"Expected an attribute path, '(' or 'not' but found {token.Describe()}", token);

        var path = ParsePath(token, ScimException.InvalidFilter);
        if (Peek.Kind == TokenKind.LBracket)
        {
            var open = Take();
            // Erratum 4690: a value filter cannot itself hold a value path.
            if (inValuePath)
                throw Error("Value filters cannot be nested", open);
            if (path.Sub is not null)
                throw Error($"'{path}[' names a sub-attribute; a value filter applies to a multi-valued attribute", open);
            Enter(open);
            var inner = ParseOr(inValuePath: true);
            Expect(TokenKind.RBracket, "']'", open);
            _depth--;
            return new ValuePathNode(path, inner);
        }
        return ParseOperation(path, token);
    }

    FilterNode ParseGroup(Token open, bool inValuePath)
    {
        Enter(open);
        var inner = ParseOr(inValuePath);
        Expect(TokenKind.RParen, "')'", open);
        _depth--;
        return inner;
    }

    FilterNode ParseOperation(AttrPathRef path, Token pathToken)
    {
        var op = Take();
        if (op.Kind != TokenKind.Word)
            throw Error($"Expected an operator after '{pathToken.Text}' but found {op.Describe()}", op);
        if (op.IsWord("pr"))
            return new PresentNode(path);
        if (!Enum.TryParse<CompareOp>(op.Text, ignoreCase: true, out var compareOp) || !op.Text.All(char.IsAsciiLetter))
            throw Error($"Unknown operator '{op.Text}'; expected eq, ne, co, sw, ew, gt, ge, lt, le or pr", op);
        return new CompareNode(path, compareOp, ParseValue(op));
    }

    FilterValue ParseValue(Token op)
    {
        var token = Take();
        if (token.Kind == TokenKind.String)
            return new StringValue(token.Text);
        if (token.Kind != TokenKind.Word || token.IsWord("and") || token.IsWord("or") || token.IsWord("not"))
            throw Error($"Expected a value after '{op.Text}' but found {token.Describe()}", token);
        // JSON literals are lower-case; any case is accepted as a leniency.
        if (token.IsWord("true")) return new BooleanValue(true);
        if (token.IsWord("false")) return new BooleanValue(false);
        if (token.IsWord("null")) return NullValue.Instance;
        if (JsonNumber().IsMatch(token.Text))
        {
            if (!decimal.TryParse(token.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                throw Error($"The number '{token.Text}' is out of range", token);
            return new NumberValue(token.Text, number);
        }
        if (token.Text[0] == '\'')
            throw Error("Strings must be enclosed in double quotes", token);
        // Entra ID has been seen sending unquoted values (externalId eq jyoung); take a bare word as a string.
        return new StringValue(token.Text);
    }

    void Enter(Token open)
    {
        if (++_depth > MaxDepth)
            throw Error($"Filter nests deeper than {MaxDepth} levels", open);
    }

    void Expect(TokenKind kind, string what, Token open)
    {
        var token = Take();
        if (token.Kind != kind)
            throw Error($"Expected {what} to close the '{open.Text}' at position {open.Position + 1} but found {token.Describe()}", token);
    }

    static ScimException Error(string message, Token at) =>
        ScimException.InvalidFilter($"{message} at position {at.Position + 1}.");

    /// <summary>
    /// Reads <c>[URN ":"] ATTRNAME ["." ATTRNAME]</c>. The URN ends at the last ':' since attribute names hold none;
    /// ATTRNAME allows '$' for <c>$ref</c> (RFC 7643 §2.1).
    /// </summary>
    internal static AttrPathRef ParsePath(Token token, Func<string, ScimException> error)
    {
        var text = token.Text;
        var colon = text.LastIndexOf(':');
        var urn = colon < 0 ? null : text[..colon];
        var parts = text[(colon + 1)..].Split('.');
        if ((urn is not null && !Urn().IsMatch(urn)) || parts.Length > 2 || !parts.All(p => AttrName().IsMatch(p)))
            throw error($"Invalid attribute path '{text}' at position {token.Position + 1}.");
        return new AttrPathRef(urn, parts[0], parts.Length == 2 ? parts[1] : null);
    }

    /// <summary>RFC 7643 §2.1 ATTRNAME (with <c>$ref</c>'s dollar sign).</summary>
    internal const string AttrNamePattern = "[A-Za-z$][A-Za-z0-9$_-]*";

    [GeneratedRegex($"^{AttrNamePattern}\\z")]
    private static partial Regex AttrName();

    [GeneratedRegex(@"^[Uu][Rr][Nn]:[A-Za-z0-9._:-]+\z")]
    private static partial Regex Urn();

    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?\z")]
    private static partial Regex JsonNumber();
}
