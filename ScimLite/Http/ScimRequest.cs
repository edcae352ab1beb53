using ScimLite.Data;
using ScimLite.Scim;
using ScimLite.Scim.Patch;
using ScimLite.Scim.Schema;
using ScimLite.Store;

namespace ScimLite.Http;

/// <summary>
/// What every SCIM handler needs from its request, bound once with <c>[AsParameters]</c>: the resource id of the route,
/// the If-Match version, the return preference, the projection, the base URL of response URLs, and who writes.
/// </summary>
public sealed class ScimRequest
{
    /// <summary>The <c>{id}</c> of the route; null on routes without one.</summary>
    public string? Id { get; init; }

    public required HttpContext Context { get; init; }

    public HttpRequest Http => Context.Request;

    public CancellationToken Aborted => Context.RequestAborted;

    /// <summary>The SCIM base URL for response URLs (see <see cref="ScimHttp.BaseUrl"/>).</summary>
    public string BaseUrl => baseUrl ??= ScimHttp.BaseUrl(Http);

    string? baseUrl;

    /// <summary>The version an If-Match header requires, or null.</summary>
    public long? IfMatch => ScimHttp.IfMatchVersion(Http);

    /// <summary>Who writes, for the journal.</summary>
    public WriteContext Writer => WriteContext.Of(Context);

    /// <summary>The route's id as a resource of <paramref name="type"/>: anything but a UUID names none (404).</summary>
    public Guid ResourceId(ResourceTypeDef type) => ScimHttp.ParseId(Id ?? "", type.Name);

    /// <summary>The attributes the response carries (<c>attributes</c>, <c>excludedAttributes</c>).</summary>
    public Projection Projection(ResourceTypeDef type) =>
        Scim.Projection.From(type, Http.Query["attributes"].ToString(), Http.Query["excludedAttributes"].ToString());

    /// <summary>Whether the request names attributes to return (then a write answers with them, whatever its default).</summary>
    public bool AsksForAttributes => Http.Query.ContainsKey("attributes") || Http.Query.ContainsKey("excludedAttributes");

    /// <summary>
    /// The PATCH body (RFC 7644 §3.5.2) planned against <paramref name="map"/>: every operation becomes part of one
    /// update, each checked as it is planned (all or nothing); nothing runs yet.
    /// </summary>
    public async Task<UpdatePlan> ReadPatchAsync(ResourceMap map, Guid id, ScimOptions options)
    {
        using var body = await ScimJson.ReadObjectAsync(Http, Aborted);
        var operations = PatchRequest.Parse(body.RootElement, options.MaxOperations);
        var plan = new UpdatePlan(map, options.MaxPatchArraySteps);
        foreach (var step in PatchStep.Plan(map.Type, operations, id))
            step.Run(() => plan.Apply(step));
        return plan;
    }

    /// <summary>A POST or PUT body read into the columns <paramref name="map"/> keeps it in, with the parsed body.</summary>
    public async Task<ColumnSet> ReadResourceAsync(ResourceMap map, Action<System.Text.Json.JsonElement>? alsoRead = null)
    {
        using var body = await ScimJson.ReadObjectAsync(Http, Aborted);
        var columns = ResourceReader.Read(map, body.RootElement);
        alsoRead?.Invoke(body.RootElement);
        return columns;
    }
}
