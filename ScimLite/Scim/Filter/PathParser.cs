using System.Text.RegularExpressions;

namespace ScimLite.Scim.Filter;

/// <summary>
/// Parses a PATCH operation's <c>path</c> (RFC 7644 §3.5.2, <c>PATH = attrPath / valuePath [subAttr]</c>):
/// <c>name.familyName</c>, <c>members[value eq "2819c223"]</c>, <c>emails[type eq "work"].value</c>,
/// <c>urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager</c>.
/// </summary>
/// <remarks>
/// A malformed path is 400 <c>invalidPath</c>; a syntax error inside the brackets is 400 <c>invalidFilter</c>, the
/// scimType RFC 7644 Table 9 gives for "PATCH (Path Filter)". The path is not checked against a schema here.
/// </remarks>
public static partial class PathParser
{
    public static PatchPath Parse(string path)
    {
        // The paths identity providers send most (active, name.givenName) are one attribute name and need no lexer;
        // they parse exactly as the full grammar would.
        if (SimplePath().Match(path) is { Success: true } simple)
            return new PatchPath(new AttrPathRef(null, simple.Groups[1].Value, simple.Groups[2].Success ? simple.Groups[2].Value : null), null, null);
        var parser = FilterParser.Start(path, "PATCH path", ScimException.InvalidPath);
        var token = parser.Take();
        if (token.Kind != TokenKind.Word)
            throw Error($"Expected an attribute path but found {token.Describe()}", token);
        var attribute = FilterParser.ParsePath(token, ScimException.InvalidPath);
        if (parser.Peek.Kind == TokenKind.End)
            return new PatchPath(attribute, null, null);

        var open = parser.Take();
        if (open.Kind != TokenKind.LBracket)
            throw Error($"Unexpected {open.Describe()} after '{token.Text}'", open);
        if (attribute.Sub is not null)
            throw Error($"'{attribute}[' names a sub-attribute; a value filter applies to a multi-valued attribute", open);
        var filter = parser.ParseOr(inValuePath: true);
        var close = parser.Take();
        if (close.Kind != TokenKind.RBracket)
            throw Error($"Expected ']' to close the '[' at position {open.Position + 1} but found {close.Describe()}", close);

        string? subAttribute = null;
        // The lexer reads ".value" after ']' as one word (words run until whitespace or a bracket).
        if (parser.Peek.Kind == TokenKind.Word && parser.Peek.Text.StartsWith('.'))
        {
            var sub = parser.Take();
            var parsed = FilterParser.ParsePath(sub with { Text = sub.Text[1..] }, ScimException.InvalidPath);
            if (parsed.Urn is not null || parsed.Sub is not null)
                throw Error($"Invalid sub-attribute '{sub.Text}'", sub);
            subAttribute = parsed.Name;
        }
        if (parser.Peek.Kind != TokenKind.End)
            throw Error($"Unexpected {parser.Peek.Describe()}", parser.Peek);
        return new PatchPath(attribute, filter, subAttribute);
    }

    static ScimException Error(string message, Token at) =>
        ScimException.InvalidPath($"{message} at position {at.Position + 1} of the PATCH path.");

    // ATTRNAME ["." ATTRNAME], without a URN or a value filter.
    [GeneratedRegex($"^({FilterParser.AttrNamePattern})(?:\\.({FilterParser.AttrNamePattern}))?\\z")]
    private static partial Regex SimplePath();
}
