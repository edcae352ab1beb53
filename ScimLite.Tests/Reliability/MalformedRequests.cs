using System.Net.Http.Headers;
using System.Text;
using ScimLite.Tests.Infrastructure;
using static ScimLite.Tests.Reliability.FuzzValues;

namespace ScimLite.Tests.Reliability;

/// <summary>
/// Generates hostile requests across every SCIM endpoint: broken and deeply nested JSON, invalid UTF-8, wrong types in
/// every attribute, random PATCH operations, random filters, wrong Content-Type and If-Match headers, odd ids and
/// paths, and now and then a bad Authorization header. Deterministic for a seed.
/// </summary>
public sealed class MalformedRequests(Random random, string token, IReadOnlyList<string> userIds, IReadOnlyList<string> groupIds)
{
    const string Base = "/scim/v2";
    const string PatchOpUrn = HttpExtensions.PatchOpSchema;

    readonly FuzzValues values = new(random);

    /// <summary>The next request, and a short description for failure messages.</summary>
    public (HttpRequestMessage Request, string Description) Next()
    {
        var (method, path, body) = values.Next(10) switch
        {
            0 or 1 => (Pick("POST", "PUT"), Resource(withId: values.Chance(0.5)), (object?)ResourceBody()),
            2 or 3 => ("PATCH", Resource(withId: true), PatchBody()),
            4 => ("GET", $"{Pick("Users", "Groups")}?{ListQuery()}", null),
            5 => ("POST", $"{Pick("Users/.search", "Groups/.search", ".search")}", SearchBody()),
            6 => (Pick("GET", "DELETE"), Resource(withId: true) + (values.Chance(0.3) ? $"?{ListQuery()}" : ""), null),
            7 => (Pick("POST", "PUT", "PATCH"), Resource(withId: values.Chance(0.7)), GarbageBody()),
            8 => (Pick("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"), OddPath(), values.Chance(0.5) ? GarbageBody() : null),
            _ => ("GET", Pick("ServiceProviderConfig", "Schemas", "ResourceTypes", "ResourceTypes/User", "Schemas/urn:bogus",
                "ServiceProviderConfig?filter=x", "Schemas?attributes=id"), null),
        };
        var request = new HttpRequestMessage(new HttpMethod(method), $"{Base}/{path}");
        if (body is not null)
            request.Content = Content(body);
        AddHeaders(request);
        var shown = body switch { string text => Shorten(text), byte[] bytes => $"{bytes.Length} bytes", _ => "" };
        return (request, $"{method} {Shorten(path)} {shown}");
    }

    string Pick(params string[] items) => values.Pick(items);

    string Resource(bool withId) => Pick("Users", "Groups") + (withId ? "/" + Id() : "");

    string Id() => values.Next(10) switch
    {
        < 4 when userIds.Count > 0 => values.Pick(userIds),
        < 6 when groupIds.Count > 0 => values.Pick(groupIds),
        6 => values.Uuid().ToString(),
        7 => Uri.EscapeDataString(Pick("..", "../../etc/passwd", "' OR 1=1 --", "1", "null", "ü", new string('9', 5000), "{" + values.Uuid() + "}")),
        8 => Pick("%2e%2e%2f%2e%2e%2fetc%2fpasswd", "..%2f..%2f", "%252e%252e", "00000000-0000-0000-0000-000000000000"),
        _ => values.Uuid().ToString("N"),
    };

    string OddPath() => Pick(
        "Bulk", "Me", "", "Nope", "Users/", "Users//x", $"Users/{Id()}/extra", $"Groups/{Id()}/members", "users", "GROUPS",
        "Users/.search/x", "Schemas/" + Uri.EscapeDataString(values.Pick(UserAttributes)), $"ResourceTypes/{Id()}", "..%2f..%2f");

    /// <summary>A user or group that is mostly right with one to three attributes set to random values.</summary>
    string ResourceBody()
    {
        var members = new Dictionary<string, string>
        {
            ["schemas"] = values.Chance(0.9) ? "[\"urn:ietf:params:scim:schemas:core:2.0:User\",\"urn:ietf:params:scim:schemas:core:2.0:Group\"]" : values.Value(),
            ["userName"] = Quote($"fuzz-{values.Next(400)}@example.com"),
            ["displayName"] = Quote($"Fuzz {values.Next(400)}"),
        };
        if (values.Chance(0.4))
            members["members"] = "[" + string.Join(",", Enumerable.Range(0, values.Next(4)).Select(_ => $"{{\"value\":{MemberValue()}}}")) + "]";
        for (var i = values.Next(1, 4); i > 0; i--)
            members[values.Pick(UserAttributes)] = values.Value();
        return "{" + string.Join(",", members.Select(m => $"{Quote(m.Key)}:{m.Value}")) + "}";
    }

    string MemberValue() => values.Next(4) switch
    {
        0 when userIds.Count > 0 => Quote(values.Pick(userIds)),
        1 when groupIds.Count > 0 => Quote(values.Pick(groupIds)),
        _ => values.Value(1),
    };

    string PatchBody()
    {
        var operations = values.Chance(0.02)
            ? string.Join(",", Enumerable.Range(0, 1500).Select(_ => "{\"op\":\"replace\",\"path\":\"title\",\"value\":\"t\"}"))
            : string.Join(",", Enumerable.Range(0, values.Next(1, 5)).Select(_ => Operation()));
        var schemas = values.Chance(0.9) ? $"[\"{PatchOpUrn}\"]" : values.Value(1);
        var key = values.Chance(0.9) ? "Operations" : Pick("operations", "Ops", "Operation");
        return values.Chance(0.05) ? $"{{\"schemas\":{schemas},\"{key}\":{values.Value()}}}" : $"{{\"schemas\":{schemas},\"{key}\":[{operations}]}}";
    }

