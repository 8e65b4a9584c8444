using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Verity.Core.Configuration;
using Verity.Core.Trust;

namespace Verity.Validators.Cosign;

/// <summary>Reads a cosign <c>validators[]</c> entry: trust roots (keys, key references, keyless identities) and <c>host</c>.</summary>
internal static class CosignSettingsReader
{
    private static readonly string[] KmsSchemes = ["awskms", "gcpkms", "azurekms", "hashivault", "pkcs11"];

    public static CosignValidatorDefinition Read(string name, ConfigSection v)
    {
        Uri? rekor = null;
        VerificationKey? rekorKey = null;
        VerificationKey? ctKey = null;
        X509Certificate2Collection? fulcio = null;
        if (v.IsScalar("host"))
        {
            // Connaisseur v2: host is the Rekor URL.
            rekor = SettingsReader.Url(v, "host");
        }
        else if (v.Has("host") && v.GetSection("host") is { } host)
        {
            rekor = SettingsReader.Url(host, "rekor");
            rekorKey = SettingsReader.PublicKey(host, "rekorPubkey");
            ctKey = SettingsReader.PublicKey(host, "ctLogPubkey");
            fulcio = SettingsReader.Certificates(host, "fulcioCert");
            if (fulcio is { Count: > 0 } && !fulcio.Any(c => c.SubjectName.RawData.AsSpan().SequenceEqual(c.IssuerName.RawData)))
            {
                // Keyless certificates are verified up to a self-signed root (decision 5): with intermediates alone every
                // keyless signature would be denied, silently.
                host.Error("fulcioCert", "holds no root certificate, only intermediates; add the self-signed Fulcio root (an intermediate alone is not a trust anchor)");
                fulcio = null;
            }

            host.RejectUnknown();
        }

        return new CosignValidatorDefinition
        {
            Name = name,
            TrustRoots = TrustRootReader.Read(v, allowEmpty: false, ReadRoot),
            Rekor = rekor,
            RekorPublicKey = rekorKey,
            CtLogPublicKey = ctKey,
            FulcioRoots = fulcio,
            CaCertificates = SettingsReader.Certificates(v, "cert"),
            Auth = SettingsReader.Auth(v, allowKeychain: true),
        };
    }

    private static TrustRoot? ReadRoot(ConfigSection root)
    {
        bool hasKey = root.Has("key");
        bool hasKeyless = root.Has("keyless");
        if (hasKey == hasKeyless)
        {
            var name = TrustRootReader.Name(root);
            root.Error($"trust root \"{name}\" needs exactly one of key or keyless");
            root.Ignore("key", "keyless");
            return null;
        }

        return hasKey ? ReadKeyRoot(root) : ReadKeylessRoot(root);
    }

    private static TrustRoot? ReadKeyRoot(ConfigSection root)
    {
        var keyText = root.GetString("key");
        if (keyText?.Trim() is { } trimmed && trimmed.Contains("://", StringComparison.Ordinal) && !trimmed.StartsWith("-----", StringComparison.Ordinal))
        {
            var name = TrustRootReader.Name(root);
            if (name is null)
            {
                return null;
            }

            if (!Uri.TryCreate(trimmed, UriKind.Absolute, out var reference))
            {
                root.Error("key", $"the key reference \"{trimmed}\" is not a valid URI");
                return null;
            }

            if (reference.Scheme == "k8s")
            {
                var parts = reference.AbsolutePath.Trim('/').Split('/');
                if (string.IsNullOrEmpty(reference.Host) || parts.Length != 1 || parts[0].Length == 0)
                {
                    root.Error("key", $"the key reference \"{trimmed}\" must look like k8s://<namespace>/<secret>");
                    return null;
                }

                return new KeyReferenceTrustRoot(name, reference);
            }

            var hint = KmsSchemes.Contains(reference.Scheme)
                ? "KMS key references are not supported; paste the public key as PEM (cosign public-key --key <ref>)"
                : "supported: PEM public keys and k8s://<namespace>/<secret>";
            root.Error("key", $"the key reference scheme \"{reference.Scheme}\" is not supported; {hint}");
            return null;
        }

        return TrustRootReader.PublicKey(root);
    }

    private static KeylessTrustRoot? ReadKeylessRoot(ConfigSection root)
    {
        var rootName = TrustRootReader.Name(root);
        var keyless = root.GetSection("keyless");
        if (keyless is null || rootName is null)
        {
            return null;
        }

        var issuer = keyless.GetString("issuer");
        var issuerRegex = ReadRegex(keyless, "issuerRegex");
        var subject = keyless.GetString("subject");
        var subjectRegex = ReadRegex(keyless, "subjectRegex");
        keyless.RejectUnknown();
        bool ok = true;
        ok &= ExactlyOne(keyless, "issuer", issuer is not null, "issuerRegex", keyless.Has("issuerRegex"));
        ok &= ExactlyOne(keyless, "subject", subject is not null, "subjectRegex", keyless.Has("subjectRegex"));
        if (!ok || (issuer is null && issuerRegex is null) || (subject is null && subjectRegex is null))
        {
            return null;
        }

        return new KeylessTrustRoot(rootName, new KeylessIdentity
        {
            Issuer = issuer,
            IssuerRegex = issuerRegex,
            Subject = subject,
            SubjectRegex = subjectRegex,
        });
    }

    private static bool ExactlyOne(ConfigSection m, string a, bool hasA, string b, bool hasB)
    {
        if (hasA == hasB)
        {
            m.Error(hasA ? $"{a} and {b} cannot both be set" : $"keyless needs {a} or {b}");
            return false;
        }

        return true;
    }

    private static Regex? ReadRegex(ConfigSection m, string key)
    {
        var text = m.GetString(key);
        if (text is null)
        {
            return null;
        }

        try
        {
            return KeylessIdentity.Anchored(text);
        }
        catch (ArgumentException e)
        {
            m.Error(key, $"\"{text}\" is not a valid regular expression: {e.Message}");
            return null;
        }
        catch (NotSupportedException e)
        {
            m.Error(key, $"\"{text}\" uses a regular expression feature that is not supported (no backreferences or lookarounds): {e.Message}");
            return null;
        }
    }
}
