using Verity.Caching;
using Verity.Core.Configuration;
using Verity.Hosting;

namespace Verity.Tests.Hosting;

/// <summary><c>REDIS_HOST</c>, <c>REDIS_PASSWORD</c> and the CA file, as Connaisseur's chart sets them.</summary>
public sealed class RedisEnvironmentTests
{
    private static RedisOptions? Read(string? host, string? password = null, string? caFile = null, params string[] files) =>
        RedisEnvironment.Read(
            name => name switch { "REDIS_HOST" => host, "REDIS_PASSWORD" => password, _ => null },
            caFile,
            files.Contains);

    [Fact]
    public void NoRedisHost_KeepsVerdictsInMemory() => Assert.Null(Read(null, "pw"));

    [Theory]
    [InlineData("connaisseur-redis-service", "connaisseur-redis-service", 6379)]
    [InlineData("connaisseur-redis-service:6380", "connaisseur-redis-service", 6380)]
    [InlineData("10.0.0.7:6379", "10.0.0.7", 6379)]
    [InlineData("[::1]:7000", "::1", 7000)]
    [InlineData("[fd00::7]", "fd00::7", 6379)]
    public void RedisHost_IsHostAndOptionalPort(string value, string host, int port)
    {
        var options = Read(value)!;
        Assert.Equal(host, options.Host);
        Assert.Equal(port, options.Port);
    }

    [Theory]
    [InlineData("redis:")]
    [InlineData("redis:0")]
    [InlineData("redis:70000")]
    [InlineData("redis:http")]
    [InlineData("::1:6379")]
    [InlineData("redis://redis:6379")]
    [InlineData("[::1")]
    public void MalformedRedisHost_IsAConfigurationError(string value) =>
        Assert.Contains("REDIS_HOST", Assert.Throws<ConfigurationException>(() => Read(value)).Message, StringComparison.Ordinal);

    [Fact]
    public void ChartCaFilePresent_MeansTls_AndThePasswordIsUsed()
    {
        var options = Read("connaisseur-redis-service:6379", "uuid-password", null, RedisOptions.DefaultCaFile)!;
        Assert.Equal(RedisOptions.DefaultCaFile, options.CaFile);
        Assert.Equal("uuid-password", options.Password);
    }

    [Fact]
    public void NoCaFile_MeansPlainTcp() => Assert.Null(Read("redis")!.CaFile);

    [Fact]
    public void GivenCaFileMissing_IsAConfigurationError() =>
        Assert.Throws<ConfigurationException>(() => Read("redis", null, "/nowhere/ca.crt"));
}
