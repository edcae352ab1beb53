using System.Reflection;
using Dapper;
using ScimLite.Tests.Infrastructure;
using ScimLite.Tests.Schema;
using ScimLite.Tests.Seed;

namespace ScimLite.Tests.Journal;

/// <summary>No password, password hash or token reaches the journal, over the Okta session and the password contract.</summary>
public class JournalSecretsTests(ScimApp app) : ScimTest(app)
{
    // The cleartext passwords those test classes send.
    static readonly string[] Passwords = ["gl^m&qWZ", "Pa55w0rd!Secret"];

    [Fact]
    public async Task ContractRun_LeavesNoSecretInAnyJournalRow()
    {
        var ran = 0;
        var scanned = 0;
        foreach (var type in new[] { typeof(OktaSessionTests), typeof(PasswordTests) })
        foreach (var test in type.GetMethods().Where(m => m.GetCustomAttribute<FactAttribute>() is not null && m.GetParameters().Length == 0))
        {
            await App.ResetAsync();
            await (Task)test.Invoke(Activator.CreateInstance(type, App), null)!;
            scanned += await AssertNoSecretAsync();
            ran++;
        }
        Assert.True(ran >= 5, $"only {ran} contract tests ran");
        Assert.True(scanned >= 10, $"only {scanned} journal rows were scanned");
    }

    /// <summary>Scans every journal row; returns how many there were.</summary>
    async Task<int> AssertNoSecretAsync()
    {
        await using var connection = await App.OpenConnectionAsync();
        var rows = (await connection.QueryAsync<string>("SELECT row_to_json(j)::text FROM journal j")).ToList();
        var hashes = (await connection.QueryAsync<string>("SELECT password_hash FROM users WHERE password_hash IS NOT NULL")).ToList();
        var passwordValues = (await connection.QueryAsync<string>(
            "SELECT changes ->> 'password' FROM journal WHERE changes ? 'password'")).Distinct().ToList();

        foreach (var secret in Passwords.Concat(hashes).Append(App.Token).Append("pbkdf2"))
            Assert.DoesNotContain(rows, row => row.Contains(secret, StringComparison.Ordinal));
        Assert.All(passwordValues, value => Assert.Contains(value, new[] { "set", "cleared" }));
        return rows.Count;
    }
}
