using System.Globalization;
using System.Text;

namespace ScimLite.Scim.Filter;

enum TokenKind { Word, String, LParen, RParen, LBracket, RBracket, End }

/// <summary>A token and where it starts (0-based; errors report it 1-based).</summary>
readonly record struct Token(TokenKind Kind, string Text, int Position)
{
    public bool IsWord(string keyword) =>
        Kind == TokenKind.Word && string.Equals(Text, keyword, StringComparison.OrdinalIgnoreCase);

    /// <summary>How the token reads in an error message.</summary>
    public string Describe() => Kind switch
    {
        TokenKind.End => "the end of the filter",
        TokenKind.String => $"the string {FilterText.Quote(Text)}",
        _ => $"'{Text}'",
    };
}

/// <summary>
/// Splits a filter into words, JSON strings and brackets. A word is any run of characters other than whitespace,
/// quotes and brackets; whether it is an attribute path, an operator, a keyword or a bare value is the parser's call,
/// so that <c>userName;DROP</c> fails as one bad attribute path rather than as odd punctuation.
/// </summary>
static class FilterLexer
{
    public static List<Token> Lex(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (true)
        {
            // Extra spaces (and tabs or newlines from a hand-written .search body) are tolerated between tokens.
            while (i < text.Length && char.IsWhiteSpace(text[i]))
                i++;
            if (i == text.Length)
            {
                tokens.Add(new Token(TokenKind.End, "", i));
                return tokens;
            }
            var c = text[i];
            switch (c)
            {
                case '(': tokens.Add(new Token(TokenKind.LParen, "(", i++)); break;
                case ')': tokens.Add(new Token(TokenKind.RParen, ")", i++)); break;
                case '[': tokens.Add(new Token(TokenKind.LBracket, "[", i++)); break;
                case ']': tokens.Add(new Token(TokenKind.RBracket, "]", i++)); break;
                case '"': tokens.Add(LexString(text, ref i)); break;
                default:
                    var start = i;
                    while (i < text.Length && !char.IsWhiteSpace(text[i]) && !IsDelimiter(text[i]))
                        i++;
                    tokens.Add(new Token(TokenKind.Word, text[start..i], start));
                    break;
            }
        }
    }

    static bool IsDelimiter(char c) => c is '(' or ')' or '[' or ']' or '"';

    /// <summary>Reads a JSON string (RFC 8259 §7) starting at the opening quote; returns its decoded value.</summary>
    static Token LexString(string text, ref int i)
    {
        var start = i++;
        var sb = new StringBuilder();
        while (i < text.Length)
        {
            var c = text[i++];
            if (c == '"')
            {
                var value = sb.ToString();
                // \uD800 alone is valid JSON escaping but no text: PostgreSQL could not store or compare it.
                if (System.Text.Unicode.Utf8.FromUtf16(value, new byte[value.Length * 3], out _, out _, replaceInvalidSequences: false)
                    != System.Buffers.OperationStatus.Done)
                    throw ScimException.InvalidFilter($"The string at position {start} is not valid Unicode text.");
                return new Token(TokenKind.String, value, start);
            }
            if (c != '\\')
            {
                sb.Append(c);
                continue;
            }
            if (i == text.Length)
                break;
            var escape = text[i++];
            switch (escape)
            {
                case '"': sb.Append('"'); break;
                case '\\': sb.Append('\\'); break;
                case '/': sb.Append('/'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'u' when i + 4 <= text.Length && ushort.TryParse(text.AsSpan(i, 4), NumberStyles.AllowHexSpecifier,
                    CultureInfo.InvariantCulture, out var code):
                    sb.Append((char)code);
                    i += 4;
                    break;
                default:
                    throw ScimException.InvalidFilter(
                        $"Invalid escape sequence '\\{escape}' in the string at position {i - 1}.");
            }
        }
        throw ScimException.InvalidFilter($"The string starting at position {start + 1} has no closing quote.");
    }
}
