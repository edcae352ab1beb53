using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using ScimLite.Scim.Schema;

namespace ScimLite.Extensions;

/// <summary>
/// Checks the declarations at start-up (each failure names its entry, e.g. <c>Scim:Extensions:1:Attributes:0:Type</c>)
/// and turns them into schema definitions whose attributes are stored in the <c>extensions</c> column.
/// </summary>
public sealed partial class ExtensionSchemas : IValidateOptions<ExtensionOptions>
{
    static readonly Dictionary<string, AttrType> Types = new(StringComparer.OrdinalIgnoreCase)
    {
        ["string"] = AttrType.String, ["boolean"] = AttrType.Boolean, ["integer"] = AttrType.Integer,
        ["decimal"] = AttrType.Decimal, ["dateTime"] = AttrType.DateTime, ["reference"] = AttrType.Reference,
    };

    public ValidateOptionsResult Validate(string? name, ExtensionOptions options)
    {
        var errors = Errors(options).ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    static IEnumerable<string> Errors(ExtensionOptions options)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.Extensions.Count; i++)
        {
            var extension = options.Extensions[i];
            var key = $"Scim:Extensions:{i}";
            if (string.IsNullOrWhiteSpace(extension.Schema) || !Urn().IsMatch(extension.Schema))
                yield return $"{key}:Schema '{extension.Schema}' is not a schema URN (e.g. urn:ietf:params:scim:schemas:extension:acme:2.0:User).";
            else if (ScimUrns.IsBuiltIn(extension.Schema))
                yield return $"{key}:Schema '{extension.Schema}' is a core schema of ScimLite; declare custom attributes under a URN of your own.";
            else if (!seen.Add(extension.Schema))
                yield return $"{key}:Schema '{extension.Schema}' is declared twice.";
            if (!string.Equals(extension.ResourceType, "User", StringComparison.OrdinalIgnoreCase) &&
                !string.Equals(extension.ResourceType, "Group", StringComparison.OrdinalIgnoreCase))
                yield return $"{key}:ResourceType '{extension.ResourceType}' is not one of User, Group.";
            if (extension.Attributes.Count == 0)
                yield return $"{key}:Attributes is empty; declare at least one attribute (Attributes:0:Name).";
            var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            for (var j = 0; j < extension.Attributes.Count; j++)
            {
                var attribute = extension.Attributes[j];
                var attributeKey = $"{key}:Attributes:{j}";
                if (string.IsNullOrWhiteSpace(attribute.Name) || !AttributeName().IsMatch(attribute.Name))
                    yield return $"{attributeKey}:Name '{attribute.Name}' is not an attribute name (a letter, then letters, digits, '-' or '_').";
                else if (!names.Add(attribute.Name))
                    yield return $"{attributeKey}:Name '{attribute.Name}' is declared twice in {extension.Schema}.";
                if (!Types.ContainsKey(attribute.Type ?? ""))
                    yield return $"{attributeKey}:Type '{attribute.Type}' is not one of {string.Join(", ", Types.Keys)}.";
            }
        }
    }

    /// <summary>The declared extensions of one resource type, as schema definitions (declarations already valid).</summary>
    public static IReadOnlyList<SchemaDef> For(ExtensionOptions options, string resourceType) =>
    [
        .. options.Extensions
            .Select((declaration, index) => (declaration, index))
            .Where(e => string.Equals(e.declaration.ResourceType, resourceType, StringComparison.OrdinalIgnoreCase))
            .Select(e => Schema(e.declaration, e.index)),
    ];

    static SchemaDef Schema(ExtensionDeclaration declaration, int index)
    {
        var urn = declaration.Schema!;
        var attributes = declaration.Attributes.Select(a => new AttributeDef(a.Name!, Types[a.Type])
        {
            MultiValued = a.MultiValued,
            CaseExact = a.CaseExact,
            Required = a.Required,
            CanonicalValues = a.CanonicalValues.Count > 0 ? [.. a.CanonicalValues] : null,
            ReferenceTypes = Types[a.Type] == AttrType.Reference ? ["external"] : null,
            ExtensionUrn = urn,
            Description = $"Custom attribute declared in Scim:Extensions:{index}.",
        }).ToList();
        return new SchemaDef(urn, NameOf(urn), $"Custom attributes of {declaration.ResourceType}s (Scim:Extensions:{index}).", attributes);
    }

    /// <summary><c>urn:…:extension:acme:2.0:User</c> → <c>acme</c>; otherwise the URN's last part.</summary>
    static string NameOf(string urn)
    {
        var parts = urn.Split(':');
        return parts.Length >= 3 && ScimUrns.IsVersion(parts[^2]) ? parts[^3] : parts[^1];
    }

    // RFC 8141 NSS characters, without the quote, so a URN can never end a SQL string literal.
    [GeneratedRegex(@"^urn:[A-Za-z0-9][A-Za-z0-9-]{0,31}(:[A-Za-z0-9._~%!$&()*+,;=@/-]+)+\z")]
    private static partial Regex Urn();

    // RFC 7643 §2.1 ATTRNAME.
    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_-]*\z")]
    private static partial Regex AttributeName();
}
