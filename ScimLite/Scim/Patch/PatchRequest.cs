using System.Text.Json;
using ScimLite.Scim.Filter;
using ScimLite.Scim.Schema;

namespace ScimLite.Scim.Patch;

public enum PatchOpKind { Add, Remove, Replace }

/// <summary>One PATCH operation as sent; <see cref="Where"/> names it in errors ("operation 3 (replace emails)").</summary>
public sealed record PatchOperation(int Index, PatchOpKind Op, string? Path, JsonElement Value, bool HasValue)
{
    public string Where => Path is null ? $"operation {Index} ({Op.ToString().ToLowerInvariant()})" : $"operation {Index} ({Op.ToString().ToLowerInvariant()} {Path})";
}

/// <summary>
/// A PatchOp message (RFC 7644 §3.5.2). Ops are matched ignoring case: Entra sends "Replace", "Add", "Remove".
/// </summary>
public static class PatchRequest
{
    public static IReadOnlyList<PatchOperation> Parse(JsonElement body, int maxOperations)
    {
        // A missing (or null) schemas is let through: Okta's deactivation is documented without it.
        if (body.TryGet("schemas", out var schemas) && schemas.ValueKind != JsonValueKind.Null
            && (schemas.ValueKind != JsonValueKind.Array
                || !schemas.EnumerateArray().Any(s => s.ValueKind == JsonValueKind.String && s.GetString() == ScimUrns.PatchOp)))
            throw ScimException.InvalidSyntax($"A PATCH body must have schemas [\"{ScimUrns.PatchOp}\"].");
        if (!body.TryGet("Operations", out var operations) || operations.ValueKind != JsonValueKind.Array || operations.GetArrayLength() == 0)
            throw ScimException.InvalidSyntax("A PATCH body needs a non-empty 'Operations' array.");
        if (operations.GetArrayLength() > maxOperations)
            throw new ScimException(413, null, $"At most {maxOperations} PATCH operations may be sent in one request.");

        var result = new List<PatchOperation>();
        var index = 0;
        foreach (var operation in operations.EnumerateArray())
        {
            index++;
            if (operation.ValueKind != JsonValueKind.Object)
                throw ScimException.InvalidSyntax($"Operation {index} must be an object.");
            var op = operation.TryGet("op", out var opValue) && opValue.ValueKind == JsonValueKind.String ? opValue.GetString() : null;
            var kind = op?.ToLowerInvariant() switch
            {
                "add" => PatchOpKind.Add,
                "remove" => PatchOpKind.Remove,
                "replace" => PatchOpKind.Replace,
                _ => throw ScimException.InvalidSyntax($"Operation {index}: 'op' must be add, remove or replace."),
            };
            string? path = null;
            if (operation.TryGet("path", out var pathValue) && pathValue.ValueKind != JsonValueKind.Null)
            {
                if (pathValue.ValueKind != JsonValueKind.String)
                    throw ScimException.InvalidPath($"Operation {index}: 'path' must be a string.");
                path = string.IsNullOrWhiteSpace(pathValue.GetString()) ? null : pathValue.GetString()!.Trim();
            }
            var hasValue = operation.TryGet("value", out var value);
            var parsed = new PatchOperation(index, kind, path, hasValue ? value.Clone() : default, hasValue);
            if (kind == PatchOpKind.Remove && path is null)
                throw ScimException.NoTarget($"Operation {index}: remove needs a 'path'.");
            if (kind != PatchOpKind.Remove && !hasValue)
                throw ScimException.InvalidValue($"{parsed.Where}: 'value' is required.");
            if (kind != PatchOpKind.Remove && path is null && value.ValueKind != JsonValueKind.Object)
                throw ScimException.InvalidValue($"{parsed.Where}: without a path, 'value' must be an object of attributes.");
            result.Add(parsed);
        }
        return result;
    }
}

/// <summary>
/// One operation on one attribute: the path resolved against the schema, an optional value filter
/// (<c>emails[type eq "work"]</c>) and the item sub-attribute after it (<c>.value</c>).
/// </summary>
public sealed record PatchStep(PatchOpKind Op, ResolvedPath Target, FilterNode? Filter, AttributeDef? ItemSub, JsonElement Value, bool HasValue, string Where)
{
    public AttributeDef Attribute => Target.Attribute;

    /// <summary>
    /// Runs <paramref name="apply"/> on this step and names the operation in any error it raises: the value
    /// conversions (ScimValues, GroupMembers.Parse) know the attribute, not which of the request's operations sent it.
    /// </summary>
    public void Run(Action apply)
    {
        try
        {
            apply();
        }
        catch (ScimException ex) when (!ex.Message.StartsWith(Where, StringComparison.Ordinal))
        {
            throw new ScimException(ex.Status, ex.ScimType, $"{Where}: {ex.Message}") { RetryAfterSeconds = ex.RetryAfterSeconds };
        }
    }

