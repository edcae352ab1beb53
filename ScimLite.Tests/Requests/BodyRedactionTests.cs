using ScimLite.Requests;

namespace ScimLite.Tests.Requests;

/// <summary>What of a request body the request log keeps.</summary>
public class BodyRedactionTests
{
    static string Store(string body) => BodyRedaction.Store(System.Text.Encoding.UTF8.GetBytes(body)).Text;

    [Theory]
    [InlineData("""{"userName":"a","password":"x"}""", """{"userName":"a","password":"[redacted]"}""")]
    [InlineData("""{"Password":{"nested":"x"},"a":[{"clientSecret":"s"},{"b":1}]}""", """{"Password":"[redacted]","a":[{"clientSecret":"[redacted]"},{"b":1}]}""")]
    [InlineData("""{"Operations":[{"op":"replace","path":"password","value":"x"}]}""", """{"Operations":[{"op":"replace","path":"password","value":"[redacted]"}]}""")]
    [InlineData("""{"Operations":[{"op":"replace","value":{"password":"x","title":"t"}}]}""", """{"Operations":[{"op":"replace","value":{"password":"[redacted]","title":"t"}}]}""")]
    [InlineData("""{"Operations":[{"op":"add","path":"urn:x:User:apiToken","value":["x"]}]}""", """{"Operations":[{"op":"add","path":"urn:x:User:apiToken","value":"[redacted]"}]}""")]
    [InlineData("""{"Operations":[{"op":"replace","path":"title","value":"é+<"}]}""", """{"Operations":[{"op":"replace","path":"title","value":"é+<"}]}""")]
    [InlineData("""{"password":"a","password":"b"}""", "[not JSON, 31 bytes]")]
    [InlineData("password=x", "[not JSON, 10 bytes]")]
    [InlineData("""{"userName":"\ud800"}""", "[not JSON, 21 bytes]")]
    [InlineData("""{"a":1""", "[not JSON, 6 bytes]")]
    public void Store_RedactsSecretsAtAnyDepth(string body, string stored) => Assert.Equal(stored, Store(body));

    [Fact]
    public void Store_LongBody_IsCutAfterRedaction_WithItsSize()
    {
        var body = $$"""{"password":"x","title":"{{new string('a', 100_000)}}"}""";

        var stored = BodyRedaction.Store(System.Text.Encoding.UTF8.GetBytes(body));

        Assert.True(stored.Truncated);
        Assert.Equal((BodyRedaction.MaxChars, body.Length), (stored.Text.Length, stored.Bytes));
        Assert.StartsWith("""{"password":"[redacted]","title":"aaa""", stored.Text);
    }

    [Theory]
    [InlineData("4xx", 400, 499)]
    [InlineData("5XX", 500, 599)]
    [InlineData("409", 409, 409)]
    public void ParseStatus_ClassOrOne(string text, int from, int to) => Assert.Equal((from, to), RequestsCommand.ParseStatus(text));

    [Theory]
    [InlineData("200")]
    [InlineData("4x")]
    [InlineData("x")]
    public void ParseStatus_RefusesOthers(string text) => Assert.Null(RequestsCommand.ParseStatus(text));
}
