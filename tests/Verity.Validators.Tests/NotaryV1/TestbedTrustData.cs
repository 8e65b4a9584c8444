using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Verity.Testing;
using Verity.Testing.Notary;

namespace Verity.Validators.Tests.NotaryV1;

/// <summary>The trust data of the test bed's <c>test/app</c>, downloaded from its real Notary server once per test class.</summary>
public sealed class TestbedTrustData : IAsyncLifetime
{
    /// <summary>The roles of <c>test/app</c>.</summary>
    public static readonly string[] Roles = ["root", "timestamp", "snapshot", "targets", "targets/releases", "targets/alice"];

    /// <summary>The collection.</summary>
    public static string Gun => Testbed.Current["TESTBED_NOTARY_GUN"];

    /// <summary>Role → bytes exactly as the real server sent them.</summary>
    public IReadOnlyDictionary<string, byte[]> Files { get; private set; } = new Dictionary<string, byte[]>();

    /// <inheritdoc/>
    public async ValueTask InitializeAsync()
    {
        var ca = X509CertificateLoader.LoadCertificateFromFile(Testbed.Current["TESTBED_CA_CERT"]);
        using var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(ca);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return certificate is X509Certificate2 leaf && chain.Build(leaf);
                },
            },
        };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        Files = await FakeNotaryServer.CopyFromAsync(client, new Uri(Testbed.Current["TESTBED_NOTARY_URL"]), Gun, Roles, CancellationToken.None);
        Assert.Equal(Roles.Length, Files.Count);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
