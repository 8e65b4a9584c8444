using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using Verity.Core.Json;

namespace Verity.Registry.Auth;

/// <summary>
/// Parses the <c>auths</c> of a Docker <c>config.json</c> (Kubernetes <c>kubernetes.io/dockerconfigjson</c>) or
/// a legacy <c>.dockercfg</c> (the same map without the <c>auths</c> wrapper).
/// </summary>
/// <remarks>
/// Per entry, <c>auth</c> (base64 of <c>user:password</c>, split at the first colon) wins over
/// <c>username</c>/<c>password</c>, as in the docker CLI. Entries with only an <c>identitytoken</c> or
/// <c>registrytoken</c> (OAuth refresh flows) or without any credential are skipped; entries whose key has no
/// usable host are skipped. Error messages name the key, never the values.
/// </remarks>
internal static class DockerConfigParser
{
    public static ImmutableArray<RegistryCredentialEntry> Parse(ReadOnlySpan<byte> json)
    {
        JsonDocument document;
        var options = new JsonReaderOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Skip };
        try
        {
            var reader = new Utf8JsonReader(json, options);
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException)
        {
            // The exception text could quote the document; say only where it broke.
            throw new FormatException("the Docker config is not valid JSON");
        }

        if (JsonUnicode.FindInvalidString(json, options) is not null)
        {
            document.Dispose();
            throw new FormatException("the Docker config has a key or value that is not valid Unicode");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("the Docker config is not a JSON object");
            }

            var auths = root.TryGetProperty("auths", out var a) ? a : root;
            if (auths.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("\"auths\" in the Docker config is not an object");
            }

            var entries = ImmutableArray.CreateBuilder<RegistryCredentialEntry>();
            foreach (var property in auths.EnumerateObject())
            {
                if (property.Value.ValueKind != JsonValueKind.Object || !CredentialKey.TryParse(property.Name, out var key))
                {
                    continue;
                }

                var credential = ReadCredential(property.Name, property.Value);
                if (credential is not null)
                {
                    entries.Add(new RegistryCredentialEntry(key, credential));
                }
            }

            return entries.ToImmutable();
        }
    }

    private static RegistryCredential? ReadCredential(string name, JsonElement entry)
    {
        var auth = String(entry, "auth");
        if (!string.IsNullOrEmpty(auth))
        {
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(auth));
            }
            catch (FormatException)
            {
                throw new FormatException($"the \"auth\" of \"{name}\" is not base64");
            }

            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new FormatException($"the \"auth\" of \"{name}\" is not base64 of user:password");
            }

            return new RegistryCredential(decoded[..colon], decoded[(colon + 1)..]);
        }

        var username = String(entry, "username");
        var password = String(entry, "password");
        return !string.IsNullOrEmpty(username) && password is not null ? new RegistryCredential(username, password) : null;
    }

    private static string? String(JsonElement entry, string name)
    {
        return entry.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }
}
