namespace Verity.Hosting;

/// <summary>How <c>verity serve</c> runs.</summary>
internal sealed record ServeOptions
{
    /// <summary>The configuration file.</summary>
    public required string ConfigFile { get; init; }

    /// <summary>Where to listen, e.g. <c>https://127.0.0.1:8443</c>; port 0 picks a free port.</summary>
    public IReadOnlyList<string> Urls { get; init; } = ["https://127.0.0.1:8443"];

    /// <summary>PEM certificate file; with <see cref="TlsKeyFile"/>, else a self-signed certificate is generated.</summary>
    public string? TlsCertFile { get; init; }

    /// <summary>PEM private key file.</summary>
    public string? TlsKeyFile { get; init; }

    /// <summary>The admission deadline.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Overrides the configuration's log level.</summary>
    public string? LogLevel { get; init; }

    /// <summary>Where <c>auth.secretName</c> secrets are mounted (<c>DIR/&lt;name&gt;/.dockerconfigjson</c> or <c>secret.yaml</c>); default <c>/app/secrets</c>, as Connaisseur's chart mounts them.</summary>
    public string? SecretsDirectory { get; init; }

    /// <summary>Read <c>auth.secretName</c> secrets from the Kubernetes API in this namespace instead of files.</summary>
    public string? SecretsNamespace { get; init; }

    /// <summary>A kubeconfig file for the API server; default: the in-cluster service account, else <c>KUBECONFIG</c> or <c>~/.kube/config</c>.</summary>
    public string? Kubeconfig { get; init; }
    /// <summary>Where validators keep state across restarts (notaryv1: rollback floors and trusted roots); null keeps it in memory.</summary>
    public string? StateDirectory { get; init; }

    /// <summary>How often the configuration file is checked for changes; zero turns reloading off.</summary>
    public TimeSpan ReloadInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Where custom alert templates (<c>&lt;name&gt;.json</c>) are read from; default <c>/app/alerts/templates</c>, as Connaisseur's chart mounts them.</summary>
    public string? AlertTemplatesDirectory { get; init; }

    /// <summary>What <c>{{ connaisseur_pod_id }}</c> renders; default the <c>POD_NAME</c> environment variable, else the host name.</summary>
    public string? PodName { get; init; }

    /// <summary>The shared cache's Redis server (from <c>REDIS_HOST</c>, <c>REDIS_PASSWORD</c> and the CA file); null keeps
    /// verdicts and rollback floors in this process only.</summary>
    public Caching.RedisOptions? Redis { get; init; }

    /// <summary>The longest the start-up warm-up (<see cref="StartupWarmUp"/>) may hold <c>/ready</c> back; zero skips it.</summary>
    public TimeSpan WarmUpTimeout { get; init; } = TimeSpan.FromSeconds(3);
}
