using System.Net;
using ScimLite.Tests.Infrastructure;
using static ScimLite.Tests.Infrastructure.HttpExtensions;
using static ScimLite.Tests.Infrastructure.ResourceRequests;

namespace ScimLite.Tests.Groups;

/// <summary>
/// Bad requests only /Groups can get: the right status and SCIM error body, and nothing written. What holds for users
/// and groups alike is in ResourceErrorTests.
/// </summary>
public class GroupErrorTests(ScimApp app) : ScimTest(app)
{
    [Theory]
    [InlineData("not-a-uuid")]
    [InlineData("")]
    public async Task Patch_AddMemberWithNonUuidValue_Returns400InvalidValue(string value)
    {
        var user = await Client.CreateUserAsync("member@example.com");
        var group = await Client.CreateGroupAsync("Existing", user.Id());
        var before = await App.SnapshotAsync();

        using var response = await Client.PatchScimAsync(Urls.Group(group.Id()),
            PatchOp(new { op = "add", path = "members", value = new[] { new { value } } }));

        await response.AssertScimErrorAsync(HttpStatusCode.BadRequest, "invalidValue");
        Assert.Equal(before, await App.SnapshotAsync());
    }
}
