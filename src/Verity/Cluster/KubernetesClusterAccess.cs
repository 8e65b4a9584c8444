using System.Collections.Immutable;
using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using k8s;
using k8s.Autorest;
using k8s.Exceptions;
using System.Text.Json;
using Verity.Core.Cluster;
using Verity.Registry.Http;
using Verity.Workloads;

namespace Verity.Cluster;

/// <summary>
/// <see cref="IClusterAccess"/> with the official KubernetesClient: <c>GET /api/v1/namespaces/{ns}/secrets/{name}</c>.
/// </summary>
/// <remarks>
/// The client is created on first use (<see cref="Default"/>: the in-cluster service account when present, else
/// <c>KUBECONFIG</c> or <c>~/.kube/config</c>, as kubectl finds it), so a configuration that never reads the cluster
/// never needs one. Error bodies of the API server are Status objects, never secrets; still, only the status code is
/// quoted.
/// </remarks>
internal sealed class KubernetesClusterAccess : IClusterAccess
{
    private readonly Lazy<IKubernetes> _client;

    static KubernetesClusterAccess() => KubernetesExtraJson.Register();

    public KubernetesClusterAccess(Func<IKubernetes> client)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = new Lazy<IKubernetes>(client);
    }

    /// <summary>A client as kubectl would make it: in-cluster first, then the kubeconfig file.</summary>
    public static IKubernetes Default() => Create(KubernetesClientConfiguration.IsInCluster()
        ? KubernetesClientConfiguration.InClusterConfig()
        : KubernetesClientConfiguration.BuildConfigFromConfigFile());

    /// <summary>
    /// The client for <paramref name="configuration"/>, hardened: no redirects, answers read within the caller's token
    /// and a size limit (<see cref="BoundedKubernetesHandler"/>), and the server's TLS certificate checked against the
    /// configured CA <em>and</em> the server's name.
    /// </summary>
    /// <remarks>
    /// KubernetesClient's own check of a configured CA (<c>Kubernetes.CertificateValidationCallBack</c>) rebuilds the
    /// chain when there are chain errors and then ignores a name mismatch reported with them, which with a private CA
    /// is always the case: any certificate that CA issued, for any name, would pass. So the CA is taken out of the
    /// configuration (the client then installs no callback of its own) and checked here
    /// (<see cref="ServerCertificateValidation"/>), with a refusal that says why.
    /// </remarks>
    public static IKubernetes Create(KubernetesClientConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var roots = configuration.SslCaCerts is { Count: > 0 } ca ? new X509Certificate2Collection(ca) : null;
        var setup = configuration.FirstMessageHandlerSetup;
        configuration.SslCaCerts = null;
        configuration.FirstMessageHandlerSetup = handler =>
        {
            setup?.Invoke(handler);
            handler.AllowAutoRedirect = false;
            handler.UseCookies = false;
            handler.MaxResponseHeadersLength = 64;
            handler.ConnectTimeout = TimeSpan.FromSeconds(5);
            if (!configuration.SkipTlsVerify)
            {
                handler.SslOptions.RemoteCertificateValidationCallback = ServerCertificateValidation.Callback(roots);
            }
        };
        return new Kubernetes(configuration, new BoundedKubernetesHandler());
    }

    public async ValueTask<IReadOnlyDictionary<string, byte[]>?> GetSecretAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        var client = Client();
        try
        {
            var secret = await client.CoreV1.ReadNamespacedSecretAsync(name, @namespace, cancellationToken: cancellationToken);
            return secret.Data is null
                ? ImmutableDictionary<string, byte[]>.Empty
                : secret.Data.ToImmutableDictionary(StringComparer.Ordinal);
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException or JsonException)
        {
            throw Failed($"reading secret \"{name}\" in namespace \"{@namespace}\"", e);
        }
    }

    public async ValueTask<ClusterWorkload?> GetWorkloadAsync(string @namespace, OwnerReference owner, CancellationToken cancellationToken)
    {
        var client = Client();
        object? workload;
        try
        {
            workload = (owner.ApiVersion, owner.Kind) switch
            {
                ("v1", "Pod") => await client.CoreV1.ReadNamespacedPodAsync(owner.Name, @namespace, cancellationToken: cancellationToken),
                ("v1", "ReplicationController") => await client.CoreV1.ReadNamespacedReplicationControllerAsync(owner.Name, @namespace, cancellationToken: cancellationToken),
                ("apps/v1", "Deployment") => await client.AppsV1.ReadNamespacedDeploymentAsync(owner.Name, @namespace, cancellationToken: cancellationToken),
                ("apps/v1", "ReplicaSet") => await client.AppsV1.ReadNamespacedReplicaSetAsync(owner.Name, @namespace, cancellationToken: cancellationToken),
                ("apps/v1", "StatefulSet") => await client.AppsV1.ReadNamespacedStatefulSetAsync(owner.Name, @namespace, cancellationToken: cancellationToken),
                ("apps/v1", "DaemonSet") => await client.AppsV1.ReadNamespacedDaemonSetAsync(owner.Name, @namespace, cancellationToken: cancellationToken),
                ("batch/v1", "Job") => await client.BatchV1.ReadNamespacedJobAsync(owner.Name, @namespace, cancellationToken: cancellationToken),
                ("batch/v1", "CronJob") => await client.BatchV1.ReadNamespacedCronJobAsync(owner.Name, @namespace, cancellationToken: cancellationToken),
                _ => null,
            };
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException or JsonException)
        {
            throw Failed($"reading {owner.Kind} \"{owner.Name}\" in namespace \"{@namespace}\"", e);
        }

        if (workload is null)
        {
            return null;
        }

        // The same extraction as for admission requests, over the object as the API server returned it.
        using var document = JsonDocument.Parse(KubernetesJson.Serialize(workload));
        var root = document.RootElement;
        var uid = root.TryGetProperty("metadata", out var metadata) && metadata.TryGetProperty("uid", out var u) && u.ValueKind == JsonValueKind.String
            ? u.GetString()!
            : string.Empty;
        try
        {
            return new ClusterWorkload(uid, ImageExtractor.Extract(root, owner.Kind, allowEmpty: true).Select(i => i.Image).ToHashSet(StringComparer.Ordinal));
        }
        catch (WorkloadException e)
        {
            throw new ClusterAccessException($"{owner.Kind} \"{owner.Name}\" in namespace \"{@namespace}\" cannot be read: {e.Message}", null, e);
        }
    }

    public async ValueTask<IReadOnlyDictionary<string, string>?> GetNamespaceLabelsAsync(string name, CancellationToken cancellationToken)
    {
        var client = Client();
        try
        {
            var ns = await client.CoreV1.ReadNamespaceAsync(name, cancellationToken: cancellationToken);
            return ns.Metadata?.Labels is { } labels
                ? labels.ToImmutableDictionary(StringComparer.Ordinal)
                : ImmutableDictionary<string, string>.Empty;
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException or JsonException)
        {
            throw Failed($"reading namespace \"{name}\"", e);
        }
    }

    public async ValueTask SavePolicyReportAsync(PolicyReport report, CancellationToken cancellationToken)
    {
        var client = Client();
        var body = PolicyReportJson.ToJson(report);
        try
        {
            try
            {
                await client.CustomObjects.CreateNamespacedCustomObjectAsync(
                    body, PolicyReportJson.Group, PolicyReportJson.Version, report.Namespace, PolicyReportJson.Plural, cancellationToken: cancellationToken);
            }
            catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.Conflict)
            {
                // It exists: replace it, naming the version read so that a concurrent writer is not overwritten blindly.
                var existing = await client.CustomObjects.GetNamespacedCustomObjectAsync(
                    PolicyReportJson.Group, PolicyReportJson.Version, report.Namespace, PolicyReportJson.Plural, report.Name, cancellationToken);
                body["metadata"]!["resourceVersion"] = PolicyReportJson.ResourceVersion(existing);
                await client.CustomObjects.ReplaceNamespacedCustomObjectAsync(
                    body, PolicyReportJson.Group, PolicyReportJson.Version, report.Namespace, PolicyReportJson.Plural, report.Name, cancellationToken: cancellationToken);
            }
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException or JsonException)
        {
            throw Failed($"writing policy report \"{report.Name}\" in namespace \"{report.Namespace}\"", e);
        }
    }

    /// <summary>One line naming the object and the cause; never the API server's body (it may quote the object).</summary>
    private static ClusterAccessException Failed(string what, Exception e) => e switch
    {
        HttpOperationException http => new ClusterAccessException($"{what} failed with HTTP {(int?)http.Response?.StatusCode}", (int?)http.Response?.StatusCode, e),
        JsonException => new ClusterAccessException($"{what} failed: the API server's answer is not valid JSON", null, e),
        HttpRequestException { StatusCode: { } status } => new ClusterAccessException($"{what} failed: {e.Message}", (int)status, e),
        HttpRequestException when Innermost(e) is AuthenticationException tls =>
            new ClusterAccessException($"the Kubernetes API server could not be reached: TLS handshake refused: {tls.Message}", null, e),
        HttpRequestException { HttpRequestError: HttpRequestError.Unknown } => new ClusterAccessException($"{what} failed: {e.Message}", null, e),
        _ => new ClusterAccessException($"the Kubernetes API server could not be reached ({e.Message})", null, e),
    };

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e;
    }

    private IKubernetes Client()
    {
        try
        {
            return _client.Value;
        }
        catch (Exception e) when (e is KubeConfigException or IOException or InvalidOperationException)
        {
            // The client's own message is long (environment variables, deployment hints); it stays in the inner exception.
            throw new ClusterAccessException("no Kubernetes API client (the in-cluster configuration is not available)", null, e) { NoClient = true };
        }
    }
}
