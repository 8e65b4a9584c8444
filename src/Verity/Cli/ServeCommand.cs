using System.CommandLine;
using System.Security.Cryptography;
using Verity.Core.Configuration;
using Verity.Hosting;

namespace Verity.Cli;

/// <summary><c>verity serve</c>: run the admission webhook.</summary>
internal static class ServeCommand
{
    public static Command Create(TextWriter errors)
    {
        var config = CommonOptions.Config();
        var urls = new Option<string[]>("--urls")
        {
            Description = "Where to listen, e.g. https://127.0.0.1:8443 (repeatable; port 0 picks a free port)",
            DefaultValueFactory = _ => ["https://127.0.0.1:8443"],
            AllowMultipleArgumentsPerToken = true,
        };
        var cert = new Option<FileInfo?>("--tls-cert") { Description = "PEM certificate (chain) to serve; re-read when it changes" };
        var key = new Option<FileInfo?>("--tls-key") { Description = "PEM private key of --tls-cert" };
        var timeout = new Option<double?>("--timeout") { Description = "Admission deadline in seconds (default 28)" };
        var reload = new Option<double>("--reload-interval")
        {
            Description = "Seconds between checks of the configuration file for changes; 0 turns reloading off",
            DefaultValueFactory = _ => 5,
        };
        var secretsDir = new Option<DirectoryInfo?>("--secrets-dir")
        {
            Description = "Where auth.secretName secrets are mounted as files (<dir>/<name>/.dockerconfigjson or secret.yaml; default /app/secrets); k8s:// key references are then read from <dir>/<namespace>/<secret>/",
        };
        var secretsNamespace = new Option<string?>("--secrets-namespace")
        {
            Description = "Read auth.secretName secrets from the Kubernetes API in this namespace (in-cluster service account) instead of files",
        };
        var kubeconfig = new Option<FileInfo?>("--kubeconfig")
        {
            Description = "The API server to read owners, namespaces and secrets from and write policy reports to; default: the in-cluster service account, else KUBECONFIG or ~/.kube/config",
        };
        var stateDir = new Option<DirectoryInfo?>("--state-dir")
        {
            Description = "Where validators keep state across restarts (notaryv1: each collection's rollback floor and last trusted root, under <dir>/notaryv1/); default: in memory, forgotten on restart",
        };
        var alertTemplates = new Option<DirectoryInfo?>("--alert-templates-dir")
        {
            Description = "Where custom alert templates (<name>.json) are read from; default /app/alerts/templates. The shipped ones (slack, opsgenie, keybase, msteams, ecs-1-12-0) are built in",
        };
        var redisCa = new Option<string?>("--redis-ca-file")
        {
            Description = "With REDIS_HOST: the PEM CA certificate(s) the Redis server's certificate must chain to (TLS); default /app/redis-certs/tls.crt when present, else plain TCP",
        };
        var warmUp = new Option<double>("--warm-up-timeout")
        {
            Description = "Seconds the start-up warm-up (synthetic reviews, connections to Notary servers) may hold /ready back; 0 skips it",
            DefaultValueFactory = _ => 3,
        };
        var logLevel = CommonOptions.LogLevel();
        var command = new Command("serve", "Run the admission webhook (POST /mutate, GET /health, GET /ready) over HTTPS")
        {
            config, urls, cert, key, timeout, reload, secretsDir, secretsNamespace, kubeconfig, stateDir, alertTemplates, redisCa, warmUp, logLevel,
        };
        command.Validators.Add(result =>
        {
            if ((result.GetValue(cert) is null) != (result.GetValue(key) is null))
            {
                result.AddError("--tls-cert and --tls-key must be given together");
            }

            if (result.GetValue(secretsDir) is not null && result.GetValue(secretsNamespace) is not null)
            {
                result.AddError("--secrets-dir and --secrets-namespace cannot both be given");
            }
            else if (result.GetValue(secretsNamespace) is not null && result.GetValue(kubeconfig) is null && !k8s.KubernetesClientConfiguration.IsInCluster())
            {
                result.AddError("--secrets-namespace reads secrets with the in-cluster service account, and this process is not running in a cluster (give --kubeconfig to use another API server)");
            }

            if (result.GetValue(kubeconfig) is { Exists: false } missing)
            {
                result.AddError($"--kubeconfig: the file {missing.FullName} does not exist");
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            Caching.RedisOptions? redis;
            try
            {
                // The shared cache as Connaisseur's chart configures it: REDIS_HOST, REDIS_PASSWORD, the mounted CA file.
                var caFile = parse.GetValue(redisCa) is { } ca ? Path.GetFullPath(ca) : null;
                redis = RedisEnvironment.Read(Environment.GetEnvironmentVariable, caFile, File.Exists);
            }
            catch (ConfigurationException e)
            {
                return CommonOptions.ConfigError(errors, e);
            }

            var options = new ServeOptions
            {
                Redis = redis,
                ConfigFile = parse.GetValue(config)!.FullName,
                Urls = [.. parse.GetValue(urls)!.SelectMany(u => u.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))],
                TlsCertFile = parse.GetValue(cert)?.FullName,
                TlsKeyFile = parse.GetValue(key)?.FullName,
                Timeout = parse.GetValue(timeout) is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
                ReloadInterval = TimeSpan.FromSeconds(parse.GetValue(reload)),
                WarmUpTimeout = TimeSpan.FromSeconds(parse.GetValue(warmUp)),
                LogLevel = parse.GetValue(logLevel),
                SecretsDirectory = parse.GetValue(secretsDir)?.FullName,
                SecretsNamespace = parse.GetValue(secretsNamespace),
                Kubeconfig = parse.GetValue(kubeconfig)?.FullName,
                StateDirectory = parse.GetValue(stateDir)?.FullName,
                AlertTemplatesDirectory = parse.GetValue(alertTemplates)?.FullName,
            };
            WebApplication app;
            try
            {
                app = WebhookHost.Build(options);
            }
            catch (ConfigurationException e)
            {
                return CommonOptions.ConfigError(errors, e);
            }

            try
            {
                await app.RunAsync();
                return VerityCli.Ok;
            }
            catch (Exception e) when (e is IOException or CryptographicException)
            {
                await errors.WriteLineAsync($"verity: cannot start the server: {e.Message}");
                return VerityCli.UsageError;
            }
            finally
            {
                await app.DisposeAsync();
            }
        });
        return command;
    }
}
