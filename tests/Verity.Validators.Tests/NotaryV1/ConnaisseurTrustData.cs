using System.Text;
using System.Text.Json;
using Verity.Core.Trust;
using Verity.Testing;
using Verity.Validators.NotaryV1;
using YamlDotNet.RepresentationModel;

namespace Verity.Validators.Tests.NotaryV1;

/// <summary>
/// Connaisseur's Notary v1 test data (<c>test/testdata/notaryv1/</c>), read in place, and served the way
/// Connaisseur's mock Notary server serves it.
/// </summary>
/// <remarks>
/// Connaisseur's <c>NotaryMock</c> (<c>test/testhelper/mock_server.go</c>) does not serve the files' bytes: it
/// unmarshals each into <c>data.Signed</c> and marshals it again, so clients receive
/// <c>{"signed":&lt;signed, compacted&gt;,"signatures":[{"keyid":…,"method":…,"sig":…}]}</c>. The hashes in the
/// fixtures' snapshot and timestamp metadata were computed over that form (the fixtures' <c>hash</c> tool
/// hashes the compact re-marshalled file), so the tests serve exactly that form too and the production
/// check stays over the bytes as served. Files that are not metadata are served as they are.
/// </remarks>
internal static class ConnaisseurTrustData
{
    /// <summary>The pinned key Connaisseur's <c>TestValidateImage</c> uses for the never-expire repositories.</summary>
    public static PublicKeyTrustRoot NeverExpireKey => TrustRoot("08_never_expire_notary.yaml", "default");

    /// <summary>A path below <c>notaryv1/trust_data</c>.</summary>
    public static string TrustDataPath(params string[] parts) => SharedFixtures.Connaisseur(["notaryv1", "trust_data", .. parts]);

    /// <summary>A file's bytes as the mock server serves them.</summary>
    public static byte[] Served(params string[] parts) => Remarshal(File.ReadAllBytes(TrustDataPath(parts)));

    /// <summary>A fetcher serving repository <paramref name="repository"/>, with single files replaced by <paramref name="replacements"/>.</summary>
    public static NotaryRoleFetcher Fetcher(string repository, IReadOnlyDictionary<string, string>? replacements = null, List<string>? requested = null) =>
        (role, _, _) =>
        {
            lock (requested ?? new List<string>())
            {
                requested?.Add(role);
            }

            var path = replacements is not null && replacements.TryGetValue(role, out var replacement)
                ? TrustDataPath(replacement)
                : TrustDataPath(repository, role + ".json");
            return ValueTask.FromResult(File.Exists(path) ? Remarshal(File.ReadAllBytes(path)) : null);
        };

    /// <summary>A trust root from one of Connaisseur's validator configurations.</summary>
    public static PublicKeyTrustRoot TrustRoot(string configFile, string name)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(SharedFixtures.Connaisseur("notaryv1", configFile)))
        {
            yaml.Load(reader);
        }

        var roots = (YamlSequenceNode)((YamlMappingNode)yaml.Documents[0].RootNode)["trustRoots"];
        foreach (YamlMappingNode root in roots)
        {
            if (((YamlScalarNode)root["name"]).Value == name)
            {
                return new PublicKeyTrustRoot(name, VerificationKey.Parse(((YamlScalarNode)root["key"]).Value!));
            }
        }

        throw new KeyNotFoundException($"no trust root {name} in {configFile}");
    }

    /// <summary>
    /// Go's <c>json.Marshal(data.Signed)</c> after <c>json.Unmarshal</c>, as docker/go's encoder does it:
    /// <c>signed</c> is a <c>json.RawMessage</c>, copied compacted with <c>&lt;</c>, <c>&gt;</c>, <c>&amp;</c>,
    /// U+2028 and U+2029 escaped; each signature is re-encoded with its method lower-cased and its bytes in
    /// standard base64.
    /// </summary>
    public static byte[] Remarshal(byte[] file)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(file);
        }
        catch (JsonException)
        {
            return file;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("signed", out var signed))
            {
                return file;
            }

            var output = new StringBuilder("{\"signed\":");
            Compact(signed.GetRawText(), output);
            output.Append(",\"signatures\":");
            if (!root.TryGetProperty("signatures", out var signatures) || signatures.ValueKind == JsonValueKind.Null)
            {
                output.Append("null");
            }
            else
            {
                output.Append('[');
                var first = true;
                foreach (var signature in signatures.EnumerateArray())
                {
                    output.Append(first ? string.Empty : ",");
                    first = false;
                    var sig = signature.TryGetProperty("sig", out var s) ? Convert.ToBase64String(s.GetBytesFromBase64()) : null;
                    output.Append("{\"keyid\":").Append(GoString(signature.GetProperty("keyid").GetString()!))
                        .Append(",\"method\":").Append(GoString((signature.TryGetProperty("method", out var m) ? m.GetString()! : string.Empty).ToLowerInvariant()))
                        .Append(",\"sig\":").Append(sig is null ? "null" : GoString(sig)).Append('}');
                }

                output.Append(']');
            }

            output.Append('}');
            return Encoding.UTF8.GetBytes(output.ToString());
        }
    }

    private static void Compact(string json, StringBuilder output)
    {
        var inString = false;
        var escaped = false;
        foreach (var c in json)
        {
            if (inString)
            {
                if (escaped)
                {
                    escaped = false;
                }
                else if (c == '\\')
                {
                    escaped = true;
                }
                else if (c == '"')
                {
                    inString = false;
                }

                AppendEscaped(c, output);
            }
            else if (c is not (' ' or '\t' or '\r' or '\n'))
            {
                inString = c == '"';
                output.Append(c);
            }
        }
    }

    private static string GoString(string value)
    {
        var output = new StringBuilder("\"");
        foreach (var c in value)
        {
            switch (c)
            {
                case '"' or '\\':
                    output.Append('\\').Append(c);
                    break;
                case < ' ':
                    output.Append($"\\u{(int)c:x4}");
                    break;
                default:
                    AppendEscaped(c, output);
                    break;
            }
        }

        return output.Append('"').ToString();
    }

    private static void AppendEscaped(char c, StringBuilder output)
    {
        if (c is '<' or '>' or '&' or '\u2028' or '\u2029')
        {
            output.Append($"\\u{(int)c:x4}");
        }
        else
        {
            output.Append(c);
        }
    }
}
