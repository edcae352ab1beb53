using ScimLite.Journal;

namespace ScimLite.Tests.Journal;

/// <summary>How the <c>journal</c> command's table summarises each shape of <c>changes</c>.</summary>
public class JournalFormatTests
{
    [Theory]
    [InlineData("""{"title": {"old": "Pilot", "new": "Captain"}}""", "title: \"Pilot\" → \"Captain\"")]
    [InlineData("""{"password": "set", "active": {"new": true}}""", "password set; active: null → true")]
    [InlineData("""{"emails": {"added": [{"value": "a@example.com", "type": "work"}], "removed": [{"value": "b@example.com"}]}}""",
        "emails: +a@example.com, -b@example.com")]
    [InlineData("""{"urn:x:User:badges": {"added": ["gold"], "removed": [], "more_added": 3}}""", "urn:x:User:badges: +gold … (3 more)")]
    [InlineData("""{"roles": {"added": [], "removed": []}}""", "roles: order changed")]
    [InlineData("""{"added": [{"value": "1", "type": "User", "display": "alice"}], "more_added": 9500, "truncated": true, "original_bytes": 2090000}""",
        "+alice … (9500 more); (truncated, 2090000 bytes in full)")]
    [InlineData("""{"title": {"new": "xxx", "truncated": true}, "truncated": true, "original_bytes": 70000}""",
        "title: null → \"xxx\" (cut); (truncated, 70000 bytes in full)")]
    public void Summary_NamesEachChange(string changes, string expected) =>
        Assert.Equal(expected, JournalFormat.Summary(changes));
}
