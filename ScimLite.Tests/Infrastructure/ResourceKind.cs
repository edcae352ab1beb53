using System.Text.Json;

namespace ScimLite.Tests.Infrastructure;

/// <summary>
/// Users or Groups, for the suites where both resource types must behave alike: a [Theory] row names the type
/// (<c>"User"</c> or <c>"Group"</c>, readable in the test name) and the test takes what differs from here.
/// </summary>
public sealed record ResourceKind(string Name, string Url, string Schema, string NameAttribute, string Table)
{
    public static readonly ResourceKind User = new("User", Urls.Users, ResourceRequests.UserUrn, "userName", "users");
    public static readonly ResourceKind Group = new("Group", Urls.Groups, ResourceRequests.GroupUrn, "displayName", "groups");

    /// <summary>Both types, as [MemberData] rows.</summary>
    public static TheoryData<string> Both => [User.Name, Group.Name];

    /// <summary>Every value for each type, as [MemberData] rows: the same behaviour asked of Users and of Groups.</summary>
    public static TheoryData<string, T> BothWith<T>(params T[] values)
    {
        var rows = new TheoryData<string, T>();
        foreach (var kind in new[] { User, Group })
        {
            foreach (var value in values)
                rows.Add(kind.Name, value);
        }
        return rows;
    }

    public static ResourceKind Of(string name) =>
        name == User.Name ? User : name == Group.Name ? Group : throw new ArgumentOutOfRangeException(nameof(name), name, "User or Group");

    /// <summary>The URL of one resource of this type.</summary>
    public string UrlOf(object? id) => $"{Url}/{id}";

    /// <summary>A valid name made from a word: an email-shaped userName, or the word itself as a displayName.</summary>
    public string NameFor(string word) => Name == User.Name ? $"{word}@example.com" : word;

    /// <summary>The smallest valid body: the core schema and the name attribute (null is sent as JSON null).</summary>
    public Dictionary<string, object?> Body(string? name) => new() { ["schemas"] = new[] { Schema }, [NameAttribute] = name };

    /// <summary>A PatchOp that renames the resource, valid for any existing one.</summary>
    public string RenamePatch(string word) => HttpExtensions.PatchOp(new { op = "replace", path = NameAttribute, value = NameFor(word) });

    /// <summary>POSTs the smallest valid body with this name; asserts 201 and returns the resource.</summary>
    public Task<JsonElement> CreateAsync(HttpClient client, string name) => client.CreateAsync(Url, Body(name));

    public override string ToString() => Name;
}
