using ScimLite.Doctor;
using ScimLite.Tests.Infrastructure;

namespace ScimLite.Tests.Doctor;

/// <summary>The doctor's pure URL rules.</summary>
public sealed class DoctorUrlTests
{
    [Theory]
    [InlineData("https://scim.example.com/scim/v2", null)]
    [InlineData("https://scim.example.com/scim/v2/", null)]
    [InlineData("https://scim.example.com/app/scim/v2", null)]
    [InlineData("https://scim.example.com", "/scim/v2 is missing")]
    [InlineData("https://scim.example.com/scim", "/scim/v2 is missing")]
    [InlineData("https://scim.example.com/scim/v2/scim/v2", "/scim/v2 is doubled")]
    public void BasePathHint_NamesMissingOrDoubledScimV2(string url, string? hint)
    {
        var said = DoctorRun.BasePathHint(new Uri(url));

        if (hint is null)
            Assert.Null(said);
        else
            Assert.StartsWith(hint, said);
    }

    [Theory]
    [InlineData("https://scim.example.com/scim/v2/Users/1", true)]
    [InlineData("https://SCIM.example.com/scim/v2/Users/1", true)]
    [InlineData("https://scim.example.com:443/scim/v2", true)]
    [InlineData("http://scim.example.com/scim/v2/Users/1", false)]
    [InlineData("https://scim.internal:8080/scim/v2/Users/1", false)]
    [InlineData("https://scim.example.com/scim/v2x/Users/1", false)]
    [InlineData("https://scim.example.com/other/scim/v2/Users/1", false)]
    [InlineData($"{Urls.Users}/1", false)]
    public void StartsWithBase_ComparesSchemeHostPortAndPathPrefix(string url, bool expected) =>
        Assert.Equal(expected, PublicUrlCheck.StartsWithBase(url, "https://scim.example.com/scim/v2"));
}
