using System.Text;

namespace ScimLite.Hosting;

/// <summary>
/// Text a client chose (a path, an extension URN), made safe for a log line: control characters — a newline that
/// would forge a second entry, an escape sequence that would repaint a terminal — are written as <c>\n</c>,
/// <c>\r</c>, <c>\t</c> or <c>\u001b</c>, and a backslash as <c>\\</c> so the escape cannot be faked either.
/// </summary>
public static class LogText
{
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return text ?? "";
        if (!text.Any(c => char.IsControl(c) || c == '\\'))
            return text;
        var escaped = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            escaped.Append(c switch
            {
                '\\' => @"\\",
                '\n' => @"\n",
                '\r' => @"\r",
                '\t' => @"\t",
                _ when char.IsControl(c) => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }
        return escaped.ToString();
    }
}
