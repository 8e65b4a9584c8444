using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Verity.Core.Configuration;

/// <summary>
/// Reads a Connaisseur configuration as it is: v3 Helm values (<c>application:</c>), v2 Helm values
/// (top-level <c>validators</c>/<c>policy</c> with snake_case keys) or a bare file.
/// </summary>
/// <remarks>
/// Every problem is collected, with the file, line and key path, before the load fails with a
/// <see cref="ConfigurationException"/>; nothing half-loaded is ever returned. Beyond Connaisseur, a rule
/// naming a validator or trust root that does not exist, a duplicate name, an invalid glob or key material
/// that cannot be read are caught here rather than when the first request needs them.
/// </remarks>
public sealed class ConfigLoader
{
    private static readonly string[] V2FeatureKeys =
        ["detectionMode", "namespacedValidation", "automaticChildApproval", "automaticUnchangedApproval", "debug"];

    private static readonly string[] V2OnlyKeys = ["deployment", "service", .. V2FeatureKeys];

    private readonly ValidatorTypeRegistry _types;

    /// <summary>Creates a loader that knows the validator types of <paramref name="types"/>.</summary>
    public ConfigLoader(ValidatorTypeRegistry types)
    {
        _types = types ?? throw new ArgumentNullException(nameof(types));
    }

    /// <summary>The validator types this loader reads.</summary>
    public ValidatorTypeRegistry Types => _types;

    /// <summary>Reads and validates a configuration file.</summary>
    /// <exception cref="ConfigurationException">The file cannot be read or has errors.</exception>
    public VerityConfiguration Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new ConfigurationException([new ConfigError(path, string.Empty, 0, $"cannot read the configuration file: {e.Message}")]);
        }

        return Parse(text, path);
    }

    /// <summary>Parses and validates configuration text; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="ConfigurationException">The text has errors.</exception>
    public VerityConfiguration Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(source);
        var context = new ConfigContext(source);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new ConfigurationException(
                [new ConfigError(source, string.Empty, (int)e.Start.Line, $"not valid YAML: {e.InnerException?.Message ?? e.Message}")]);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet throws these instead of a YamlException on some broken input (an unclosed flow sequence, a key
            // without its colon; found by fuzzing, docs/fuzzing.md). They carry no position.
            throw new ConfigurationException([new ConfigError(
                source, string.Empty, 0, "not valid YAML: the YAML reader stopped at an unexpected token (look for an unclosed \"[\" or \"{\", or a key without \":\")")]);
        }

        if (stream.Documents.Count != 1)
        {
            throw new ConfigurationException([new ConfigError(
                source, string.Empty, 0, stream.Documents.Count == 0 ? "the file is empty" : "the file has more than one YAML document")]);
        }

        var root = YamlMapping.From(context, stream.Documents[0].RootNode, string.Empty);
        var configuration = root is null ? null : Read(context, root);
        if (context.Errors.Count > 0 || configuration is null)
        {
            throw new ConfigurationException([.. context.Errors]);
        }

        return configuration with
        {
            Warnings = [.. context.Warnings],
            ContentHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text))),
        };
    }

    private VerityConfiguration? Read(ConfigContext context, YamlMapping root)
    {
        ConfigLayout layout;
        YamlMapping body;
        if (root.Has("application"))
        {
            layout = ConfigLayout.HelmValuesV3;
            var application = root.Mapping("application");
            if (application is null)
            {
                return null;
            }

            body = application;
            root.Ignore("kubernetes", "global", "nameOverride", "fullnameOverride");
        }
        else if (root.Has("validators") || root.Has("policy"))
        {
            body = root;
            bool v2 = !root.Has("features") && V2OnlyKeys.Any(root.Has);
            layout = v2 ? ConfigLayout.HelmValuesV2 : ConfigLayout.Bare;
            root.Ignore("deployment", "service", "kubernetes", "nameOverride", "fullnameOverride");
        }
        else
        {
            context.Error(string.Empty, root.Node,
                "no validators found: expected application.validators (Connaisseur v3 Helm values) or top-level validators (Connaisseur v2 values or a bare configuration)");
            return null;
        }

        var broken = new HashSet<string>(StringComparer.Ordinal);
        var validators = ValidatorsReader.ReadAll(body, layout, _types, broken);
        var policy = PolicyReader.Read(body, layout, validators, _types, broken);
        var features = FeaturesReader.Read(root, body, layout);
        var logging = LoggingReader.Read(root, body, layout);
        var alerting = root.Has("alerting") ? AlertingReader.Read(root.Mapping("alerting")) : AlertingSettings.None;

        if (!ReferenceEquals(body, root))
        {
            body.RejectUnknown();
        }

        root.RejectUnknown();
        if (policy is null)
        {
            return null;
        }

        return new VerityConfiguration
        {
            Source = context.File,
            Layout = layout,
            Validators = validators,
            Policy = policy,
            Features = features,
            Logging = logging,
            Alerting = alerting,
        };
    }
}
