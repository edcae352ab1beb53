using System.Globalization;
using System.Text;

namespace ScimLite.Tests.Reliability;

/// <summary>
/// Random JSON fragments, attribute paths and filters for the fuzz test, written as raw JSON text so they can be
/// wrong in ways a serializer would never produce (lone surrogate escapes, NUL, huge numbers, deep nesting).
/// The same seed gives the same sequence.
/// </summary>
public sealed class FuzzValues(Random random)
{
    public static readonly string[] UserAttributes =
    [
        "userName", "name", "displayName", "nickName", "profileUrl", "title", "userType", "preferredLanguage", "locale",
        "timezone", "active", "password", "emails", "phoneNumbers", "ims", "photos", "addresses", "groups",
        "entitlements", "roles", "x509Certificates", "externalId", "id", "meta", "schemas",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", "members", "unknownAttribute",
    ];

    public static readonly string[] Paths =
    [
        "userName", "displayName", "active", "name.givenName", "name.familyName", "name", "emails", "emails.value",
        "emails[type eq \"work\"].value", "emails[type eq \"work\"]", "emails[primary eq true].display",
        "phoneNumbers[type eq \"mobile\"].value", "addresses[type eq \"work\"].streetAddress", "addresses.locality",
        "members", "members[value eq \"00000000-0000-0000-0000-000000000000\"]", "members[display co \"x\"]",
        "members.value", "groups", "meta.version", "id", "schemas", "password", "externalId", "title", "x509Certificates",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value",
        "urn:ietf:params:scim:schemas:core:2.0:User:userName", "urn:bogus:attr", "emails[", "emails]", "emails[type eq]",
        "[]", ".", "..", "a.b.c.d", "emails[type eq \"work\" and value co \"@\"].value", "name[givenName eq \"x\"]",
        "members[not (value pr)]", "userName eq \"x\"", "\u00fcser", "", " ",
    ];

    static readonly string[] Operators = ["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le", "pr", "EQ", "==", "like", "in", ""];
    static readonly string[] Literals =
        ["\"x\"", "\"\"", "true", "false", "null", "42", "-1.5e10", "1e999", "\"2024-01-01T00:00:00Z\"", "\"%_\\\\\"", "x", "\"unterminated", "'single'", "\"\\ud800\""];

    public int Next(int max) => random.Next(max);
    public int Next(int min, int max) => random.Next(min, max);
    public bool Chance(double p) => random.NextDouble() < p;
    public T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

    /// <summary>A JSON value of any type, nested at most <paramref name="depth"/> levels.</summary>
    public string Value(int depth = 3) => (depth <= 0 ? random.Next(6) : random.Next(9)) switch
    {
        0 => "null",
        1 => Chance(0.5) ? "true" : "false",
        2 => Pick(["0", "-1", "1.5", "1e308", "-1e999", "12345678901234567890123", "0.0000001", "-0"]),
        3 or 4 or 5 => String(),
        6 => "[" + string.Join(",", Enumerable.Range(0, random.Next(4)).Select(_ => Value(depth - 1))) + "]",
        7 => Object(depth - 1),
        _ => Pick(["\"True\"", "\"False\"", "\"\"", "[]", "{}", "[null]", "[{}]", "{\"value\":null}"]),
    };

    /// <summary>An object with a few attribute-like members of random values.</summary>
    public string Object(int depth) =>
        "{" + string.Join(",", Enumerable.Range(0, random.Next(4)).Select(_ => $"{Quote(Pick(SubNames))}:{Value(depth)}")) + "}";

    static readonly string[] SubNames = ["value", "type", "primary", "display", "givenName", "familyName", "formatted", "$ref", "streetAddress", "operation", "", "VALUE"];

    /// <summary>A JSON string literal: ordinary, empty, long, or with text PostgreSQL or .NET may refuse.</summary>
    public string String() => random.Next(14) switch
    {
        0 => "\"\"",
        1 => "\"\\u0000nul\"",
        2 => "\"\\ud800 lone surrogate\"",
        3 => "\"\\udfff\\ud800\"",
        4 => Quote(new string('a', Pick([300, 3000, 20_000]))),
        5 => Quote(RandomText(random.Next(1, 3000))),
        6 => "\"\\\"quoted\\\\ back\\/slash\"",
        7 => "\"ünïcødé 日本 🎉\"",
        8 => Quote(Uuid().ToString()),
        9 => "\"' OR 1=1; DROP TABLE users; --\"",
        10 => "\"%_\\\\\"",
        _ => Quote($"fuzz-{random.Next(1000)}@example.com"),
    };

    /// <summary>Printable noise that does not compress, so long values are long on disk too.</summary>
    string RandomText(int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
            chars[i] = (char)random.Next(0x21, 0x7f);
        return new string(chars);
    }

    public static string Quote(string text)
    {
        var builder = new StringBuilder("\"");
        foreach (var c in text)
            builder.Append(c switch { '"' => "\\\"", '\\' => "\\\\", < ' ' => $"\\u{(int)c:x4}", _ => c.ToString() });
        return builder.Append('"').ToString();
    }

    /// <summary>A PATCH path: a real one, a broken one, or a very long one.</summary>
    public string Path() => random.Next(20) switch
    {
        0 => string.Concat(Enumerable.Repeat("a.", 2000)),
        1 => string.Concat(Enumerable.Repeat("emails[", 50)),
        _ => Pick(Paths),
    };

    /// <summary>A filter: usually grammatical, often broken, sometimes deep or huge.</summary>
    public string Filter() => random.Next(12) switch
    {
        0 => new string('(', 200) + "userName eq \"x\"" + new string(')', 200),
        1 => string.Concat(Enumerable.Repeat("not (", 40)) + "userName pr" + new string(')', 40),
        2 => string.Join(" or ", Enumerable.Range(0, 600).Select(i => $"userName eq \"u{i}\"")),
        3 => RandomText(random.Next(1, 200)),
        4 => "emails[type eq \"work\" and value co \"@\"]",
        5 => "members[value eq \"" + Uuid() + "\"] and displayName sw \"G\"",
        _ => Expression(random.Next(1, 4)),
    };

    string Expression(int depth)
    {
        if (depth <= 0 || Chance(0.4))
        {
            var op = Pick(Operators);
            return op is "pr" ? $"{Pick(Paths)} pr" : $"{Pick(Paths)} {op} {Pick(Literals)}".Trim();
        }
        return random.Next(5) switch
        {
            0 => $"({Expression(depth - 1)})",
            1 => $"not ({Expression(depth - 1)})",
            2 => $"{Expression(depth - 1)} {Pick(["and", "or", "AND", "xor"])} {Expression(depth - 1)}",
            3 => $"{Pick(["emails", "members", "addresses", "name"])}[{Expression(depth - 1)}]",
            _ => $"({Expression(depth - 1)}",
        };
    }

    public string QueryNumber() => Pick(["1", "0", "-5", "2147483648", "99999999999999999999", "abc", "1.5", "", "1e3"]);

    public string AttributeList() => string.Join(",", Enumerable.Range(0, random.Next(1, 4)).Select(_ => Pick(Paths)));

    /// <summary>A random UUID from the seeded generator (Guid.NewGuid would make runs differ).</summary>
    public Guid Uuid()
    {
        var bytes = new byte[16];
        random.NextBytes(bytes);
        return new Guid(bytes);
    }

    public static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
