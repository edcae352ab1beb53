using ScimLite.Scim;

namespace ScimLite.Groups;

public static class GroupPatch
{
    public static Task<IResult> Handle(string id, HttpRequest request, CancellationToken ct) =>
        throw new ScimException(501, null, "PATCH is being wired.");
}
