using System.Text.Json;
using System.Text.RegularExpressions;
using Dapper;
using ScimLite.Scim.Patch;
using ScimLite.Scim.Schema;

namespace ScimLite.Tests.Patch;

public class TmpDumpSql
{
    [Theory]
    [InlineData(100)]
    [InlineData(200)]
    [InlineData(300)]
    [InlineData(1000)]
    public void Dump(int n)
    {
        var ops = Enumerable.Range(1, n).Select(i => i % 5 == 0
            ? $$"""{"op":"add","path":"emails","value":[{"value":"n{{i}}@example.com","type":"other"}]}"""
            : $$"""{"op":"replace","path":"emails[type eq \"work\"].value","value":"w{{i}}@example.com"}""");
        using var document = JsonDocument.Parse($$"""{"Operations":[{{string.Join(",", ops)}}]}""");
        var parameters = new DynamicParameters();
        var patcher = new ColumnPatcher(ResourceTypeDef.User, parameters);
        foreach (var step in PatchStep.Plan(ResourceTypeDef.User, PatchRequest.Parse(document.RootElement, 1000), Guid.NewGuid()))
            patcher.Apply(step);
        var lookup = (SqlMapper.IParameterLookup)parameters;
        string Sub(string sql) => Regex.Replace(sql, @"@([a-z]+[0-9_]*[0-9]*)", m => { var v = lookup[m.Groups[1].Value]; return v is string s ? "'" + s.Replace("'", "''") + "'" : v is bool b ? (b ? "true" : "false") : v?.ToString() ?? "NULL"; });
        File.WriteAllText($"/tmp/patch-scratch/q{n}.sql", $"EXPLAIN (ANALYZE, SUMMARY) UPDATE users AS r SET {Sub(patcher.Assignments)} WHERE r.id = '00000000-0000-0000-0000-000000000001';");
    }
}
