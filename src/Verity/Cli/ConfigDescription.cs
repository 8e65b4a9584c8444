using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Verity.Core.Configuration;
using Verity.Core.Policy;
using Verity.Core.Trust;

namespace Verity.Cli;

/// <summary>
/// The effective configuration as JSON, defaults filled in and secrets redacted, for <c>verity config show</c>.
/// </summary>
/// <remarks>
/// Validator definitions and rule options are described from their public properties, so a new validator type shows
/// up without a line here. Secrets never appear: passwords, receiver URLs beyond the host and header values are
/// replaced by <see cref="Redacted"/>; keys and certificates appear as their algorithm and SHA-256 fingerprint.
/// </remarks>
internal static class ConfigDescription
{
    public const string Redacted = "<redacted>";

    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        TypeInfoResolver = CliJson.Default,
    };

    public static string ToJson(VerityConfiguration configuration)
    {
        var root = new JsonObject
        {
            ["source"] = configuration.Source,
            ["layout"] = configuration.Layout.ToString(),
            ["validators"] = new JsonArray([.. configuration.Validators.Select(v => Describe(v, depth: 0))]),
            ["policy"] = new JsonArray([.. configuration.Policy.Rules.Select(Rule)]),
            ["features"] = Describe(configuration.Features, depth: 0),
            ["alerting"] = Alerting(configuration.Alerting),
            ["logging"] = Describe(configuration.Logging, depth: 0),
        };
        return root.ToJsonString(Options);
    }

    private static JsonObject Rule(PolicyRule rule) => new()
    {
        ["pattern"] = rule.Pattern.Original,
        ["validator"] = rule.Validator,
        ["with"] = Describe(rule.Options, depth: 0),
    };

    private static JsonObject Alerting(AlertingSettings alerting)
    {
        JsonArray Receivers(IEnumerable<AlertReceiver> receivers) => new([.. receivers.Select(r => (JsonNode)new JsonObject
        {
            ["template"] = r.Template,
            ["receiverUrl"] = $"{r.ReceiverUrl.GetLeftPart(UriPartial.Authority)}/{Redacted}",
            ["priority"] = r.Priority,
            ["customHeaders"] = new JsonArray([.. r.CustomHeaders.Select(h => (JsonNode)$"{h.Key}: {Redacted}")]),
            ["payloadFields"] = r.PayloadFields?.DeepClone(),
            ["failIfAlertSendingFails"] = r.FailIfAlertSendingFails,
        })]);
        return new JsonObject
        {
            ["clusterIdentifier"] = alerting.ClusterIdentifier,
            ["admitRequest"] = Receivers(alerting.AdmitRequest),
            ["rejectRequest"] = Receivers(alerting.RejectRequest),
        };
    }

    private static JsonNode? Describe(object? value, int depth)
    {
        switch (value)
        {
            case null:
                return null;
            case string text:
                return text;
            case bool flag:
                return flag;
            case int number:
                return number;
            case long number:
                return number;
            case double number:
                return number;
            case Enum e:
                return e.ToString();
            case Uri uri:
                return uri.ToString();
            case TimeSpan span:
                return span.ToString();
            case RegistryAuth auth:
                return new JsonObject
                {
                    ["secretName"] = auth.SecretName,
                    ["username"] = auth.Username,
                    ["password"] = auth.Password is null ? null : Redacted,
                    ["registry"] = auth.Registry,
                    ["useKeychain"] = auth.UseKeychain,
                };
            case VerificationKey key:
                return key.ToString();
            case X509Certificate2 certificate:
                return $"{certificate.Subject} (sha256 {certificate.GetCertHashString(HashAlgorithmName.SHA256)[..16]}…, until {certificate.NotAfter:yyyy-MM-dd})";
            case TrustRoot root:
                return TrustRootJson(root, depth);
            case Glob glob:
                return glob.Pattern;
            case JsonNode node:
                return node.DeepClone();
            case IDictionary dictionary:
                var map = new JsonObject();
                foreach (DictionaryEntry entry in dictionary)
                {
                    map[entry.Key.ToString()!] = Describe(entry.Value, depth + 1);
                }

                return map;
            case IEnumerable items:
                return new JsonArray([.. items.Cast<object?>().Select(i => Describe(i, depth + 1))]);
            default:
                return depth > 6 ? value.ToString() : Properties(value, depth);
        }
    }

    private static JsonObject TrustRootJson(TrustRoot root, int depth)
    {
        var json = Properties(root, depth);
        json["form"] = root.GetType().Name.Replace("TrustRoot", string.Empty, StringComparison.Ordinal);
        return json;
    }

    // Every object described here is a configuration type of Verity's own assemblies, which the AOT build roots
    // (Verity.csproj: TrimmerRootAssembly), so their public properties keep their reflection metadata.
    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "Verity's own assemblies are rooted in the AOT build; see above.")]
    private static JsonObject Properties(object value, int depth)
    {
        var json = new JsonObject();
        foreach (var property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || property.Name is "EqualityContract" || property.GetCustomAttribute<ObsoleteAttribute>() is not null)
            {
                continue;
            }

            var name = char.ToLowerInvariant(property.Name[0]) + property.Name[1..];
            json[name] = name.Contains("password", StringComparison.OrdinalIgnoreCase) ? Redacted : Describe(property.GetValue(value), depth + 1);
        }

        return json;
    }
}