    /// <summary>
    /// Expands operations into steps: a path-less value object becomes one step per attribute, with dotted keys
    /// (<c>"name.givenName"</c>) and URN-qualified keys as Entra's aadOptscim062020 dialect sends them. Unknown keys in a
    /// value object are ignored like unknown attributes in a POST; an unknown path is 400 invalidPath.
    /// </summary>
    public static IEnumerable<PatchStep> Plan(ResourceTypeDef type, IReadOnlyList<PatchOperation> operations, Guid resourceId)
    {
        foreach (var operation in operations)
        {
            if (operation.Path is null)
            {
                foreach (var step in FromValueObject(type, operation, operation.Value, null, resourceId))
                    yield return step;
                continue;
            }
            var extension = type.Extensions.FirstOrDefault(e => string.Equals(e.Id, operation.Path, StringComparison.OrdinalIgnoreCase));
            if (extension is not null)
            {
                if (operation.Op == PatchOpKind.Remove)
                {
                    foreach (var attribute in extension.Attributes.Where(a => a.Mutability != Mutability.ReadOnly))
                        yield return new PatchStep(PatchOpKind.Remove, new ResolvedPath(extension, attribute, null), null, null, default, false, operation.Where);
                    continue;
                }
                if (operation.Value.ValueKind != JsonValueKind.Object)
                    throw ScimException.InvalidValue($"{operation.Where}: the value of an extension must be an object.");
                foreach (var step in FromValueObject(type, operation, operation.Value, extension, resourceId))
                    yield return step;
                continue;
            }
            if (Undeclared(type, operation.Path))
                continue;
            yield return FromPath(type, operation, operation.Path, operation.Value, operation.HasValue);
        }
    }

    static IEnumerable<PatchStep> FromValueObject(ResourceTypeDef type, PatchOperation operation, JsonElement value, SchemaDef? within, Guid resourceId)
    {
        foreach (var property in value.EnumerateObject())
        {
            var name = property.Name;
            if (within is null)
            {
                if (name.Equals("schemas", StringComparison.OrdinalIgnoreCase) || name.Equals("meta", StringComparison.OrdinalIgnoreCase))
                    continue;
                // Okta sends the group's own id with every rename: harmless when it is this resource's id.
                if (name.Equals("id", StringComparison.OrdinalIgnoreCase))
                {
                    if (property.Value.ValueKind == JsonValueKind.String && Guid.TryParse(property.Value.GetString(), out var id) && id == resourceId)
                        continue;
                    throw ScimException.Mutability($"{operation.Where}: 'id' is readOnly.");
                }
                var extension = type.Extensions.FirstOrDefault(e => string.Equals(e.Id, name, StringComparison.OrdinalIgnoreCase));
                if (extension is not null)
                {
                    if (property.Value.ValueKind != JsonValueKind.Object)
                        throw ScimException.InvalidValue($"{operation.Where}: '{name}' must be an object.");
                    foreach (var step in FromValueObject(type, operation, property.Value, extension, resourceId))
                        yield return step;
                    continue;
                }
            }
            var path = within is null ? name : $"{within.Id}:{name}";
            if (Undeclared(type, path) || (type.Resolve(path) is null && !path.Contains('[')))
                continue;
            yield return FromPath(type, operation, path, property.Value, true);
        }
    }

    /// <summary>
    /// A path under an extension URN this type does not declare: ignored, and reported (ScimLite/Extensions). A path
    /// that starts with a schema of this type is never one, even when it does not resolve (<c>urn:…:2.0:User.costCode</c>,
    /// a dot for the colon): it names a schema ScimLite has, so it is resolved, and 400 invalidPath when that fails.
    /// </summary>
    static bool Undeclared(ResourceTypeDef type, string path)
    {
        if (ScimUrns.UrnOf(path) is not { } urn ||
            type.AllSchemas.Any(s => path.StartsWith(s.Id, StringComparison.OrdinalIgnoreCase) &&
                                     (path.Length == s.Id.Length || path[s.Id.Length] is ':' or '.' or '[')))
            return false;
        type.IgnoreExtension(urn);
        return true;
    }

    static PatchStep FromPath(ResourceTypeDef type, PatchOperation operation, string path, JsonElement value, bool hasValue)
    {
        PatchPath parsed;
        try
        {
            parsed = PathParser.Parse(path);
        }
        catch (ScimException ex)
        {
            // Keeps the parser's scimType: invalidPath for the path, invalidFilter inside its brackets (RFC 7644 Table 9).
            throw new ScimException(ex.Status, ex.ScimType, $"{operation.Where}: {ex.Message}");
        }
        var resolved = type.Resolve(parsed.Attribute.FullPath)
            ?? throw ScimException.InvalidPath($"{operation.Where}: '{parsed.Attribute.FullPath}' is not an attribute of {type.Name}.");
        AttributeDef? itemSub = null;
        if (parsed.SubAttribute is not null)
        {
            if (resolved.Sub is not null)
                throw ScimException.InvalidPath($"{operation.Where}: '{path}' has two sub-attributes.");
            itemSub = resolved.Attribute.Sub(parsed.SubAttribute)
                ?? throw ScimException.InvalidPath($"{operation.Where}: '{parsed.SubAttribute}' is not a sub-attribute of {resolved.Attribute.Name}.");
        }
        if (parsed.ValueFilter is not null && !resolved.Attribute.MultiValued)
            throw ScimException.InvalidPath($"{operation.Where}: a [filter] applies only to multi-valued attributes.");
        if (resolved.Sub is not null && resolved.Attribute.MultiValued)
        {
            // emails.value: the sub-attribute of every item.
            itemSub = resolved.Sub;
            resolved = resolved with { Sub = null };
        }
        return new PatchStep(operation.Op, resolved, parsed.ValueFilter, itemSub, value, hasValue, operation.Where);
    }
}
