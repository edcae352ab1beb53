using Npgsql;
using ScimLite.Data;

namespace ScimLite.Tests.Reliability;

/// <summary>
/// Connect and command timeouts get short defaults so a dead database turns into a prompt 503, but whatever the
/// operator wrote in the connection string wins.
/// </summary>
public class ConnectionDefaultsTests
{
    [Theory]
    [InlineData("Host=db;Database=scim", 5, 30)]
    [InlineData("Host=db;Timeout=20", 20, 30)]
    [InlineData("Host=db;timeout=0", 0, 30)]
    [InlineData("Host=db;Command Timeout=120", 5, 120)]
    [InlineData("Host=db;CommandTimeout=0", 5, 0)]
    [InlineData("Host=db;TIMEOUT=7;COMMAND TIMEOUT=9", 7, 9)]
    public void WithTimeoutDefaults_FillsOnlyWhatIsNotSet(string connectionString, int timeout, int commandTimeout)
    {
        var result = new NpgsqlConnectionStringBuilder(DataServices.WithTimeoutDefaults(connectionString));

        Assert.Equal(timeout, result.Timeout);
        Assert.Equal(commandTimeout, result.CommandTimeout);
    }

    [Fact]
    public void WithTimeoutDefaults_KeepsThePassword()
    {
        var result = new NpgsqlConnectionStringBuilder(DataServices.WithTimeoutDefaults("Host=db;Username=scim;Password=s3cret"));

        Assert.Equal("s3cret", result.Password);
    }
}
