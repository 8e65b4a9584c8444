using Verity.Registry.Client;
using System.Collections.Immutable;
using System.Diagnostics.Metrics;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Verity.Core.Configuration;
using Verity.Core.Images;
using Verity.Core.Trust;
using Verity.Core.Validation;
using Verity.Registry;
using Verity.Testing;
using Verity.Testing.Registry;
using Verity.Validators.NotaryV1;
using Verity.Validators.NotaryV1.Tuf;

namespace Verity.Validators.Tests.NotaryV1;

/// <summary>
/// notaryv1 validators as the executable builds them (<c>AddVerityRegistry</c> and one <see cref="NotaryV1ValidatorFactory"/>),
/// with fast retries, and a count of the HTTP round trips (the registry client's <c>verity.registry.requests</c> metric).
/// </summary>
internal sealed class NotaryTestHost : IDisposable
{
    private readonly ServiceProvider _provider;
    private readonly RegistryRequestRecorder _recorder;

    public NotaryTestHost(
        Action<RegistryClientOptions>? configure = null,
        TimeSpan? timeout = null,
        TimeProvider? time = null,
        ITrustStateStore? store = null,
        ILoggerProvider? logs = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging =>
        {
            if (logs is not null)
            {
                logging.SetMinimumLevel(LogLevel.Trace);
                logging.AddProvider(logs);
            }
        });
        services.AddVerityRegistry(options =>
        {
            options.InitialBackoff = TimeSpan.FromMilliseconds(20);
            options.MaxBackoff = TimeSpan.FromMilliseconds(100);
            configure?.Invoke(options);
        });
        _provider = services.BuildServiceProvider();
        _recorder = new RegistryRequestRecorder(_provider.GetRequiredService<IMeterFactory>());
        Factory = new NotaryV1ValidatorFactory(
            _provider.GetRequiredService<IAuthenticatedServerClientFactory>(),
            time ?? TimeProvider.System,
            store ?? new InMemoryTrustStateStore(),
            timeout ?? NotaryV1ValidatorFactory.DefaultTimeout);
    }

    public NotaryV1ValidatorFactory Factory { get; }

    /// <summary>Round trips so far, by metrics operation (<c>notary</c>, <c>token</c>, <c>manifest</c>…).</summary>
    public int Count(string operation) => _recorder.CountOf(operation);

    /// <summary>Round trips so far, of every kind.</summary>
    public int RequestCount => _recorder.Count;

    public void ResetCount() => _recorder.Clear();

    /// <summary>A validator for <paramref name="host"/> pinning <paramref name="trustRoots"/>.</summary>
    public IValidator Validator(
        Uri host, X509Certificate2? ca, ImmutableArray<PublicKeyTrustRoot> trustRoots, RegistryAuth? auth = null, string name = "notary")
    {
        return Factory.Create(new NotaryV1ValidatorDefinition
        {
            Name = name,
            Host = host,
            CaCertificates = ca is null ? null : new X509Certificate2Collection(ca),
            Auth = auth,
            TrustRoots = [.. trustRoots],
        });
    }

    /// <summary>A validator for the test bed's Notary server, pinning the test bed's root key as <c>default</c> and <c>notary-root</c>.</summary>
    public IValidator TestbedValidator(Uri? host = null, bool trustCa = true)
    {
        return Validator(
            host ?? new Uri(Testbed.Current["TESTBED_NOTARY_URL"]),
            trustCa ? TestbedCa : null,
            [
                new PublicKeyTrustRoot("default", TestbedVerdict.TrustRootNamed("notary-root").Key),
                TestbedVerdict.TrustRootNamed("notary-root"),
                TestbedVerdict.TrustRootNamed("notary-wrong-root"),
            ]);
    }

    public static X509Certificate2 TestbedCa => X509CertificateLoader.LoadCertificateFromFile(Testbed.Current["TESTBED_CA_CERT"]);

    /// <summary>A test bed image, e.g. <c>test/app:signed</c>.</summary>
    public static ImageReference TestbedImage(string rest) => ImageReference.Parse(Testbed.Current["TESTBED_REGISTRY"] + "/" + rest);

    /// <summary>Rule options with a trust root and delegations (without the <c>targets/</c> prefix).</summary>
    public static NotaryV1RuleOptions Rule(string? trustRoot = null, params string[] delegations) => new()
    {
        TrustRoot = trustRoot,
        Delegations = [.. delegations.Select(d => "targets/" + d)],
    };

    public void Dispose()
    {
        _recorder.Dispose();
        _provider.Dispose();
    }
}
