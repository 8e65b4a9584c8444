using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using k8s.Models;
using Verity.Install;

namespace Verity.Tests.Install;

/// <summary>
/// <c>verity manifests</c> output, read back as typed KubernetesClient objects, is a safe and complete installation:
/// every workload kind routed to the webhook, a CA that verifies the serving certificate for the Service's names, RBAC
/// bounded by the enabled features, and non-root pods with a read-only root filesystem.
/// </summary>
public sealed class ManifestsStructureTests
{
    public static TheoryData<string> Cases() => InstallCases.All();

    private static readonly (string Group, string Resource)[] WorkloadKinds =
    [
        ("", "pods"), ("", "pods/ephemeralcontainers"), ("", "replicationcontrollers"),
        ("apps", "deployments"), ("apps", "replicasets"), ("apps", "statefulsets"), ("apps", "daemonsets"),
        ("batch", "jobs"), ("batch", "cronjobs"),
    ];

    private sealed record Installed(List<object> Objects)
    {
        public IEnumerable<T> All<T>() => Objects.OfType<T>();

        public T One<T>() => Assert.Single(Objects.OfType<T>());

        /// <summary>The one object of a kind with a name (there are two Deployments, Services, ... with Redis).</summary>
        public T Named<T>(string name)
            where T : IKubernetesObject<V1ObjectMeta> => Assert.Single(Objects.OfType<T>(), o => o.Metadata.Name == name);

        public T? Find<T>(string name)
            where T : class, IKubernetesObject<V1ObjectMeta> => Objects.OfType<T>().SingleOrDefault(o => o.Metadata.Name == name);
    }

