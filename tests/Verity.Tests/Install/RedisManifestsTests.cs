using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using k8s.Models;
using Verity.Install;

namespace Verity.Tests.Install;

/// <summary>
/// With <c>kubernetes.redis.enabled</c>, <c>verity manifests</c> (read back as typed objects) deploys a locked-down Redis
/// and points Verity at it: the variables and the mount name the Redis Service and Secrets that are rendered, the password
/// is referenced and never inlined, the certificate names the Service and chains to the CA Verity trusts, and only
/// Verity's pods can reach Redis. Without it, nothing of Redis is rendered.
/// </summary>
public sealed class RedisManifestsTests
{
    public static TheoryData<string> WithRedis() => InstallCases.Where(id => InstallCases.Renderer(id).Redis);

    public static TheoryData<string> WithoutRedis() => InstallCases.Where(id => !InstallCases.Renderer(id).Redis);

    private sealed record Installed(List<object> Objects)
    {
        public T Named<T>(string name)
            where T : IKubernetesObject<V1ObjectMeta> => Assert.Single(Objects.OfType<T>(), o => o.Metadata.Name == name);

        public V1Container Verity => Assert.Single(Named<V1Deployment>("verity").Spec.Template.Spec.Containers);

        public V1PodSpec RedisPod => Named<V1Deployment>("verity-redis").Spec.Template.Spec;
    }

    private static Installed Install(string id) => new(InstallCases.Typed(InstallCases.Manifests(id)));

    [Fact]
    public void Cases_IncludeAnExampleWithRedis() => Assert.NotEmpty(WithRedis());

