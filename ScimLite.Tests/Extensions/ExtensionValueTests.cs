using System.Diagnostics;
using System.Text.Json;
using ScimLite.Scim;
using ScimLite.Scim.Schema;
using ScimLite.Store.Kinds;
using Xunit.Abstractions;

namespace ScimLite.Tests.Extensions;

/// <summary>The value checks of custom attributes (<see cref="ExtensionValues.ToJson"/>): strict types, items capped and de-duplicated.</summary>
public class ExtensionValueTests(ITestOutputHelper output)
{
    const string Urn = ExtensionHost.Acme;

    static AttributeDef Attribute(AttrType type, bool multiValued = false) =>
        new("attr", type) { MultiValued = multiValued, ExtensionUrn = Urn };

    static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    static string? Convert(AttrType type, string json, bool multiValued = false, ValueLimits? limits = null) =>
        ExtensionValues.ToJson(Attribute(type, multiValued), Json(json), $"{Urn}:attr", limits ?? ValueLimits.Default)?.ToJsonString();

    [Theory]
    [InlineData(AttrType.String, "\"C-17\"", "\"C-17\"")]
    [InlineData(AttrType.String, "\"\"", null)]
    [InlineData(AttrType.String, "null", null)]
    [InlineData(AttrType.Reference, "\"https://example.com/a\"", "\"https://example.com/a\"")]
    [InlineData(AttrType.Boolean, "true", "true")]
    [InlineData(AttrType.Boolean, "false", "false")]
    [InlineData(AttrType.Boolean, "\"True\"", "true")] // Entra's default PATCH dialect
    [InlineData(AttrType.Boolean, "\"FALSE\"", "false")]
    [InlineData(AttrType.Integer, "42", "42")]
    [InlineData(AttrType.Integer, "-7", "-7")]
    [InlineData(AttrType.Integer, "\"42\"", "42")]
    [InlineData(AttrType.Decimal, "4.25", "4.25")]
    [InlineData(AttrType.Decimal, "\"4.25\"", "4.25")]
    [InlineData(AttrType.DateTime, "\"2024-02-01T09:00:00Z\"", "\"2024-02-01T09:00:00Z\"")]
    public void Accepted_InTheDeclaredType(AttrType type, string sent, string? stored) =>
        Assert.Equal(stored, Convert(type, sent));

    [Theory]
    [InlineData(AttrType.String, "42")]
    [InlineData(AttrType.String, "4.2")]
    [InlineData(AttrType.String, "true")]
    [InlineData(AttrType.String, "{\"a\":1}")]
    [InlineData(AttrType.Reference, "7")]
    [InlineData(AttrType.Boolean, "\"yes\"")]
    [InlineData(AttrType.Boolean, "\" true\"")]
    [InlineData(AttrType.Boolean, "\"1\"")]
    [InlineData(AttrType.Boolean, "1")]
    [InlineData(AttrType.Integer, "4.2")]
    [InlineData(AttrType.Integer, "4.0")]
    [InlineData(AttrType.Integer, "\"4.2\"")]
    [InlineData(AttrType.Integer, "\" 42\"")]
    [InlineData(AttrType.Integer, "\"abc\"")]
    [InlineData(AttrType.Integer, "true")]
    [InlineData(AttrType.Integer, "1e3")]
    [InlineData(AttrType.Decimal, "\"4,2\"")]
    [InlineData(AttrType.Decimal, "\" 4.2 \"")]
    [InlineData(AttrType.DateTime, "\"yesterday\"")]
    [InlineData(AttrType.DateTime, "20240201")]
    public void WrongType_Is400InvalidValue_NamingTheAttribute(AttrType type, string sent)
    {
        var error = Assert.Throws<ScimException>(() => Convert(type, sent));
        Assert.Equal((400, "invalidValue"), (error.Status, error.ScimType));
        Assert.Contains($"{Urn}:attr", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(AttrType.String, "[\"a\", 1]")]
    [InlineData(AttrType.Integer, "[1, 2.5]")]
    [InlineData(AttrType.String, "[[\"a\"]]")]
    public void MultiValued_AnyItemOfTheWrongType_Is400(AttrType type, string sent) =>
        Assert.Equal("invalidValue", Assert.Throws<ScimException>(() => Convert(type, sent, multiValued: true)).ScimType);

    [Theory]
    [InlineData(AttrType.String, "[\"a\",\"b\",\"a\",\"\",null,\"b\"]", "[\"a\",\"b\"]")]
    [InlineData(AttrType.String, "\"solo\"", "[\"solo\"]")]
    [InlineData(AttrType.String, "[]", null)]
    [InlineData(AttrType.Integer, "[3, 1, 3, \"1\"]", "[3,1]")]
    [InlineData(AttrType.Decimal, "[1.0, 1.00, 2]", "[1.0,2]")]
    [InlineData(AttrType.Boolean, "[true, \"True\", false]", "[true,false]")]
    public void MultiValued_RepeatedItemsAreDropped_InOrder(AttrType type, string sent, string? stored) =>
        Assert.Equal(stored, Convert(type, sent, multiValued: true));

    [Fact]
    public void MultiValued_OverTheItemLimit_Is400NamingTheLimit()
    {
        var limits = new ValueLimits(MaxItems: 3, MaxExtensionBytes: 0);
        Assert.Equal("[\"a\",\"b\",\"c\"]", Convert(AttrType.String, "[\"a\",\"b\",\"c\"]", multiValued: true, limits));

        var error = Assert.Throws<ScimException>(() => Convert(AttrType.String, "[\"a\",\"b\",\"c\",\"a\"]", multiValued: true, limits));
        Assert.Equal("invalidValue", error.ScimType);
        Assert.Contains("Scim:MaxMultiValuedItems", error.Message, StringComparison.Ordinal);
        Assert.Contains($"{Urn}:attr", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultLimits_AreTheDocumentedOnes() =>
        Assert.Equal(new ValueLimits(1000, 64 * 1024), ValueLimits.Default);

    /// <summary>
    /// 200,000 distinct items (with the item limit lifted) convert in one pass: repeated items are found by a hash set,
    /// not by comparing each item with every other (50,000 items took 14.6 s that way). Timing is printed, not asserted;
    /// the HTTP test in ExtensionLimitTests holds the deadline.
    /// </summary>
    [Fact]
    public void ManyItems_ConvertInOnePass()
    {
        var items = string.Join(",", Enumerable.Range(0, 200_000).Select(i => $"\"b{i}\""));
        var clock = Stopwatch.StartNew();
        var stored = ExtensionValues.ToJson(Attribute(AttrType.String, multiValued: true), Json($"[{items},\"b7\"]"), "badges", new ValueLimits(0, 0));
        output.WriteLine($"200,001 items (one repeated) converted in {clock.ElapsedMilliseconds} ms");
        Assert.Equal(200_000, stored!.AsArray().Count);
    }
}