    private static Installed Install(string id) => new(InstallCases.Typed(InstallCases.Manifests(id)));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Manifests_ParseIntoTypedKubernetesObjects(string id)
    {
        var installed = Install(id);
        Assert.All(installed.Objects, o => Assert.IsAssignableFrom<IKubernetesObject>(o));
        installed.One<V1Namespace>();
        installed.Named<V1Deployment>("verity");
        installed.Named<V1Service>("verity-svc");
        installed.One<V1ServiceAccount>();
        installed.One<V1ConfigMap>();
        installed.One<V1MutatingWebhookConfiguration>();
        Assert.IsType<V1MutatingWebhookConfiguration>(installed.Objects[^1]);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Webhook_RoutesCreateAndUpdateOfEveryWorkloadKind(string id)
    {
        var values = InstallCases.Values(id);
        foreach (var hook in Install(id).One<V1MutatingWebhookConfiguration>().Webhooks)
        {
            foreach (var (group, resource) in WorkloadKinds)
            {
                var rule = Assert.Single(hook.Rules, r => r.ApiGroups.Contains(group) && r.Resources.Contains(resource));
                Assert.Equal(["CREATE", "UPDATE"], rule.Operations.Order(StringComparer.Ordinal));
                Assert.Contains("v1", rule.ApiVersions);
            }

            Assert.Equal("None", hook.SideEffects);
            Assert.Equal(["v1", "v1beta1"], hook.AdmissionReviewVersions);
            Assert.Equal(HelmValues.GoString(values.Get("kubernetes.webhook.failurePolicy")), hook.FailurePolicy);
            Assert.Equal(HelmValues.GoString(values.Get("kubernetes.webhook.reinvocationPolicy")), hook.ReinvocationPolicy);
            Assert.Equal("/mutate", hook.ClientConfig.Service.Path);
            Assert.InRange(hook.TimeoutSeconds ?? 10, 1, 30);
            var own = Assert.Single(hook.NamespaceSelector.MatchExpressions, e => e.Key == "kubernetes.io/metadata.name");
            Assert.Equal(("NotIn", InstallCases.Namespace), (own.OperatorProperty, Assert.Single(own.Values)));
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Webhook_NamespaceSelectorImplementsNamespacedValidation(string id)
    {
        var renderer = new ManifestRenderer(InstallCases.Chart(), InstallCases.Values(id), InstallCases.Namespace);
        var hooks = Install(id).One<V1MutatingWebhookConfiguration>().Webhooks;
        string[] Expressions(V1MutatingWebhook h) =>
            [.. h.NamespaceSelector.MatchExpressions.Where(e => e.Key != "kubernetes.io/metadata.name").Select(e => $"{e.Key} {e.OperatorProperty} {string.Join(',', e.Values)}")];
        switch (renderer.NamespacedValidation)
        {
            case "ignore":
                Assert.Equal(
                    ["securesystemsengineering.connaisseur/webhook NotIn ignore", "verity.dev/webhook NotIn ignore"],
                    Expressions(Assert.Single(hooks)).Order(StringComparer.Ordinal));
                break;
            case "validate":
                // Two webhooks whose selectors partition "labelled validate by either key": no namespace is called twice.
                Assert.Equal(2, hooks.Count);
                Assert.Equal(["securesystemsengineering.connaisseur/webhook In validate"], Expressions(hooks[0]));
                Assert.Equal(
                    ["securesystemsengineering.connaisseur/webhook NotIn validate", "verity.dev/webhook In validate"],
                    Expressions(hooks[1]).Order(StringComparer.Ordinal));
                break;
            default:
                Assert.Empty(Expressions(Assert.Single(hooks)));
                break;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Webhook_CaBundleVerifiesTheServingCertificateWhichNamesTheService(string id)
    {
        var installed = Install(id);
        if (InstallCases.Renderer(id).CertManager)
        {
            return; // Webhook_WithCertManager_CaIsInjectedFromTheCertificateTheDeploymentMounts
        }

        var secret = installed.All<V1Secret>().Single(s => s.Metadata.Name == "verity-tls");
        var service = installed.Named<V1Service>("verity-svc");
        foreach (var hook in installed.One<V1MutatingWebhookConfiguration>().Webhooks)
        {
            Assert.Equal(service.Metadata.Name, hook.ClientConfig.Service.Name);
            Assert.Equal(service.Metadata.NamespaceProperty, hook.ClientConfig.Service.NamespaceProperty);
            Assert.Equal(service.Spec.Ports.Single().Port, hook.ClientConfig.Service.Port);
            var ca = X509Certificate2.CreateFromPem(Encoding.UTF8.GetString(hook.ClientConfig.CaBundle));
            var serving = X509Certificate2.CreateFromPem(Encoding.UTF8.GetString(secret.Data["tls.crt"]));
            AssertChainsAndNames(ca, serving, InstallCases.Namespace);
        }

        using var pair = X509Certificate2.CreateFromPem(Encoding.UTF8.GetString(secret.Data["tls.crt"]), Encoding.UTF8.GetString(secret.Data["tls.key"]));
        Assert.True(pair.HasPrivateKey);
    }

    /// <summary>The CA verifies the serving certificate, which names the Service's four DNS names.</summary>
    internal static void AssertChainsAndNames(X509Certificate2 ca, X509Certificate2 serving, string ns, string service = "verity-svc")
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.True(chain.Build(serving), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
        var names = serving.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames().ToList();
        Assert.Equal(ServingCertificate.DnsNames(service, ns), names);
        Assert.NotEqual(ca.Thumbprint, serving.Thumbprint);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Rbac_GrantsOnlyWhatTheEnabledFeaturesUse(string id)
    {
        var installed = Install(id);
        var renderer = new ManifestRenderer(InstallCases.Chart(), InstallCases.Values(id), InstallCases.Namespace);
        var expected = new SortedSet<string>(StringComparer.Ordinal);
        if (renderer.ChildApproval)
        {
            foreach (var r in new[] { "/pods", "/replicationcontrollers", "apps/deployments", "apps/replicasets", "apps/daemonsets", "apps/statefulsets", "batch/jobs", "batch/cronjobs" })
            {
                expected.Add($"* {r} get");
            }
        }

        if (renderer.ReadsNamespaces)
        {
            expected.Add("* /namespaces get");
        }

        if (renderer.PolicyReports)
        {
            expected.UnionWith(["* wgpolicyk8s.io/policyreports create", "* wgpolicyk8s.io/policyreports get", "* wgpolicyk8s.io/policyreports update"]);
        }

        foreach (var (ns, names) in renderer.KeySecrets)
        {
            expected.UnionWith(names.Select(n => $"{ns} /secrets/{n} get"));
        }

        var granted = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var role in installed.All<V1ClusterRole>())
        {
            Assert.Contains(installed.All<V1ClusterRoleBinding>(), b => b.RoleRef.Name == role.Metadata.Name && b.Subjects.Single().Name == "verity-serviceaccount");
            granted.UnionWith(Grants("*", role.Rules));
        }

        foreach (var role in installed.All<V1Role>())
        {
            Assert.Contains(installed.All<V1RoleBinding>(), b => b.RoleRef.Name == role.Metadata.Name && b.Metadata.NamespaceProperty == role.Metadata.NamespaceProperty);
            granted.UnionWith(Grants(role.Metadata.NamespaceProperty, role.Rules));
        }

        Assert.Equal(expected, granted);
        Assert.DoesNotContain(granted, g => g.Contains('*', StringComparison.Ordinal) && !g.StartsWith("* ", StringComparison.Ordinal));
    }

    private static IEnumerable<string> Grants(string scope, IEnumerable<V1PolicyRule> rules) =>
        from rule in rules
        from g in rule.ApiGroups
        from r in rule.Resources
        from n in rule.ResourceNames ?? [null]
        from v in rule.Verbs
        select $"{scope} {g}/{r}{(n is null ? string.Empty : "/" + n)} {v}";

    [Theory]
    [MemberData(nameof(Cases))]
    public void Pods_RunAsNonRootWithReadOnlyRootFilesystemAndNoCapabilities(string id)
    {
        var installed = Install(id);
        var deployment = installed.Named<V1Deployment>("verity");
        var pod = deployment.Spec.Template.Spec;
        var container = Assert.Single(pod.Containers);
        var security = container.SecurityContext;
        Assert.True(security.RunAsNonRoot ?? pod.SecurityContext?.RunAsNonRoot);
        Assert.True(security.ReadOnlyRootFilesystem);
        Assert.False(security.AllowPrivilegeEscalation);
        Assert.False(security.Privileged ?? false);
        Assert.Equal(["ALL"], security.Capabilities.Drop);
        Assert.Null(security.Capabilities.Add);
        Assert.Equal("RuntimeDefault", (security.SeccompProfile ?? pod.SecurityContext?.SeccompProfile)?.Type);
        Assert.NotNull(container.Resources?.Limits);
        Assert.NotNull(container.Resources?.Requests);
        Assert.Equal(("/health", "HTTPS"), (container.LivenessProbe.HttpGet.Path, container.LivenessProbe.HttpGet.Scheme));
        Assert.Equal(("/ready", "HTTPS"), (container.ReadinessProbe.HttpGet.Path, container.ReadinessProbe.HttpGet.Scheme));
        Assert.Equal("verity-serviceaccount", pod.ServiceAccountName);

        // Graceful shutdown outlasts the longest request the API server waits for, plus the preStop pause.
        var timeout = installed.One<V1MutatingWebhookConfiguration>().Webhooks.Max(h => h.TimeoutSeconds ?? 10);
        Assert.True(pod.TerminationGracePeriodSeconds > timeout + container.Lifecycle.PreStop.Sleep.Seconds, $"grace {pod.TerminationGracePeriodSeconds} s, timeout {timeout} s");

        // Everything the pod mounts is rendered (or issued by cert-manager), except secrets the user names (auth.secretName).
        var secrets = installed.All<V1Secret>().Select(s => s.Metadata.Name).Concat(installed.All<CertManagerCertificate>().Select(c => c.Spec.SecretName)).ToHashSet();
        var renderer = new ManifestRenderer(InstallCases.Chart(), InstallCases.Values(id), InstallCases.Namespace);
        foreach (var volume in pod.Volumes.Where(v => v.Secret is not null))
        {
            Assert.True(secrets.Contains(volume.Secret.SecretName) || renderer.AuthSecretNames.Contains(volume.Secret.SecretName), volume.Secret.SecretName);
        }

        Assert.Equal(installed.One<V1ConfigMap>().Metadata.Name, Assert.Single(pod.Volumes, v => v.ConfigMap is not null).ConfigMap.Name);
        Assert.All(container.VolumeMounts.Where(m => m.MountPath != "/tmp"), m => Assert.True(m.ReadOnlyProperty));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Deployment_IsHighlyAvailableAndSelectsWhatTheServiceAndBudgetSelect(string id)
    {
        var installed = Install(id);
        var deployment = installed.Named<V1Deployment>("verity");
        var labels = deployment.Spec.Template.Metadata.Labels;
        Assert.All(deployment.Spec.Selector.MatchLabels, l => Assert.Equal(l.Value, labels[l.Key]));
        Assert.All(installed.Named<V1Service>("verity-svc").Spec.Selector, l => Assert.Equal(l.Value, labels[l.Key]));
        Assert.All(installed.All<V1PodDisruptionBudget>(), p => Assert.Equal(deployment.Spec.Selector.MatchLabels, p.Spec.Selector.MatchLabels));
        Assert.All(installed.All<V1NetworkPolicy>().Where(p => p.Metadata.Name == "verity-network-policy"), p => Assert.Equal(deployment.Spec.Selector.MatchLabels, p.Spec.PodSelector.MatchLabels));
        if (id is "defaults")
        {
            Assert.Equal(3, deployment.Spec.Replicas);
            var term = Assert.Single(deployment.Spec.Template.Spec.Affinity.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution).PodAffinityTerm;
            var expression = Assert.Single(term.LabelSelector.MatchExpressions);
            Assert.Contains(labels[expression.Key], expression.Values);
            Assert.Single(installed.All<V1PodDisruptionBudget>());
            Assert.Equal(5000, Assert.Single(Assert.Single(installed.Named<V1NetworkPolicy>("verity-network-policy").Spec.Ingress).Ports).Port.Value == "5000" ? 5000 : -1);
            Assert.Null(installed.Find<V1Deployment>("verity-redis")); // Redis is opt-in (docs/decisions/0016-install-chart-and-manifests.md)
        }

        Assert.DoesNotContain("securesystemsengineering/connaisseur", Assert.Single(deployment.Spec.Template.Spec.Containers).Image, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void PolicyReportCrd_IsIncludedExactlyWhenReportsAreOn(string id)
    {
        var renderer = new ManifestRenderer(InstallCases.Chart(), InstallCases.Values(id), InstallCases.Namespace);
        Assert.Equal(renderer.PolicyReports, Install(id).All<V1CustomResourceDefinition>().Any(c => c.Metadata.Name == "policyreports.wgpolicyk8s.io"));
    }
}
