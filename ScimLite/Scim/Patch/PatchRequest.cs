using System.Text.Json;
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