    string Operation()
    {
        var parts = new List<string> { $"\"op\":{(values.Chance(0.85) ? Quote(Pick("add", "remove", "replace", "Add", "Replace", "REMOVE")) : values.Value(0))}" };
        if (values.Chance(0.8))
            parts.Add($"\"path\":{(values.Chance(0.9) ? Quote(values.Path()) : values.Value(0))}");
        if (values.Chance(0.85))
            parts.Add($"\"value\":{(values.Chance(0.3) ? $"[{{\"value\":{MemberValue()}}}]" : values.Value())}");
        return "{" + string.Join(",", parts) + "}";
    }

    string ListQuery()
    {
        var query = new List<string>();
        if (values.Chance(0.7)) query.Add("filter=" + Uri.EscapeDataString(values.Filter()));
        if (values.Chance(0.3)) query.Add("sortBy=" + Uri.EscapeDataString(values.Path()));
        if (values.Chance(0.2)) query.Add("sortOrder=" + Pick("ascending", "descending", "DESC", "sideways", ""));
        if (values.Chance(0.3)) query.Add("startIndex=" + values.QueryNumber());
        if (values.Chance(0.3)) query.Add("count=" + values.QueryNumber());
        if (values.Chance(0.2)) query.Add("attributes=" + Uri.EscapeDataString(values.AttributeList()));
        if (values.Chance(0.2)) query.Add("excludedAttributes=" + Uri.EscapeDataString(values.AttributeList()));
        if (values.Chance(0.1)) query.Add("cursor=" + Uri.EscapeDataString(values.Chance(0.5) ? "" : values.String().Trim('"')));
        return string.Join("&", query);
    }

    string SearchBody()
    {
        var members = new List<string> { "\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:SearchRequest\"]" };
        if (values.Chance(0.8)) members.Add($"\"filter\":{(values.Chance(0.8) ? Quote(values.Filter()) : values.Value(1))}");
        if (values.Chance(0.3)) members.Add($"\"sortBy\":{values.Value(1)}");
        if (values.Chance(0.3)) members.Add($"\"startIndex\":{values.Value(0)}");
        if (values.Chance(0.3)) members.Add($"\"count\":{values.Value(0)}");
        if (values.Chance(0.3)) members.Add($"\"attributes\":{values.Value(1)}");
        return "{" + string.Join(",", members) + "}";
    }

    /// <summary>Bodies that are not JSON objects at all, or not valid JSON, or not valid UTF-8.</summary>
    object GarbageBody() => values.Next(12) switch
    {
        0 => "",
        1 => "{",
        2 => "{\"userName\": \"x\",}",
        3 => new string('[', 5000) + new string(']', 5000),
        4 => "{\"a\":" + string.Concat(Enumerable.Repeat("{\"a\":", 40)) + "1" + new string('}', 41),
        5 => values.Value(),
        6 => (byte[])[.. "{\"userName\":\""u8, 0xFF, 0xFE, 0xC0, 0x80, .. "\"}"u8],
        7 => (byte[])[0xEF, 0xBB, 0xBF, .. "{\"userName\":\"bom@example.com\"}"u8],
        8 => Encoding.Latin1.GetBytes("{\"userName\":\"caf\u00e9@example.com\",\"displayName\":\"\u00e9\"}"),
        9 => "{\"userName\":\"dup@example.com\",\"userName\":{\"x\":1}}",
        10 => "<xml/>",
        _ => "{\"schemas\":[],\"userName\":" + new string('1', 400) + "}",
    };

    HttpContent Content(object body)
    {
        var content = body is byte[] bytes ? new ByteArrayContent(bytes) : new ByteArrayContent(Encoding.UTF8.GetBytes((string)body));
        var contentType = values.Next(10) switch
        {
            < 6 => "application/scim+json",
            6 => "application/json; charset=utf-8",
            7 => null,
            _ => Pick("text/plain", "application/xml", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded",
                "garbage", "application/scim+json; charset=iso-8859-1", "application/json;;;", "*/*"),
        };
        if (contentType is not null)
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return content;
    }

    void AddHeaders(HttpRequestMessage request)
    {
        request.Headers.Authorization = values.Next(20) switch
        {
            0 => null,
            1 => new AuthenticationHeaderValue("Bearer", "wrong-" + values.Next(100)),
            2 => new AuthenticationHeaderValue(Pick("Basic", "bearer", "Token"), token),
            _ => new AuthenticationHeaderValue("Bearer", token),
        };
        if (values.Chance(0.15))
            request.Headers.TryAddWithoutValidation("If-Match", Pick("W/\"1\"", "\"1\"", "*", "garbage", "W/\"99999999999999999999\"", "W/\"-5\"", "\"1\", \"2\"", "W/", ""));
        if (values.Chance(0.1))
            request.Headers.TryAddWithoutValidation("If-None-Match", Pick("W/\"1\"", "*", "x", "W/\"2\", W/\"1\""));
        if (values.Chance(0.05))
            request.Headers.TryAddWithoutValidation("Accept", Pick("text/html", "application/xml", "*/*", "application/scim+json;q=0"));
    }

    static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + $"… ({text.Length} chars)";
}
