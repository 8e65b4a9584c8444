using System.Collections.Concurrent;
using System.Text;
using Verity.Core.Cluster;
using Verity.Core.Trust;
using Verity.Core.Validation;

namespace Verity.Validators.Cosign.Keys;

/// <summary>
/// Resolves <c>k8s://&lt;namespace&gt;/&lt;secret&gt;</c> key references as cosign does: the PEM public key under the
/// secret's <c>cosign.pub</c> entry, read through the Kubernetes API (<c>GET /api/v1/namespaces/{ns}/secrets/{name}</c>).
/// </summary>
/// <remarks>
/// <para>Verity needs RBAC <c>get</c> on that secret in that namespace (as Connaisseur does; its docs give the Role).
/// Secrets are read through the cluster port (<see cref="IClusterAccess"/>), whose client is created on first use, so
/// a configuration without key references never needs one.</para>
/// <para>A key read successfully is reused for <see cref="CacheDuration"/>; failures are not cached. Connaisseur
/// reads the secret at every validation; the cache spares the API server one request per image and still picks up
/// a rotated key within a minute.</para>
/// </remarks>
public sealed class KubernetesKeyReferenceResolver : IKeyReferenceResolver
{
    /// <summary>The scheme of Kubernetes secret references.</summary>
    public const string Scheme = "k8s";

    /// <summary>The secret entry that holds the public key, as cosign writes it (<c>cosign generate-key-pair k8s://…</c>).</summary>
    public const string PublicKeyEntry = "cosign.pub";

    private readonly IClusterAccess _cluster;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<Uri, (VerificationKey Key, DateTimeOffset Expires)> _cache = new();

    /// <summary>Creates the resolver.</summary>
    /// <param name="cluster">Reads the secrets.</param>
    /// <param name="timeProvider">The clock of the cache.</param>
    public KubernetesKeyReferenceResolver(IClusterAccess cluster, TimeProvider timeProvider)
    {
        _cluster = cluster ?? throw new ArgumentNullException(nameof(cluster));
        _time = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
    }

    /// <summary>
    /// The longest one secret read may take, shorter than the admission deadline so that a stalled API server is named
    /// in the denial; the caller's token still ends it earlier.
    /// </summary>
    public TimeSpan LookupTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How long a resolved key is reused; zero turns the cache off.</summary>
    public TimeSpan CacheDuration { get; init; } = TimeSpan.FromMinutes(1);

    /// <inheritdoc/>
    public async ValueTask<VerificationKey> ResolveAsync(Uri reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var (ns, name) = Parse(reference);
        var now = _time.GetUtcNow();
        if (_cache.TryGetValue(reference, out var cached) && cached.Expires > now)
        {
            return cached.Key;
        }

        IReadOnlyDictionary<string, byte[]>? data;
        using var timeout = new CancellationTokenSource(LookupTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            data = await _cluster.GetSecretAsync(ns, name, linked.Token);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            // A stalled or dripping API server: named here, rather than leaving the request's deadline to end the validation.
            throw new ValidationException($"key reference {reference}: the Kubernetes API server did not answer within {LookupTimeout.TotalSeconds:0.###} s", e);
        }
        catch (ClusterAccessException e) when (e.NoClient)
        {
            throw new ValidationException($"key reference {reference} cannot be read: {e.Message}", e);
        }
        catch (ClusterAccessException e)
        {
            var hint = e.IsForbidden ? " (Verity needs RBAC \"get\" on this secret)" : string.Empty;
            throw new ValidationException($"key reference {reference}: {e.Message}{hint}", e);
        }

        if (data is null)
        {
            throw new ValidationException($"key reference {reference}: secret \"{name}\" not found in namespace \"{ns}\"");
        }

        if (!data.TryGetValue(PublicKeyEntry, out var pem))
        {
            throw new ValidationException($"key reference {reference}: secret \"{name}\" in namespace \"{ns}\" has no \"{PublicKeyEntry}\" entry");
        }

        if (!VerificationKey.TryParse(Encoding.UTF8.GetString(pem), out var key, out var error))
        {
            throw new ValidationException($"key reference {reference}: \"{PublicKeyEntry}\" of secret \"{name}\" is not a usable public key: {error}");
        }

        if (CacheDuration > TimeSpan.Zero)
        {
            _cache[reference] = (key, now + CacheDuration);
        }

        return key;
    }

    private static (string Namespace, string Name) Parse(Uri reference)
    {
        var name = reference.AbsolutePath.Trim('/');
        if (reference.Scheme != Scheme || string.IsNullOrEmpty(reference.Host) || name.Length == 0 || name.Contains('/', StringComparison.Ordinal))
        {
            throw new ValidationException($"key reference {reference} is not of the form k8s://<namespace>/<secret>");
        }

        return (reference.Host, name);
    }
}
