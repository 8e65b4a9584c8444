using Verity.Registry.Client;
using Verity.Validators.Cosign.Evidence;
using System.Diagnostics.Metrics;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Verity.Core.Trust;
using Verity.Core.Validation;
using Verity.Registry;
using Verity.Testing.Registry;
using Verity.Validators.Cosign;
using Verity.Validators.Cosign.Keys;
using Verity.Validators.Cosign.TrustedRoot;

namespace Verity.Validators.Tests.Cosign;

/// <summary>
/// The real registry client (<c>AddVerityRegistry</c>, fast retries) for cosign validators under test, with a count of
/// the HTTP round trips its clients make (the <c>verity.registry.requests</c> counter of this host's own meter factory).
/// </summary>
internal sealed class CosignTestHost : IDisposable
{
    private readonly ServiceProvider _provider;
    private readonly RegistryRequestRecorder _recorder;

    public CosignTestHost(Action<RegistryClientOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddVerityRegistry(options =>
        {
            options.InitialBackoff = TimeSpan.FromMilliseconds(10);
            options.MaxBackoff = TimeSpan.FromMilliseconds(50);
            configure?.Invoke(options);
        });
        _provider = services.BuildServiceProvider();
        _recorder = new RegistryRequestRecorder(_provider.GetRequiredService<IMeterFactory>());
        Registries = _provider.GetRequiredService<IRegistryClientFactory>();
    }

    public IRegistryClientFactory Registries { get; }

    /// <summary>Round trips so far.</summary>
    public int RequestCount => _recorder.Count;

    /// <summary>Round trips so far, as <c>operation status</c>, e.g. <c>manifest 200</c>, in order.</summary>
    public IReadOnlyList<string> Requests => [.. _recorder.Requests.Select(r => $"{r.Operation} {r.Status}")];

    public void ResetCount() => _recorder.Clear();

    /// <summary>A definition with the given roots, trusting <paramref name="ca"/> for the registry's TLS.</summary>
    public static CosignValidatorDefinition Definition(X509Certificate2? ca, params TrustRoot[] roots) => new()
    {
        Name = "cosign-under-test",
        TrustRoots = [.. roots],
        CaCertificates = ca is null ? null : new X509Certificate2Collection(ca),
    };

    /// <summary>A validator as the factory builds it, optionally with other trusted material, clock or limits.</summary>
    public CosignValidator Validator(
        CosignValidatorDefinition definition,
        TrustedMaterial? material = null,
        TimeProvider? time = null,
        CosignLimits? limits = null,
        IKeyReferenceResolver? keys = null)
    {
        var registry = Registries.Create(new RegistryClientSettings { Name = definition.Name, Auth = definition.Auth, CaCertificates = definition.CaCertificates });
        return new CosignValidator(definition, material ?? TrustedMaterial.PublicGood.WithConnaisseurHost(definition.RekorPublicKey, definition.FulcioRoots, definition.CtLogPublicKey), registry, keys ?? NoKeyReferences.Instance, time ?? TimeProvider.System, limits);
    }

    public void Dispose()
    {
        _recorder.Dispose();
        _provider.Dispose();
    }

    /// <summary>For validators without key references: any lookup is a test failure.</summary>
    private sealed class NoKeyReferences : IKeyReferenceResolver
    {
        public static NoKeyReferences Instance { get; } = new();

        public ValueTask<VerificationKey> ResolveAsync(Uri reference, CancellationToken cancellationToken) =>
            throw new ValidationException($"unexpected key reference {reference}");
    }
}
