using System.Text;
using System.Text.Json;

namespace ScimLite.Cli;

/// <summary>A verb's <c>--json</c> output: one JSON object per row, one row per line.</summary>
public static class JsonLines
{
    public static void Write<T>(TextWriter output, IEnumerable<T> rows, Action<Utf8JsonWriter, T> writeFields)
    {
        foreach (var row in rows)
        {
            using var buffer = new MemoryStream();
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                writeFields(json, row);
                json.WriteEndObject();
            }
            output.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
        }
    }
}
