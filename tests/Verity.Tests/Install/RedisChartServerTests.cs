using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s.Models;
using StackExchange.Redis;
using Verity.Caching;
using Verity.Hosting;
using Verity.Testing;

namespace Verity.Tests.Install;

/// <summary>
/// The Redis that <c>verity manifests</c> deploys, run for real: <c>redis-server</c> started with the rendered container's
/// arguments (paths moved to a temporary folder, the password from the rendered Secret, a free port) serves TLS with the
/// rendered certificate, which Verity's own check (<see cref="RedisConnection.IsTrusted"/>) accepts for the name in
/// <c>REDIS_HOST</c> with the CA Verity mounts; the password is required, and the renamed commands are gone.
/// </summary>
public sealed class RedisChartServerTests
{
    [Fact]
    public async Task RedisFromTheChart_ServesVerityOverTlsWithThePassword_AndWithoutTheRenamedCommands()
    {
        var objects = InstallCases.Typed(InstallCases.Manifests("example:redis.yaml"));
        var redis = Assert.Single(objects.OfType<V1Deployment>().Single(d => d.Metadata.Name == "verity-redis").Spec.Template.Spec.Containers);
        var verity = Assert.Single(objects.OfType<V1Deployment>().Single(d => d.Metadata.Name == "verity").Spec.Template.Spec.Containers);
        var tls = objects.OfType<V1Secret>().Single(s => s.Metadata.Name == "verity-redis-tls");
        var password = Encoding.UTF8.GetString(objects.OfType<V1Secret>().Single(s => s.Metadata.Name == "verity-redis-secret").Data["REDIS_PASSWORD"]);
        var host = RedisEnvironment.ParseHost(verity.Env.Single(e => e.Name == "REDIS_HOST").Value).Host;

        using var server = await RedisServer.StartWithArgumentsAsync((port, directory) =>
        {
            var certs = Directory.CreateDirectory(Path.Combine(directory.FullName, "certs")).FullName;
            File.WriteAllBytes(Path.Combine(certs, "tls.crt"), tls.Data["tls.crt"]);
            File.WriteAllBytes(Path.Combine(certs, "tls.key"), tls.Data["tls.key"]);
            var args = redis.Args.Select(a => a switch
            {
                "$(REDIS_PASSWORD)" => password,
                _ when a.StartsWith("/certs/", StringComparison.Ordinal) => Path.Combine(certs, a["/certs/".Length..]),
                _ => a,
            }).ToList();
            args[args.IndexOf("--tls-port") + 1] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return [.. args, "--bind", "127.0.0.1", "--dir", directory.FullName];
        });

        var roots = new X509Certificate2Collection();
        roots.ImportFromPem(Encoding.UTF8.GetString(tls.Data["ca.crt"]));
        ConfigurationOptions Options(string? pass) => new()
        {
            EndPoints = { { "127.0.0.1", server.Port } },
            Ssl = true,
            SslHost = host, // the Service name Verity connects to, checked against the certificate as Verity checks it
            Password = pass,
            AbortOnConnectFail = true,
            ConnectTimeout = 5000,
            CommandMap = CommandMap.Create(new HashSet<string> { "FLUSHALL", "FLUSHDB" }, available: false),
        };

        var options = Options(password);
        options.CertificateValidation += (_, certificate, _, errors) => RedisConnection.IsTrusted(certificate, errors, roots);
        await using (var connection = await ConnectionMultiplexer.ConnectAsync(options))
        {
            var db = connection.GetDatabase();
            Assert.True(await db.StringSetAsync("verity:v1:probe", "ok", TimeSpan.FromSeconds(30)));
            Assert.Equal("ok", (string?)await db.StringGetAsync("verity:v1:probe"));
            foreach (var renamed in new[] { "KEYS", "CONFIG", "DEBUG" })
            {
                var error = await Assert.ThrowsAsync<RedisServerException>(() => db.ExecuteAsync(renamed, renamed == "KEYS" ? ["*"] : ["GET", "*"]));
                Assert.Contains("unknown command", error.Message, StringComparison.OrdinalIgnoreCase);
            }
        }

        // Without the password the server answers nothing; a certificate for another name is refused.
        var wrong = Options("not-the-password");
        wrong.CertificateValidation += (_, certificate, _, errors) => RedisConnection.IsTrusted(certificate, errors, roots);
        await Assert.ThrowsAsync<RedisConnectionException>(() => ConnectionMultiplexer.ConnectAsync(wrong));
        var otherName = Options(password);
        otherName.SslHost = "redis.elsewhere.example";
        otherName.CertificateValidation += (_, certificate, _, errors) => RedisConnection.IsTrusted(certificate, errors, roots);
        await Assert.ThrowsAsync<RedisConnectionException>(() => ConnectionMultiplexer.ConnectAsync(otherName));
        Assert.True(server.IsRunning);
    }
}
