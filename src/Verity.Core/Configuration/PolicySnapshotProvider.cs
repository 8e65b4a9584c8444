using System.Collections.Frozen;
using System.Collections.Immutable;
using Verity.Core.Alerting;
using Verity.Core.Validation;

namespace Verity.Core.Configuration;

/// <summary>Holds the current <see cref="PolicySnapshot"/> and replaces it atomically on reload.</summary>
/// <remarks>
/// Validators are created by their <see cref="IValidatorType"/> with the services of <paramref name="services"/>
/// (the process's container), so state a type shares across snapshots (rollback floors, kept trust data) lives
/// there, not in the snapshot.
/// </remarks>
/// <param name="loader">Reads configuration files.</param>
/// <param name="services">What validator types create validators with.</param>
/// <param name="time">The clock of <see cref="PolicySnapshot.LoadedAt"/>.</param>
public sealed class PolicySnapshotProvider(ConfigLoader loader, IServiceProvider services, TimeProvider time)
{
    private PolicySnapshot? _current;
    private long _generations;

    /// <summary>The loader configurations are read with.</summary>
    public ConfigLoader Loader => loader;

    /// <summary>The snapshot requests use, or null before the first successful load.</summary>
    public PolicySnapshot? Current => Volatile.Read(ref _current);

    /// <summary>Loads, validates and builds a configuration and makes it current.</summary>
    /// <exception cref="ConfigurationException">The configuration has errors; the current snapshot is kept.</exception>
    public PolicySnapshot Load(string path) => Use(loader.Load(path));

    /// <summary>Builds a configuration and makes it current.</summary>
    /// <exception cref="ConfigurationException">A validator cannot be built; the current snapshot is kept.</exception>
    public PolicySnapshot Use(VerityConfiguration configuration)
    {
        var snapshot = Build(configuration);
        Volatile.Write(ref _current, snapshot);
        return snapshot;
    }

    /// <summary>Builds every validator of <paramref name="configuration"/> into a snapshot, without making it current; no I/O.</summary>
    /// <exception cref="ConfigurationException">A validator type has no implementation or rejects its settings.</exception>
    public PolicySnapshot Build(VerityConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var errors = ImmutableArray.CreateBuilder<ConfigError>();
        var validators = new Dictionary<string, IValidator>(StringComparer.Ordinal);
        foreach (var definition in configuration.Validators)
        {
            try
            {
                validators[definition.Name] = loader.Types.Create(definition, services);
            }
            catch (ConfigurationException e)
            {
                errors.AddRange(e.Errors.Select(x => x with
                {
                    File = configuration.Source,
                    Path = string.IsNullOrEmpty(x.Path) ? definition.Path + (loader.Types.Find(definition.Type) is null ? ".type" : string.Empty) : x.Path,
                }));
            }
        }

        var templates = BuildAlertTemplates(configuration, errors);
        if (errors.Count > 0)
        {
            throw new ConfigurationException(errors.ToImmutable());
        }

        return new PolicySnapshot(
            configuration, validators.ToFrozenDictionary(StringComparer.Ordinal), time.GetUtcNow(), Interlocked.Increment(ref _generations), templates);
    }

    /// <summary>
    /// Reads and checks the template of every alert receiver, so that a template that cannot render a JSON object is
    /// refused with the configuration (Connaisseur finds out when it first sends).
    /// </summary>
    /// <remarks>
    /// Here rather than in <c>AlertingReader</c>: the shipped templates are resources of the executable and custom
    /// ones files in a directory the server is told, both reached through <see cref="IAlertTemplateSource"/>, which
    /// keeps the reader free of I/O, while this is the step every load goes through (serve, reload,
    /// <c>config validate</c>) before a snapshot can be used.
    /// </remarks>
    private FrozenDictionary<string, AlertTemplate> BuildAlertTemplates(VerityConfiguration configuration, ImmutableArray<ConfigError>.Builder errors)
    {
        var receivers = configuration.Alerting.AdmitRequest.Concat(configuration.Alerting.RejectRequest).ToList();
        var templates = new Dictionary<string, AlertTemplate>(StringComparer.Ordinal);
        if (receivers.Count == 0)
        {
            return templates.ToFrozenDictionary(StringComparer.Ordinal);
        }

        var source = services.GetService(typeof(IAlertTemplateSource)) as IAlertTemplateSource;
        var refused = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var receiver in receivers)
        {
            var path = receiver.Path + ".template";
            if (!templates.TryGetValue(receiver.Template, out var template) && !refused.ContainsKey(receiver.Template))
            {
                string? problem = "no alert templates are available here";
                var text = source?.Find(receiver.Template, out problem);
                if (text is null)
                {
                    refused[receiver.Template] = $"alert template \"{receiver.Template}\": {problem}";
                }
                else
                {
                    try
                    {
                        template = AlertTemplate.Parse(receiver.Template, text);
                        templates[receiver.Template] = template;
                    }
                    catch (AlertTemplateException e)
                    {
                        refused[receiver.Template] = $"alert template \"{receiver.Template}\" {(e.Message.StartsWith("does not", StringComparison.Ordinal) ? string.Empty : "at ")}{e.Message}";
                    }
                }
            }

            if (refused.TryGetValue(receiver.Template, out var why))
            {
                errors.Add(new ConfigError(configuration.Source, path, receiver.TemplateLine, why));
                continue;
            }

            try
            {
                template!.CheckPayloadFields(receiver.PayloadFields);
            }
            catch (AlertTemplateException e)
            {
                errors.Add(new ConfigError(configuration.Source, receiver.Path + ".payloadFields", 0, $"cannot be merged into the alert: {e.Message}"));
            }
        }

        return templates.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