    [Theory]
    [MemberData(nameof(WithoutRedis))]
    public void RedisOff_RendersNoRedisAndNoRedisVariables(string id)
    {
        var installed = Install(id);
        Assert.DoesNotContain(installed.Objects.OfType<IKubernetesObject<V1ObjectMeta>>(), o => o.Metadata.Name.StartsWith("verity-redis", StringComparison.Ordinal));
        Assert.DoesNotContain(installed.Verity.Env, e => e.Name.StartsWith("REDIS_", StringComparison.Ordinal));
        Assert.DoesNotContain(installed.Verity.VolumeMounts, m => m.MountPath.StartsWith("/app/redis-certs", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(WithRedis))]
    public void RedisPod_RunsNonRootReadOnlyWithoutCapabilitiesTokenOrPersistence(string id)
    {
        var pod = Install(id).RedisPod;
        var container = Assert.Single(pod.Containers);
        var security = container.SecurityContext;
        Assert.True(security.RunAsNonRoot ?? pod.SecurityContext?.RunAsNonRoot);
        Assert.NotEqual(0, security.RunAsUser ?? pod.SecurityContext?.RunAsUser ?? -1);
        Assert.True(security.ReadOnlyRootFilesystem);
        Assert.False(security.AllowPrivilegeEscalation);
        Assert.False(security.Privileged ?? false);
        Assert.Equal(["ALL"], security.Capabilities.Drop);
        Assert.Null(security.Capabilities.Add);
        Assert.Equal("RuntimeDefault", (security.SeccompProfile ?? pod.SecurityContext?.SeccompProfile)?.Type);
        Assert.NotNull(container.Resources?.Limits);
        Assert.NotNull(container.Resources?.Requests);
        Assert.False(pod.AutomountServiceAccountToken);
        Assert.All(container.VolumeMounts, m => Assert.True(m.ReadOnlyProperty));

        // TLS only, a password, no persistence (a read-only root filesystem could not hold it; verdicts expire anyway).
        var args = container.Args;
        Assert.Equal("0", Arg(args, "--port"));
        Assert.Equal("6379", Arg(args, "--tls-port"));
        Assert.Equal("$(REDIS_PASSWORD)", Arg(args, "--requirepass"));
        Assert.Equal(string.Empty, Arg(args, "--save"));
        Assert.Equal("no", Arg(args, "--appendonly"));
        Assert.Equal("volatile-lru", Arg(args, "--maxmemory-policy"));
        Assert.Equal(6379, Assert.Single(container.Ports).ContainerPort);
        Assert.NotNull(container.ReadinessProbe?.TcpSocket);
    }

    private static string Arg(IList<string> args, string name)
    {
        var index = args.IndexOf(name);
        Assert.True(index >= 0 && index + 1 < args.Count, $"{name} is not among {string.Join(' ', args)}");
        return args[index + 1];
    }

    [Theory]
    [MemberData(nameof(WithRedis))]
    public void Verity_EnvAndMountPointAtTheRedisServiceAndSecretsThatExist_PasswordReferencedNotInlined(string id)
    {
        var installed = Install(id);
        var verity = installed.Verity;
        var service = installed.Named<V1Service>("verity-redis-svc");
        var redisLabels = installed.Named<V1Deployment>("verity-redis").Spec.Template.Metadata.Labels;

        // REDIS_HOST is the Redis Service, which selects the Redis pods on the port Redis listens on.
        var host = Assert.Single(verity.Env, e => e.Name == "REDIS_HOST");
        Assert.Null(host.ValueFrom);
        var (name, port) = Verity.Hosting.RedisEnvironment.ParseHost(host.Value);
        Assert.Equal($"{service.Metadata.Name}.{service.Metadata.NamespaceProperty}.svc", name);
        var servicePort = Assert.Single(service.Spec.Ports);
        Assert.Equal(servicePort.Port, port);
        Assert.Equal("redis", servicePort.TargetPort.Value);
        Assert.All(service.Spec.Selector, l => Assert.Equal(l.Value, redisLabels[l.Key]));

        // The password comes from the rendered Secret, in Verity and in Redis, and is written nowhere else.
        var secret = installed.Named<V1Secret>("verity-redis-secret");
        var password = Encoding.UTF8.GetString(secret.Data["REDIS_PASSWORD"]);
        Assert.True(password.Length >= 32, "a password of at least 32 characters");
        foreach (var container in new[] { verity, Assert.Single(installed.RedisPod.Containers) })
        {
            var variable = Assert.Single(container.Env, e => e.Name == "REDIS_PASSWORD");
            Assert.Null(variable.Value);
            Assert.Equal(("verity-redis-secret", "REDIS_PASSWORD"), (variable.ValueFrom.SecretKeyRef.Name, variable.ValueFrom.SecretKeyRef.Key));
        }

        var yaml = InstallCases.Manifests(id);
        Assert.DoesNotContain(password, yaml, StringComparison.Ordinal);

        // The CA file Verity reads by default (/app/redis-certs/tls.crt) is the Redis Secret's ca.crt, and only that.
        var mount = Assert.Single(verity.VolumeMounts, m => m.MountPath == "/app/redis-certs");
        Assert.True(mount.ReadOnlyProperty);
        Assert.Equal(Verity.Caching.RedisOptions.DefaultCaFile, $"{mount.MountPath}/tls.crt");
        var volume = Assert.Single(installed.Named<V1Deployment>("verity").Spec.Template.Spec.Volumes, v => v.Name == mount.Name);
        Assert.Equal("verity-redis-tls", volume.Secret.SecretName);
        var item = Assert.Single(volume.Secret.Items);
        Assert.Equal(("ca.crt", "tls.crt"), (item.Key, item.Path));
        Assert.True(installed.Named<V1Secret>("verity-redis-tls").Data.ContainsKey("ca.crt"));
    }

    [Theory]
    [MemberData(nameof(WithRedis))]
    public void RedisCertificate_NamesTheRedisServiceAndChainsToTheCaVerityTrusts(string id)
    {
        var installed = Install(id);
        var secret = installed.Named<V1Secret>("verity-redis-tls");
        using var ca = X509Certificate2.CreateFromPem(Encoding.UTF8.GetString(secret.Data["ca.crt"]));
        using var serving = X509Certificate2.CreateFromPem(Encoding.UTF8.GetString(secret.Data["tls.crt"]), Encoding.UTF8.GetString(secret.Data["tls.key"]));
        Assert.True(serving.HasPrivateKey);
        ManifestsStructureTests.AssertChainsAndNames(ca, serving, InstallCases.Namespace, "verity-redis-svc");

        // The name Verity connects to is one the certificate carries (Verity checks it, as RedisConnection.IsTrusted does).
        var host = Verity.Hosting.RedisEnvironment.ParseHost(Assert.Single(installed.Verity.Env, e => e.Name == "REDIS_HOST").Value).Host;
        Assert.True(serving.MatchesHostname(host), host);

        // Redis serves the Secret's certificate and key.
        var volume = Assert.Single(installed.RedisPod.Volumes);
        Assert.Equal("verity-redis-tls", volume.Secret.SecretName);
        Assert.Equal(["tls.crt", "tls.key"], volume.Secret.Items.Select(i => i.Key).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(WithRedis))]
    public void RedisNetworkPolicy_AdmitsOnlyVerityPodsOnTheRedisPortAndNoEgress(string id)
    {
        var installed = Install(id);
        var policy = installed.Named<V1NetworkPolicy>("verity-redis-network-policy");
        var redisLabels = installed.Named<V1Deployment>("verity-redis").Spec.Template.Metadata.Labels;
        var verityLabels = installed.Named<V1Deployment>("verity").Spec.Template.Metadata.Labels;
        Assert.All(policy.Spec.PodSelector.MatchLabels, l => Assert.Equal(l.Value, redisLabels[l.Key]));
        Assert.Equal(["Egress", "Ingress"], policy.Spec.PolicyTypes.Order(StringComparer.Ordinal));
        Assert.True(policy.Spec.Egress is null or { Count: 0 }, "Redis reaches nothing");
        var rule = Assert.Single(policy.Spec.Ingress);
        Assert.Equal("6379", Assert.Single(rule.Ports).Port.Value);
        var peer = Assert.Single(rule.FromProperty);
        Assert.Null(peer.NamespaceSelector);
        Assert.Null(peer.IpBlock);
        Assert.All(peer.PodSelector.MatchLabels, l => Assert.Equal(l.Value, verityLabels[l.Key]));

        // No selector of Verity's own picks Redis's pods, and the other way round.
        Assert.False(Selects(installed.Named<V1Service>("verity-svc").Spec.Selector, redisLabels));
        Assert.False(Selects(installed.Named<V1NetworkPolicy>("verity-network-policy").Spec.PodSelector.MatchLabels, redisLabels));
        Assert.False(Selects(peer.PodSelector.MatchLabels, redisLabels));
        Assert.False(Selects(policy.Spec.PodSelector.MatchLabels, verityLabels));
        Assert.All(installed.Objects.OfType<V1PodDisruptionBudget>(), p => Assert.False(Selects(p.Spec.Selector.MatchLabels, redisLabels)));
    }

    private static bool Selects(IDictionary<string, string> selector, IDictionary<string, string> labels) =>
        selector.All(l => labels.TryGetValue(l.Key, out var v) && v == l.Value);

    [Theory]
    [MemberData(nameof(WithRedis))]
    public void BothPodTemplates_CarryTheChecksumOfThePasswordAndCertificate_SoTheyRollTogether(string id)
    {
        var installed = Install(id);
        var tls = installed.Named<V1Secret>("verity-redis-tls");
        var expected = ManifestRenderer.ChecksumOf(
            Convert.ToBase64String(installed.Named<V1Secret>("verity-redis-secret").Data["REDIS_PASSWORD"]),
            Encoding.UTF8.GetString(tls.Data["tls.crt"]),
            Encoding.UTF8.GetString(tls.Data["ca.crt"]));
        foreach (var deployment in new[] { "verity", "verity-redis" })
        {
            Assert.Equal(expected, installed.Named<V1Deployment>(deployment).Spec.Template.Metadata.Annotations[ManifestRenderer.RedisChecksumAnnotation]);
        }
    }

    [Theory]
    [MemberData(nameof(WithRedis))]
    public void Rbac_GrantsRedisNothing(string id)
    {
        var installed = Install(id);
        Assert.DoesNotContain(installed.Objects.OfType<V1RoleBinding>(), b => b.Subjects.Any(s => s.Name.Contains("redis", StringComparison.Ordinal)));
        Assert.Null(installed.RedisPod.ServiceAccountName);
    }
}
