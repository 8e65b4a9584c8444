using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Verity.Cluster;
using Verity.Core.Configuration;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Verity.Install;

/// <summary>
/// Renders the resources of <c>charts/verity</c> for a namespace and Helm values, without Helm: what
/// <c>verity manifests</c> prints for <c>kubectl apply -f -</c>.
/// </summary>
/// <remarks>
/// Each method mirrors one template of the chart, rule for rule; <c>tests/Verity.Tests/Install</c> renders the chart's
/// templates and compares the two kind by kind, name by name and field by field (docs/decisions/0016-install-chart-and-manifests.md).
/// Beyond the chart, the output starts with the Namespace (Helm's <c>--create-namespace</c>) and carries the PolicyReport
/// CRD (the chart's <c>crds/</c>) only when policy reports are on. Where the chart reuses generated material through
/// <c>lookup</c> (the webhook's and Redis's certificates, Redis's password), each run generates it anew.
/// </remarks>
internal sealed class ManifestRenderer
{
    /// <summary>The <c>app.kubernetes.io/managed-by</c> label of resources rendered by <c>verity manifests</c>.</summary>
    public const string ManagedBy = "verity-manifests";

    private const string ConnaisseurLabel = "securesystemsengineering.connaisseur/webhook";
    private const string VerityLabel = "verity.dev/webhook";
    private const string DefaultRepository = "ghcr.io/verity-dev/verity";

    private static readonly string[] ConnaisseurImages =
        ["docker.io/securesystemsengineering/connaisseur", "securesystemsengineering/connaisseur", "index.docker.io/securesystemsengineering/connaisseur"];

    private readonly ChartInfo _chart;
    private readonly HelmValues _values;
    private readonly string _namespace;
    private readonly string _managedBy;

    public ManifestRenderer(ChartInfo chart, HelmValues values, string @namespace, string managedBy = ManagedBy)
    {
        _chart = chart;
        _values = values;
        _namespace = @namespace;
        _managedBy = managedBy;
    }

    private string Name => _chart.Name;

    private string ServiceName => $"{Name}-svc";

    private string ServiceAccountName => $"{Name}-serviceaccount";

    private string TlsName => $"{Name}-tls";

    private string RedisName => $"{Name}-redis";

    private string RedisServiceName => $"{RedisName}-svc";

    private string RedisSecretName => $"{RedisName}-secret";

    private string RedisTlsName => $"{RedisName}-tls";

    /// <summary>The pod template annotation both Deployments carry with Redis: a SHA-256 over Redis's password and certificate.</summary>
    public const string RedisChecksumAnnotation = "verity.dev/redis-secrets";

    /// <summary>The annotation on the webhook that has cert-manager's cainjector fill in its <c>caBundle</c>.</summary>
    public const string InjectCaAnnotation = "cert-manager.io/inject-ca-from";

    static ManifestRenderer() => KubernetesExtraJson.Register();

    private YamlMappingNode Features => _values.Mapping("application.features");

