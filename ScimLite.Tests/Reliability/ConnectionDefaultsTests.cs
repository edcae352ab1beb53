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

    [Theory]
    [InlineData("Host=db", 0, "-c jit=off", 30)]
    [InlineData("Host=db", 10, "-c jit=off -c statement_timeout=10000", 30)]
    [InlineData("Host=db", 60, "-c jit=off -c statement_timeout=60000", 65)]
    [InlineData("Host=db;Options=-c jit=on", 10, "-c jit=on -c statement_timeout=10000", 30)]
    [InlineData("Host=db;Options=-c statement_timeout=0", 10, "-c statement_timeout=0 -c jit=off", 30)]
    [InlineData("Host=db;Options=-c search_path=scim", 10, "-c search_path=scim -c jit=off -c statement_timeout=10000", 30)]
    public void WithTimeoutDefaults_AddsJitOffAndTheDeadline_UnlessOptionsSetThem(string connectionString, int deadline, string options, int commandTimeout)
    {
        var result = new NpgsqlConnectionStringBuilder(DataServices.WithTimeoutDefaults(connectionString, deadline));

        Assert.Equal(options, result.Options);
        Assert.Equal(commandTimeout, result.CommandTimeout);
    }

    [Fact]
    public void WithTimeoutDefaults_KeepsThePassword()
    {
        var result = new NpgsqlConnectionStringBuilder(DataServices.WithTimeoutDefaults("Host=db;Username=scim;Password=s3cret"));

        Assert.Equal("s3cret", result.Password);
    }
}