    /// <summary>The resources in apply order (the webhook last), as JSON objects in the Kubernetes API's shape.</summary>
    /// <exception cref="InstallException">The values cannot be rendered.</exception>
    public IReadOnlyList<JsonObject> Render(TimeProvider time)
    {
        var resources = new List<JsonObject> { Namespace() };
        if (PolicyReports)
        {
            resources.Add(ToJson(ToTyped(ReadYaml(_chart.PolicyReportCrdYaml).Single())));
        }

        resources.Add(ServiceAccount());
        ServingCertificate? tls = null;
        if (CertManager)
        {
            resources.AddRange(CertManagerResources());
        }
        else
        {
            tls = Certificate("kubernetes.deployment.tls", ServiceName, $"{Name}-ca", time);
            resources.Add(TlsSecret(TlsName, tls));
        }

        resources.AddRange(AuthSecrets());
        if (EnvSecret() is { } env)
        {
            resources.Add(env);
        }

        RedisSecrets? redis = null;
        if (Redis)
        {
            var password = RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 32);
            redis = new RedisSecrets(Base64(password), Certificate("kubernetes.redis.tls", RedisServiceName, $"{RedisName}-ca", time));
            resources.Add(new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Secret",
                ["metadata"] = Metadata(RedisSecretName),
                ["type"] = "Opaque",
                ["data"] = new JsonObject { ["REDIS_PASSWORD"] = redis.PasswordBase64 },
            });
            resources.Add(TlsSecret(RedisTlsName, redis.Tls));
        }

        resources.Add(ConfigMap());
        resources.AddRange(Rbac());
        resources.Add(Service());
        resources.Add(Deployment(redis));
        if (redis is not null)
        {
            resources.Add(RedisService());
            resources.Add(RedisDeployment(redis));
        }

        if (PodDisruptionBudget() is { } pdb)
        {
            resources.Add(pdb);
        }

        resources.AddRange(NetworkPolicies());
        resources.Add(Webhook(tls));
        return resources;
    }

    /// <summary>The configuration file Verity reads (<c>/app/config/config.yaml</c>): <c>application</c> and <c>alerting</c>, inline credentials replaced by their Secret.</summary>
    public string ConfigYaml()
    {
        var application = new YamlMappingNode();
        foreach (var (key, value) in _values.Mapping("application").Children)
        {
            application.Children[key] = value;
        }

        if (_values.Get("application.validators") is YamlSequenceNode validators)
        {
            var rewritten = new YamlSequenceNode();
            foreach (var validator in validators.Children)
            {
                if (HasInlineAuth(validator) && validator is YamlMappingNode mapping)
                {
                    var copy = new YamlMappingNode();
                    foreach (var (key, value) in mapping.Children)
                    {
                        copy.Children[key] = value;
                    }

                    copy.Children[new YamlScalarNode("auth")] = new YamlMappingNode { { "secretName", $"{HelmValues.GoString(HelmValues.Get(validator, "name"))}-auth" } };
                    rewritten.Children.Add(copy);
                }
                else
                {
                    rewritten.Children.Add(validator);
                }
            }

            application.Children[new YamlScalarNode("validators")] = rewritten;
        }

        var config = new YamlMappingNode { { "application", application } };
        if (HelmValues.Truthy(_values.Get("alerting")))
        {
            config.Children[new YamlScalarNode("alerting")] = _values.Get("alerting")!;
        }

        return ToYaml(config);
    }

    /// <summary>Serialises resources as one multi-document YAML stream.</summary>
    public static string ToYaml(IEnumerable<JsonObject> resources)
    {
        var text = new StringBuilder();
        foreach (var resource in resources)
        {
            // Through the resource's model (as KubernetesClient reads it: unknown fields dropped, nulls left out), then YAML.
            text.Append("---\n").Append(ToYaml(YamlOf(ToJson(ToTyped(resource)))).TrimEnd('\n')).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>A resource as its KubernetesClient model type (V1Deployment, ...), which the YAML serialiser and the tests use.</summary>
    public static object ToTyped(JsonObject resource)
    {
        var json = resource.ToJsonString();
        return (string?)resource["kind"] switch
        {
            "Namespace" => KubernetesJson.Deserialize<V1Namespace>(json),
            "CustomResourceDefinition" => KubernetesJson.Deserialize<V1CustomResourceDefinition>(json),
            "ServiceAccount" => KubernetesJson.Deserialize<V1ServiceAccount>(json),
            "Secret" => KubernetesJson.Deserialize<V1Secret>(json),
            "ConfigMap" => KubernetesJson.Deserialize<V1ConfigMap>(json),
            "ClusterRole" => KubernetesJson.Deserialize<V1ClusterRole>(json),
            "ClusterRoleBinding" => KubernetesJson.Deserialize<V1ClusterRoleBinding>(json),
            "Role" => KubernetesJson.Deserialize<V1Role>(json),
            "RoleBinding" => KubernetesJson.Deserialize<V1RoleBinding>(json),
            "Service" => KubernetesJson.Deserialize<V1Service>(json),
            "Deployment" => KubernetesJson.Deserialize<V1Deployment>(json),
            "PodDisruptionBudget" => KubernetesJson.Deserialize<V1PodDisruptionBudget>(json),
            "NetworkPolicy" => KubernetesJson.Deserialize<V1NetworkPolicy>(json),
            "MutatingWebhookConfiguration" => KubernetesJson.Deserialize<V1MutatingWebhookConfiguration>(json),
            CertManagerCertificate.KubeKind => JsonSerializer.Deserialize(json, CertManagerJson.Default.CertManagerCertificate)!,
            CertManagerIssuer.KubeKind => JsonSerializer.Deserialize(json, CertManagerJson.Default.CertManagerIssuer)!,
            var kind => throw new InvalidOperationException($"no model for kind {kind}"),
        };
    }

    /// <summary>A model (<see cref="ToTyped"/>) as the JSON object the Kubernetes API reads: nulls left out.</summary>
    public static JsonObject ToJson(object typed) => (typed switch
    {
        CertManagerCertificate certificate => JsonSerializer.SerializeToNode(certificate, CertManagerJson.Default.CertManagerCertificate),
        CertManagerIssuer issuer => JsonSerializer.SerializeToNode(issuer, CertManagerJson.Default.CertManagerIssuer),
        _ => JsonNode.Parse(KubernetesJson.Serialize(typed)),
    })!.AsObject();

    /// <summary>The documents of a YAML stream as JSON objects (YAML 1.2 core scalars), e.g. the chart's CRD or
    /// <c>verity manifests</c>' output.</summary>
    /// <exception cref="YamlException">The text is not YAML.</exception>
    public static List<JsonObject> ReadYaml(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return [.. stream.Documents.Select(d => YamlJson.ToJson(d.RootNode)).OfType<JsonObject>()];
    }

    /// <summary>A JSON value as a YAML node: strings that a YAML 1.1 or 1.2 reader would take for another type quoted,
    /// multi-line strings as literal blocks.</summary>
    internal static YamlNode YamlOf(JsonNode? node) => node switch
    {
        JsonObject o => new YamlMappingNode(o.Select(p => new KeyValuePair<YamlNode, YamlNode>(YamlString(p.Key), YamlOf(p.Value)))),
        JsonArray a => new YamlSequenceNode(a.Select(YamlOf)),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => YamlString(v.GetValue<string>()),
        JsonValue v => new YamlScalarNode(v.ToJsonString()) { Style = ScalarStyle.Plain },
        _ => new YamlScalarNode("null") { Style = ScalarStyle.Plain },
    };

    private static YamlScalarNode YamlString(string text) => new(text)
    {
        Style = text.Contains('\n', StringComparison.Ordinal) ? ScalarStyle.Literal
            : ReadAsOtherType(text) ? ScalarStyle.DoubleQuoted
            : ScalarStyle.Any,
    };

    /// <summary>Whether a plain scalar with this text could be read as something other than a string: empty, null, a
    /// YAML 1.1 boolean (y, yes, on, ...; Kubernetes' Go reader still knows them) or anything that starts like a number.</summary>
    private static bool ReadAsOtherType(string text) =>
        text.Length == 0
        || text[0] is (>= '0' and <= '9') or '-' or '+' or '.' or '~'
        || text.ToLowerInvariant() is "null" or "true" or "false" or "y" or "n" or "yes" or "no" or "on" or "off";

    // ---------------------------------------------------------------- features (the chart's _helpers.tpl)

    /// <summary>Owners are read through the API server: <c>automaticChildApproval</c> on, and not <c>resourceValidationMode: podsOnly</c>.</summary>
    public bool ChildApproval =>
        Toggle(HelmValues.Get(Features, "automaticChildApproval"), true)
        && !HelmValues.GoString(HelmValues.Get(Features, "resourceValidationMode")).Equals("podsOnly", StringComparison.OrdinalIgnoreCase);

    /// <summary><c>""</c> (off), <c>ignore</c> or <c>validate</c>.</summary>
    public string NamespacedValidation
    {
        get
        {
            var node = HelmValues.Get(Features, "namespacedValidation");
            if (node is YamlMappingNode mapping)
            {
                if (HelmValues.GoString(HelmValues.Get(mapping, "enabled")) == "false")
                {
                    return string.Empty;
                }

                var mode = HelmValues.Get(mapping, "mode");
                return HelmValues.Truthy(mode) ? HelmValues.GoString(mode) : "ignore";
            }

            return HelmValues.GoString(node).Equals("true", StringComparison.OrdinalIgnoreCase) ? "ignore" : string.Empty;
        }
    }

    /// <summary>Namespace labels are read: namespaced validation, or a detection mode override with a namespaceSelector.</summary>
    public bool ReadsNamespaces =>
        NamespacedValidation.Length > 0
        || (HelmValues.Get(Features, "detectionModeOverrides") is YamlSequenceNode overrides
            && overrides.Children.Any(o => o is YamlMappingNode m && m.Children.ContainsKey(new YamlScalarNode("namespaceSelector"))));

    /// <summary>Policy reports are written.</summary>
    public bool PolicyReports => Toggle(HelmValues.Get(Features, "policyReports"), false);

    /// <summary>cert-manager issues the webhook's certificate (<c>kubernetes.deployment.tls.certManager.enabled</c>).</summary>
    /// <exception cref="InstallException">A certificate of one's own is given too.</exception>
    public bool CertManager
    {
        get
        {
            var tls = _values.Mapping("kubernetes.deployment.tls");
            if (HelmValues.GoString(HelmValues.Get(tls, "certManager.enabled")) != "true")
            {
                return false;
            }

            return tls.Children.ContainsKey(new YamlScalarNode("cert")) || tls.Children.ContainsKey(new YamlScalarNode("key"))
                ? throw new InstallException("kubernetes.deployment.tls: cert/key and certManager.enabled exclude each other")
                : true;
        }
    }

    /// <summary>The chart deploys Redis as the shared cache (<c>kubernetes.redis.enabled</c>).</summary>
    public bool Redis => HelmValues.GoString(_values.Get("kubernetes.redis.enabled")) == "true";

    /// <summary><c>host:port</c> of the Redis Service, as Verity's <c>REDIS_HOST</c>; a name the Redis certificate carries.</summary>
    public string RedisHost => $"{RedisServiceName}.{_namespace}.svc:6379";

    /// <summary>The <c>k8s://namespace/secret</c> trust-root keys: namespace → sorted secret names.</summary>
    public SortedDictionary<string, SortedSet<string>> KeySecrets
    {
        get
        {
            var result = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
            foreach (var validator in Validators)
            {
                if (HelmValues.Get(validator, "trustRoots") is not YamlSequenceNode roots)
                {
                    continue;
                }

                foreach (var root in roots.Children)
                {
                    var key = HelmValues.GoString(HelmValues.Get(root, "key"));
                    if (key.StartsWith("k8s://", StringComparison.Ordinal))
                    {
                        var parts = key["k8s://".Length..].Split('/');
                        if (parts.Length < 2)
                        {
                            throw new InstallException($"trust root key \"{key}\" is not k8s://<namespace>/<secret>");
                        }

                        if (!result.TryGetValue(parts[0], out var names))
                        {
                            result[parts[0]] = names = new SortedSet<string>(StringComparer.Ordinal);
                        }

                        names.Add(parts[1]);
                    }
                }
            }

            return result;
        }
    }

    /// <summary>Secrets mounted at <c>/app/secrets/&lt;name&gt;</c>: <c>auth.secretName</c>s and <c>&lt;validator&gt;-auth</c> for inline credentials.</summary>
    public IReadOnlyList<string> AuthSecretNames
    {
        get
        {
            var names = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var validator in Validators)
            {
                var auth = HelmValues.Get(validator, "auth") as YamlMappingNode;
                if (auth is not null && auth.Children.ContainsKey(new YamlScalarNode("secretName")))
                {
                    names.Add(HelmValues.GoString(auth.Children[new YamlScalarNode("secretName")]));
                }
                else if (HasInlineAuth(validator))
                {
                    names.Add($"{HelmValues.GoString(HelmValues.Get(validator, "name"))}-auth");
                }
            }

            return [.. names];
        }
    }

    private IEnumerable<YamlNode> Validators => _values.Get("application.validators") is YamlSequenceNode s ? s.Children : [];

    private static bool HasInlineAuth(YamlNode validator) =>
        HelmValues.Get(validator, "auth") is YamlMappingNode auth
        && auth.Children.ContainsKey(new YamlScalarNode("username"))
        && auth.Children.ContainsKey(new YamlScalarNode("password"));

    private static bool Toggle(YamlNode? node, bool defaultValue) => node switch
    {
        YamlMappingNode m => HelmValues.GoString(HelmValues.Get(m, "enabled")) != "false",
        null => defaultValue,
        _ => HelmValues.GoString(node).Equals("true", StringComparison.OrdinalIgnoreCase),
    };

    // ---------------------------------------------------------------- resources

    private JsonObject Labels()
    {
        var labels = new JsonObject
        {
            ["helm.sh/chart"] = $"{Name}-{_chart.Version}",
        };
        foreach (var (key, value) in SelectorLabels())
        {
            labels[key] = value?.DeepClone();
        }

        labels["app.kubernetes.io/version"] = _chart.AppVersion;
        labels["app.kubernetes.io/managed-by"] = _managedBy;
        AddStrings(labels, _values.Get("kubernetes.additionalLabels"));
        return labels;
    }

    private JsonObject SelectorLabels()
    {
        var labels = new JsonObject
        {
            ["app.kubernetes.io/name"] = Name,
            ["app.kubernetes.io/instance"] = Name,
        };
        AddStrings(labels, _values.Get("kubernetes.deployment.podLabels"));
        return labels;
    }

    private static void AddStrings(JsonObject target, YamlNode? mapping)
    {
        if (mapping is YamlMappingNode m)
        {
            foreach (var (key, value) in m.Children)
            {
                target[((YamlScalarNode)key).Value!] = HelmValues.GoString(value);
            }
        }
    }

    private JsonObject Metadata(string name, bool namespaced = true, string? @namespace = null)
    {
        var metadata = new JsonObject { ["name"] = name };
        if (namespaced)
        {
            metadata["namespace"] = @namespace ?? _namespace;
        }

        metadata["labels"] = Labels();
        return metadata;
    }

    private JsonObject Namespace() => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Namespace",
        ["metadata"] = new JsonObject { ["name"] = _namespace, ["labels"] = Labels() },
    };

    private JsonObject ServiceAccount()
    {
        var metadata = Metadata(ServiceAccountName);
        if (HelmValues.Get(_values.Get("kubernetes.serviceaccount"), "annotations") is { } annotations && HelmValues.Truthy(annotations))
        {
            metadata["annotations"] = Strings(annotations);
        }

        return new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ServiceAccount", ["metadata"] = metadata };
    }

    /// <summary>TLS material for a Service: the user's (<paramref name="path"/>: cert, key, caBundle), else a new CA and a certificate it signs.</summary>
    private ServingCertificate Certificate(string path, string service, string caName, TimeProvider time)
    {
        var tls = _values.Mapping(path);
        var cert = HelmValues.Get(tls, "cert");
        var key = HelmValues.Get(tls, "key");
        if (tls.Children.ContainsKey(new YamlScalarNode("cert")) && !tls.Children.ContainsKey(new YamlScalarNode("key")))
        {
            throw new InstallException($"{path} has a cert but no key");
        }

        if (tls.Children.ContainsKey(new YamlScalarNode("key")) && !tls.Children.ContainsKey(new YamlScalarNode("cert")))
        {
            throw new InstallException($"{path} has a key but no cert");
        }

        if (cert is not null)
        {
            var certPem = HelmValues.GoString(cert);
            var ca = HelmValues.Get(tls, "caBundle");
            return new ServingCertificate(HelmValues.Truthy(ca) ? HelmValues.GoString(ca) : certPem, certPem, HelmValues.GoString(key));
        }

        return ServingCertificate.Generate(caName, $"{service}.{_namespace}.svc", ServingCertificate.DnsNames(service, _namespace), time);
    }

    private JsonObject TlsSecret(string name, ServingCertificate tls) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Secret",
        ["metadata"] = Metadata(name),
        ["type"] = "kubernetes.io/tls",
        ["data"] = new JsonObject
        {
            ["tls.crt"] = Base64(tls.CertificatePem),
            ["tls.key"] = Base64(tls.PrivateKeyPem),
            ["ca.crt"] = Base64(tls.CaPem),
        },
    };

    /// <summary>cert-manager mode: the webhook's Certificate and, without an <c>issuerRef</c>, a CA of the release's own.</summary>
    private IEnumerable<JsonObject> CertManagerResources()
    {
        var certManager = _values.Mapping("kubernetes.deployment.tls.certManager");
        var issuer = HelmValues.Get(certManager, "issuerRef") as YamlMappingNode ?? [];
        var issuerName = HelmValues.Get(issuer, "name");
        JsonObject issuerRef;
        if (!HelmValues.Truthy(issuerName))
        {
            issuerRef = IssuerRef($"{Name}-ca-issuer", "Issuer", "cert-manager.io");
            yield return CertManagerObject("Issuer", $"{Name}-selfsigned-issuer", new JsonObject { ["selfSigned"] = new JsonObject() });
            yield return CertManagerObject("Certificate", $"{Name}-ca", new JsonObject
            {
                ["isCA"] = true,
                ["commonName"] = $"{Name}-ca",
                ["secretName"] = $"{Name}-ca",
                ["duration"] = "87600h",
                ["privateKey"] = new JsonObject { ["algorithm"] = "ECDSA", ["size"] = 256 },
                ["issuerRef"] = IssuerRef($"{Name}-selfsigned-issuer", "Issuer", "cert-manager.io"),
            });
            yield return CertManagerObject("Issuer", $"{Name}-ca-issuer", new JsonObject { ["ca"] = new JsonObject { ["secretName"] = $"{Name}-ca" } });
        }
        else
        {
            issuerRef = IssuerRef(
                HelmValues.GoString(issuerName),
                HelmValues.Truthy(HelmValues.Get(issuer, "kind")) ? HelmValues.GoString(HelmValues.Get(issuer, "kind")) : "Issuer",
                HelmValues.Truthy(HelmValues.Get(issuer, "group")) ? HelmValues.GoString(HelmValues.Get(issuer, "group")) : "cert-manager.io");
        }

        yield return CertManagerObject("Certificate", TlsName, new JsonObject
        {
            ["secretName"] = TlsName,
            ["commonName"] = $"{ServiceName}.{_namespace}.svc",
            ["dnsNames"] = new JsonArray([.. ServingCertificate.DnsNames(ServiceName, _namespace).Select(n => (JsonNode?)n)]),
            ["duration"] = Or(HelmValues.Get(certManager, "duration"), "2160h"),
            ["renewBefore"] = Or(HelmValues.Get(certManager, "renewBefore"), "720h"),
            ["privateKey"] = new JsonObject { ["algorithm"] = "ECDSA", ["size"] = 256, ["rotationPolicy"] = "Always" },
            ["usages"] = new JsonArray("server auth", "digital signature"),
            ["issuerRef"] = issuerRef,
        });
    }

    private static JsonObject IssuerRef(string name, string kind, string group) => new() { ["name"] = name, ["kind"] = kind, ["group"] = group };

    private JsonObject CertManagerObject(string kind, string name, JsonObject spec) => new()
    {
        ["apiVersion"] = "cert-manager.io/v1",
        ["kind"] = kind,
        ["metadata"] = Metadata(name),
        ["spec"] = spec,
    };

    private IEnumerable<JsonObject> AuthSecrets()
    {
        foreach (var validator in Validators)
        {
            if (HasInlineAuth(validator))
            {
                yield return new JsonObject
                {
                    ["apiVersion"] = "v1",
                    ["kind"] = "Secret",
                    ["metadata"] = Metadata($"{HelmValues.GoString(HelmValues.Get(validator, "name"))}-auth"),
                    ["type"] = "Opaque",
                    ["data"] = new JsonObject { ["secret.yaml"] = Base64(ToYaml(HelmValues.Get(validator, "auth")!)) },
                };
            }
        }
    }

    private JsonObject? EnvSecret()
    {
        if (_values.Get("kubernetes.deployment.envs") is not YamlMappingNode envs || envs.Children.Count == 0)
        {
            return null;
        }

        var data = new JsonObject();
        foreach (var (key, value) in envs.Children.OrderBy(c => ((YamlScalarNode)c.Key).Value, StringComparer.Ordinal))
        {
            data[((YamlScalarNode)key).Value!] = Base64(HelmValues.GoString(value));
        }

        return new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Secret", ["metadata"] = Metadata($"{Name}-env"), ["type"] = "Opaque", ["data"] = data };
    }

    private JsonObject ConfigMap() => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "ConfigMap",
        ["metadata"] = Metadata($"{Name}-config"),
        ["data"] = new JsonObject { ["config.yaml"] = ConfigYaml() },
    };

    private IEnumerable<JsonObject> Rbac()
    {
        var rules = new JsonArray();
        if (ChildApproval)
        {
            rules.Append(Rule("", ["pods", "replicationcontrollers"], ["get"]));
            rules.Append(Rule("apps", ["deployments", "replicasets", "daemonsets", "statefulsets"], ["get"]));
            rules.Append(Rule("batch", ["jobs", "cronjobs"], ["get"]));
        }

        if (ReadsNamespaces)
        {
            rules.Append(Rule("", ["namespaces"], ["get"]));
        }

        if (PolicyReports)
        {
            rules.Append(Rule("wgpolicyk8s.io", ["policyreports"], ["get", "create", "update"]));
        }

        if (rules.Count > 0)
        {
            yield return new JsonObject
            {
                ["apiVersion"] = "rbac.authorization.k8s.io/v1",
                ["kind"] = "ClusterRole",
                ["metadata"] = Metadata($"{Name}-cluster-role", namespaced: false),
                ["rules"] = rules,
            };
            yield return Binding("ClusterRoleBinding", $"{Name}-cluster-role-binding", null, "ClusterRole", $"{Name}-cluster-role");
        }

        foreach (var (ns, names) in KeySecrets)
        {
            var rule = Rule("", ["secrets"], ["get"]);
            rule["resourceNames"] = new JsonArray([.. names.Select(n => (JsonNode?)n)]);
            yield return new JsonObject
            {
                ["apiVersion"] = "rbac.authorization.k8s.io/v1",
                ["kind"] = "Role",
                ["metadata"] = Metadata($"{Name}-keys", @namespace: ns),
                ["rules"] = new JsonArray(rule),
            };
            yield return Binding("RoleBinding", $"{Name}-keys", ns, "Role", $"{Name}-keys");
        }
    }

    private static JsonObject Rule(string group, string[] resources, string[] verbs) => new()
    {
        ["apiGroups"] = new JsonArray(group),
        ["resources"] = new JsonArray([.. resources.Select(r => (JsonNode?)r)]),
        ["verbs"] = new JsonArray([.. verbs.Select(v => (JsonNode?)v)]),
    };

    private JsonObject Binding(string kind, string name, string? @namespace, string roleKind, string roleName) => new()
    {
        ["apiVersion"] = "rbac.authorization.k8s.io/v1",
        ["kind"] = kind,
        ["metadata"] = Metadata(name, namespaced: @namespace is not null, @namespace),
        ["subjects"] = new JsonArray(new JsonObject { ["kind"] = "ServiceAccount", ["name"] = ServiceAccountName, ["namespace"] = _namespace }),
        ["roleRef"] = new JsonObject { ["apiGroup"] = "rbac.authorization.k8s.io", ["kind"] = roleKind, ["name"] = roleName },
    };

    private JsonNode ServicePort => Or(_values.Get("kubernetes.service.port"), 443);

    private JsonObject Service() => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Service",
        ["metadata"] = Metadata(ServiceName),
        ["spec"] = new JsonObject
        {
            ["type"] = Or(_values.Get("kubernetes.service.type"), "ClusterIP"),
            ["ports"] = new JsonArray(new JsonObject { ["name"] = "https", ["port"] = ServicePort, ["targetPort"] = "https", ["protocol"] = "TCP" }),
            ["selector"] = SelectorLabels(),
        },
    };

    /// <summary>The container image: <c>repository:tag</c> (tag default <c>v</c> + appVersion) or <c>repository@digest</c>; Connaisseur's image means Verity's.</summary>
    public string Image
    {
        get
        {
            var image = _values.Mapping("kubernetes.deployment.image");
            var repository = HelmValues.Get(image, "repository") is { } r && HelmValues.Truthy(r) ? HelmValues.GoString(r) : DefaultRepository;
            var tag = HelmValues.Get(image, "tag");
            var digest = HelmValues.Get(image, "digest");
            if (ConnaisseurImages.Contains(repository, StringComparer.Ordinal))
            {
                (repository, tag, digest) = (DefaultRepository, null, null);
            }

            if (HelmValues.Truthy(digest))
            {
                var d = HelmValues.GoString(digest);
                return $"{repository}@{(d.StartsWith("sha256:", StringComparison.Ordinal) ? d : "sha256:" + d)}";
            }

            return $"{repository}:{(HelmValues.Truthy(tag) ? HelmValues.GoString(tag) : "v" + _chart.AppVersion)}";
        }
    }

    private JsonObject Deployment(RedisSecrets? redis)
    {
        var d = _values.Mapping("kubernetes.deployment");
        var metadata = Metadata(Name);
        if (HelmValues.Truthy(HelmValues.Get(d, "annotations")))
        {
            metadata["annotations"] = HelmValues.Json(HelmValues.Get(d, "annotations"));
        }

        var container = new JsonObject
        {
            ["name"] = "verity",
            ["image"] = Image,
            ["imagePullPolicy"] = Or(HelmValues.Get(d, "pullPolicy"), "IfNotPresent"),
            ["args"] = new JsonArray("serve", "--config", "/app/config/config.yaml", "--urls", "https://0.0.0.0:5000", "--tls-cert", "/app/certs/tls.crt", "--tls-key", "/app/certs/tls.key"),
            ["ports"] = new JsonArray(new JsonObject { ["name"] = "https", ["containerPort"] = 5000, ["protocol"] = "TCP" }),
            ["env"] = new JsonArray(new JsonObject
            {
                ["name"] = "POD_NAME",
                ["valueFrom"] = new JsonObject { ["fieldRef"] = new JsonObject { ["fieldPath"] = "metadata.name" } },
            }),
        };
        if (redis is not null)
        {
            var env = container["env"]!.AsArray();
            env.Append(new JsonObject { ["name"] = "REDIS_HOST", ["value"] = RedisHost });
            env.Append(RedisPasswordVariable());
        }

        if (HelmValues.Truthy(HelmValues.Get(d, "envs")))
        {
            container["envFrom"] = new JsonArray(new JsonObject { ["secretRef"] = new JsonObject { ["name"] = $"{Name}-env" } });
        }

        container["livenessProbe"] = Probe("/health", 10, 3);
        container["readinessProbe"] = Probe("/ready", 5, 2);
        container["lifecycle"] = new JsonObject { ["preStop"] = new JsonObject { ["sleep"] = new JsonObject { ["seconds"] = 5 } } };
        CopyIfTruthy(d, "securityContext", container, "securityContext");
        CopyIfTruthy(d, "resources", container, "resources");

        var mounts = new JsonArray(
            new JsonObject { ["name"] = "certs", ["mountPath"] = "/app/certs", ["readOnly"] = true },
            new JsonObject { ["name"] = "config", ["mountPath"] = "/app/config", ["readOnly"] = true },
            new JsonObject { ["name"] = "tmp", ["mountPath"] = "/tmp" });
        var volumes = new JsonArray(
            new JsonObject { ["name"] = "certs", ["secret"] = new JsonObject { ["secretName"] = TlsName } },
            new JsonObject { ["name"] = "config", ["configMap"] = new JsonObject { ["name"] = $"{Name}-config" } },
            new JsonObject { ["name"] = "tmp", ["emptyDir"] = new JsonObject { ["medium"] = "Memory", ["sizeLimit"] = "64Mi" } });
        if (redis is not null)
        {
            // Only the CA, under the name Verity reads (/app/redis-certs/tls.crt): Verity never sees Redis's key.
            mounts.Append(new JsonObject { ["name"] = "redis-certs", ["mountPath"] = "/app/redis-certs", ["readOnly"] = true });
            volumes.Append(SecretVolume("redis-certs", RedisTlsName, ("ca.crt", "tls.crt")));
        }

        foreach (var secret in AuthSecretNames)
        {
            mounts.Append(new JsonObject { ["name"] = $"{secret}-volume", ["mountPath"] = $"/app/secrets/{secret}", ["readOnly"] = true });
            volumes.Append(new JsonObject { ["name"] = $"{secret}-volume", ["secret"] = new JsonObject { ["secretName"] = secret } });
        }

        container["volumeMounts"] = mounts;

        var pod = new JsonObject
        {
            ["serviceAccountName"] = ServiceAccountName,
            ["terminationGracePeriodSeconds"] = Or(HelmValues.Get(d, "terminationGracePeriodSeconds"), 45),
        };
        CopyIfTruthy(d, "imagePullSecrets", pod, "imagePullSecrets");
        CopyIfTruthy(d, "podSecurityContext", pod, "securityContext");
        pod["containers"] = new JsonArray(container);
        pod["volumes"] = volumes;
        CopyIfTruthy(d, "affinity", pod, "affinity");
        CopyIfTruthy(d, "tolerations", pod, "tolerations");
        CopyIfTruthy(d, "nodeSelector", pod, "nodeSelector");

        return new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "Deployment",
            ["metadata"] = metadata,
            ["spec"] = new JsonObject
            {
                ["replicas"] = Or(HelmValues.Get(d, "replicasCount"), 3),
                ["selector"] = new JsonObject { ["matchLabels"] = SelectorLabels() },
                ["template"] = new JsonObject
                {
                    ["metadata"] = redis is null
                        ? new JsonObject { ["labels"] = SelectorLabels() }
                        : new JsonObject { ["labels"] = SelectorLabels(), ["annotations"] = new JsonObject { [RedisChecksumAnnotation] = redis.Checksum } },
                    ["spec"] = pod,
                },
            },
        };
    }

    private JsonObject RedisPasswordVariable() => new()
    {
        ["name"] = "REDIS_PASSWORD",
        ["valueFrom"] = new JsonObject { ["secretKeyRef"] = new JsonObject { ["name"] = RedisSecretName, ["key"] = "REDIS_PASSWORD" } },
    };

    private static JsonObject SecretVolume(string name, string secretName, params (string Key, string Path)[] items) => new()
    {
        ["name"] = name,
        ["secret"] = new JsonObject
        {
            ["secretName"] = secretName,
            ["items"] = new JsonArray([.. items.Select(i => (JsonNode?)new JsonObject { ["key"] = i.Key, ["path"] = i.Path })]),
        },
    };

    private JsonObject RedisSelectorLabels() => new()
    {
        ["app.kubernetes.io/name"] = RedisName,
        ["app.kubernetes.io/instance"] = RedisName,
    };

    /// <summary>The Redis image: <c>repository:tag</c> (tag default 7) or <c>repository@sha256:digest</c>.</summary>
    public string RedisImage
    {
        get
        {
            var image = _values.Mapping("kubernetes.redis.image");
            var repository = HelmValues.GoString(HelmValues.Get(image, "repository"));
            var digest = HelmValues.Get(image, "digest");
            if (HelmValues.Truthy(digest))
            {
                var d = HelmValues.GoString(digest);
                return $"{repository}@{(d.StartsWith("sha256:", StringComparison.Ordinal) ? d : "sha256:" + d)}";
            }

            var tag = HelmValues.Get(image, "tag");
            return $"{repository}:{(HelmValues.Truthy(tag) ? HelmValues.GoString(tag) : "7")}";
        }
    }

    private JsonObject RedisDeployment(RedisSecrets secrets)
    {
        var d = _values.Mapping("kubernetes.deployment");
        var redis = _values.Mapping("kubernetes.redis");
        var level = HelmValues.GoString(_values.Get("application.logLevel")).ToLowerInvariant() switch
        {
            "debug" => "debug",
            "error" => "warning",
            _ => "notice",
        };

        // TLS only (no plain port), a password, no persistence, and no commands that list or wipe keys or reconfigure the server.
        var args = new JsonArray(
            "--port", "0", "--tls-port", "6379", "--tls-cert-file", "/certs/tls.crt", "--tls-key-file", "/certs/tls.key",
            "--tls-auth-clients", "no", "--requirepass", "$(REDIS_PASSWORD)", "--save", "", "--appendonly", "no",
            "--maxmemory", HelmValues.Truthy(HelmValues.Get(redis, "maxMemory")) ? HelmValues.GoString(HelmValues.Get(redis, "maxMemory")) : "200mb",
            "--maxmemory-policy", "volatile-lru", "--loglevel", level);
        foreach (var command in new[] { "FLUSHALL", "FLUSHDB", "KEYS", "CONFIG", "DEBUG" })
        {
            args.Append("--rename-command");
            args.Append(command);
            args.Append(string.Empty);
        }

        var container = new JsonObject
        {
            ["name"] = "redis",
            ["image"] = RedisImage,
            ["imagePullPolicy"] = Or(HelmValues.Get(redis, "pullPolicy"), "IfNotPresent"),
            ["args"] = args,
            ["env"] = new JsonArray(RedisPasswordVariable()),
            ["ports"] = new JsonArray(new JsonObject { ["name"] = "redis", ["containerPort"] = 6379, ["protocol"] = "TCP" }),
            ["livenessProbe"] = new JsonObject { ["tcpSocket"] = new JsonObject { ["port"] = "redis" }, ["periodSeconds"] = 10, ["failureThreshold"] = 3 },
            ["readinessProbe"] = new JsonObject { ["tcpSocket"] = new JsonObject { ["port"] = "redis" }, ["periodSeconds"] = 5, ["failureThreshold"] = 2 },
        };
        CopyIfTruthy(redis, "securityContext", container, "securityContext");
        CopyIfTruthy(redis, "resources", container, "resources");
        container["volumeMounts"] = new JsonArray(new JsonObject { ["name"] = "certs", ["mountPath"] = "/certs", ["readOnly"] = true });

        var pod = new JsonObject
        {
            ["automountServiceAccountToken"] = false,
            ["enableServiceLinks"] = false,
        };
        CopyIfTruthy(d, "imagePullSecrets", pod, "imagePullSecrets");
        CopyIfTruthy(redis, "podSecurityContext", pod, "securityContext");
        pod["containers"] = new JsonArray(container);
        pod["volumes"] = new JsonArray(SecretVolume("certs", RedisTlsName, ("tls.crt", "tls.crt"), ("tls.key", "tls.key")));
        CopyIfTruthy(d, "tolerations", pod, "tolerations");
        CopyIfTruthy(d, "nodeSelector", pod, "nodeSelector");

        return new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "Deployment",
            ["metadata"] = Metadata(RedisName),
            ["spec"] = new JsonObject
            {
                ["replicas"] = 1,
                ["selector"] = new JsonObject { ["matchLabels"] = RedisSelectorLabels() },
                ["template"] = new JsonObject
                {
                    ["metadata"] = new JsonObject { ["labels"] = RedisSelectorLabels(), ["annotations"] = new JsonObject { [RedisChecksumAnnotation] = secrets.Checksum } },
                    ["spec"] = pod,
                },
            },
        };
    }

    private JsonObject RedisService() => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Service",
        ["metadata"] = Metadata(RedisServiceName),
        ["spec"] = new JsonObject
        {
            ["type"] = "ClusterIP",
            ["ports"] = new JsonArray(new JsonObject { ["name"] = "redis", ["port"] = 6379, ["targetPort"] = "redis", ["protocol"] = "TCP" }),
            ["selector"] = RedisSelectorLabels(),
        },
    };

    /// <summary>Redis's password (base64, as in its Secret) and certificate; <see cref="Checksum"/> is what both pod templates carry.</summary>
    private sealed record RedisSecrets(string PasswordBase64, ServingCertificate Tls)
    {
        public string Checksum => ChecksumOf(PasswordBase64, Tls.CertificatePem, Tls.CaPem);
    }

    /// <summary>The <see cref="RedisChecksumAnnotation"/> value: SHA-256 (hex) of the password (base64), the certificate and the CA (PEM), joined by newlines.</summary>
    public static string ChecksumOf(string passwordBase64, string certificatePem, string caPem) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{passwordBase64}\n{certificatePem}\n{caPem}")));

    private static JsonObject Probe(string path, int period, int failures) => new()
    {
        ["httpGet"] = new JsonObject { ["path"] = path, ["port"] = "https", ["scheme"] = "HTTPS" },
        ["periodSeconds"] = period,
        ["failureThreshold"] = failures,
    };

    private JsonObject? PodDisruptionBudget()
    {
        var pdb = _values.Get("kubernetes.podDisruptionBudget");
        if (!HelmValues.Truthy(pdb) || HelmValues.GoString(HelmValues.Get(pdb, "enabled")) == "false")
        {
            return null;
        }

        var spec = new JsonObject();
        var max = HelmValues.Get(pdb, "maxUnavailable");
        if (pdb is YamlMappingNode m && m.Children.ContainsKey(new YamlScalarNode("maxUnavailable")))
        {
            spec["maxUnavailable"] = HelmValues.Json(max);
        }
        else
        {
            spec["minAvailable"] = Or(HelmValues.Get(pdb, "minAvailable"), 1);
        }

        spec["selector"] = new JsonObject { ["matchLabels"] = SelectorLabels() };
        return new JsonObject { ["apiVersion"] = "policy/v1", ["kind"] = "PodDisruptionBudget", ["metadata"] = Metadata($"{Name}-pod-disruption-budget"), ["spec"] = spec };
    }

    private IEnumerable<JsonObject> NetworkPolicies()
    {
        var np = _values.Get("kubernetes.networkPolicy");
        if (HelmValues.GoString(HelmValues.Get(np, "enabled")) == "false")
        {
            yield break;
        }

        var ingress = new JsonObject { ["ports"] = new JsonArray(new JsonObject { ["port"] = 5000, ["protocol"] = "TCP" }) };
        if (HelmValues.Truthy(HelmValues.Get(np, "from")))
        {
            ingress["from"] = HelmValues.Json(HelmValues.Get(np, "from"));
        }

        yield return new JsonObject
        {
            ["apiVersion"] = "networking.k8s.io/v1",
            ["kind"] = "NetworkPolicy",
            ["metadata"] = Metadata($"{Name}-network-policy"),
            ["spec"] = new JsonObject
            {
                ["podSelector"] = new JsonObject { ["matchLabels"] = SelectorLabels() },
                ["policyTypes"] = new JsonArray("Ingress"),
                ["ingress"] = new JsonArray(ingress),
            },
        };

        if (Redis)
        {
            // Redis holds verdicts Verity trusts: only Verity's pods reach it, and it reaches nothing (Egress without rules).
            yield return new JsonObject
            {
                ["apiVersion"] = "networking.k8s.io/v1",
                ["kind"] = "NetworkPolicy",
                ["metadata"] = Metadata($"{RedisName}-network-policy"),
                ["spec"] = new JsonObject
                {
                    ["podSelector"] = new JsonObject { ["matchLabels"] = RedisSelectorLabels() },
                    ["policyTypes"] = new JsonArray("Ingress", "Egress"),
                    ["ingress"] = new JsonArray(new JsonObject
                    {
                        ["from"] = new JsonArray(new JsonObject { ["podSelector"] = new JsonObject { ["matchLabels"] = SelectorLabels() } }),
                        ["ports"] = new JsonArray(new JsonObject { ["port"] = 6379, ["protocol"] = "TCP" }),
                    }),
                },
            };
        }
    }

    /// <param name="tls">The generated or given certificate; null with cert-manager, whose cainjector fills <c>caBundle</c>.</param>
    private JsonObject Webhook(ServingCertificate? tls)
    {
        var hook = _values.Mapping("kubernetes.webhook");
        var mode = NamespacedValidation;
        var webhooks = new JsonArray(WebhookEntry($"{ServiceName}.{_namespace}.svc", ConnaisseurLabel, mode, hook, tls));
        if (mode == "validate")
        {
            // Label selectors cannot say "either label": a second webhook takes the namespaces with only Verity's label.
            webhooks.Append(WebhookEntry($"verity-label.{ServiceName}.{_namespace}.svc", VerityLabel, mode, hook, tls));
        }

        var metadata = Metadata($"{Name}-webhook", namespaced: false);
        if (tls is null)
        {
            metadata["annotations"] = new JsonObject { [InjectCaAnnotation] = $"{_namespace}/{TlsName}" };
        }

        return new JsonObject
        {
            ["apiVersion"] = "admissionregistration.k8s.io/v1",
            ["kind"] = "MutatingWebhookConfiguration",
            ["metadata"] = metadata,
            ["webhooks"] = webhooks,
        };
    }

    private JsonObject WebhookEntry(string name, string key, string mode, YamlMappingNode hook, ServingCertificate? tls)
    {
        var expressions = new JsonArray(Expression("kubernetes.io/metadata.name", "NotIn", _namespace));
        if (mode == "ignore")
        {
            expressions.Append(Expression(ConnaisseurLabel, "NotIn", "ignore"));
            expressions.Append(Expression(VerityLabel, "NotIn", "ignore"));
        }
        else if (mode == "validate")
        {
            expressions.Append(Expression(key, "In", "validate"));
            if (key == VerityLabel)
            {
                expressions.Append(Expression(ConnaisseurLabel, "NotIn", "validate"));
            }
        }

        var clientConfig = new JsonObject
        {
            ["service"] = new JsonObject { ["name"] = ServiceName, ["namespace"] = _namespace, ["path"] = "/mutate", ["port"] = ServicePort.DeepClone() },
        };
        if (tls is not null)
        {
            clientConfig["caBundle"] = Base64(tls.CaPem);
        }

        return new JsonObject
        {
            ["name"] = name,
            ["admissionReviewVersions"] = new JsonArray("v1", "v1beta1"),
            ["clientConfig"] = clientConfig,
            ["failurePolicy"] = Or(HelmValues.Get(hook, "failurePolicy"), "Fail"),
            ["reinvocationPolicy"] = Or(HelmValues.Get(hook, "reinvocationPolicy"), "Never"),
            ["matchPolicy"] = "Equivalent",
            ["sideEffects"] = "None",
            ["timeoutSeconds"] = Or(HelmValues.Get(hook, "timeoutSeconds"), 30),
            ["rules"] = new JsonArray(
                WebhookRule("", "pods", "pods/ephemeralcontainers", "replicationcontrollers"),
                WebhookRule("apps", "deployments", "replicasets", "daemonsets", "statefulsets"),
                WebhookRule("batch", "jobs", "cronjobs")),
            ["namespaceSelector"] = new JsonObject { ["matchExpressions"] = expressions },
        };
    }

    private static JsonObject WebhookRule(string group, params string[] resources) => new()
    {
        ["operations"] = new JsonArray("CREATE", "UPDATE"),
        ["apiGroups"] = new JsonArray(group),
        ["apiVersions"] = new JsonArray("v1"),
        ["resources"] = new JsonArray([.. resources.Select(r => (JsonNode?)r)]),
        ["scope"] = "Namespaced",
    };

    private static JsonObject Expression(string key, string op, string value) => new()
    {
        ["key"] = key,
        ["operator"] = op,
        ["values"] = new JsonArray(value),
    };

    // ---------------------------------------------------------------- helpers

    private static JsonNode Or(YamlNode? node, JsonNode fallback) => HelmValues.Truthy(node) ? HelmValues.Json(node)! : fallback;

    private static void CopyIfTruthy(YamlMappingNode source, string key, JsonObject target, string targetKey)
    {
        var node = HelmValues.Get(source, key);
        if (HelmValues.Truthy(node))
        {
            target[targetKey] = HelmValues.Json(node);
        }
    }

    private static JsonObject Strings(YamlNode mapping)
    {
        var result = new JsonObject();
        AddStrings(result, mapping);
        return result;
    }

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static string ToYaml(YamlNode node)
    {
        var writer = new StringWriter();
        new YamlStream(new YamlDocument(node)).Save(writer, assignAnchors: false);
        var text = writer.ToString();
        return text.EndsWith("...\n", StringComparison.Ordinal) ? text[..^4] : text;
    }
}
