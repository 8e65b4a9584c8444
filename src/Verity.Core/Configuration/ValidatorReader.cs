using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Verity.Core.Trust;
using YamlDotNet.RepresentationModel;

namespace Verity.Core.Configuration;

/// <summary>Reads <c>validators:</c> entries into typed <see cref="ValidatorDefinition"/>s.</summary>
internal static class ValidatorReader
{
    private static readonly string[] KnownTypes =
    [
        StaticValidatorDefinition.TypeName,
        NotaryV1ValidatorDefinition.TypeName,
        CosignValidatorDefinition.TypeName,
        NotationValidatorDefinition.TypeName,
    ];

    private static readonly string[] KmsSchemes = ["awskms", "gcpkms", "azurekms", "hashivault", "pkcs11"];

    public static ImmutableArray<ValidatorDefinition> ReadAll(YamlMapping body, ConfigLayout layout)
    {
        var context = body.Context;
        var sequence = body.Sequence("validators");
        var path = body.PathOf("validators");
        if (sequence is null || sequence.Children.Count == 0)
        {
            context.Error(path, body.Node, "at least one validator is needed, e.g. - name: default, type: static, approve: true");
            return [];
        }

        var result = ImmutableArray.CreateBuilder<ValidatorDefinition>();
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        int index = 0;
        foreach (var item in sequence)
        {
            var itemPath = $"{path}[{index++}]";
            var mapping = YamlMapping.From(context, item, itemPath);
            if (mapping is null)
            {
                continue;
            }

            var definition = Read(mapping, lenientTrustRoots: layout == ConfigLayout.HelmValuesV2);
            mapping.RejectUnknown();
            if (definition is null)
            {
                continue;
            }

            if (names.TryGetValue(definition.Name, out var first))
            {
                context.Error(mapping.PathOf("name"), mapping.Get("name"), $"the validator name \"{definition.Name}\" is already used by {first}; names must be unique");
                continue;
            }

            names[definition.Name] = itemPath;
            result.Add(definition);
        }

        return result.ToImmutable();
    }

    private static ValidatorDefinition? Read(YamlMapping v, bool lenientTrustRoots)
    {
        var context = v.Context;
        var name = v.String("name");
        var type = v.String("type");
        if (string.IsNullOrEmpty(name))
        {
            context.Error(v.PathOf("name"), v.Node, "the validator is missing a name");
        }

        if (string.IsNullOrEmpty(type))
        {
            context.Error(v.PathOf("type"), v.Node, $"the validator{(name is null ? string.Empty : $" \"{name}\"")} is missing a type (one of {string.Join(", ", KnownTypes)})");
            return null;
        }

        if (name is not null && (name.Contains('/', StringComparison.Ordinal) || name.Contains('\\', StringComparison.Ordinal)))
        {
            context.Error(v.PathOf("name"), v.Get("name"), $"the validator name \"{name}\" must not contain / or \\");
        }

        ValidatorDefinition? definition = type switch
        {
            StaticValidatorDefinition.TypeName => ReadStatic(v),
            NotaryV1ValidatorDefinition.TypeName => ReadNotaryV1(v, lenientTrustRoots),
            CosignValidatorDefinition.TypeName => ReadCosign(v),
            NotationValidatorDefinition.TypeName => ReadNotation(v),
            "notaryv2" => Unsupported(v, "type \"notaryv2\" was never implemented by Connaisseur; use type: notation for Notary Project signatures"),
            _ => Unsupported(v, $"unsupported validator type \"{type}\" (one of {string.Join(", ", KnownTypes)})"),
        };
        if (definition is null || string.IsNullOrEmpty(name))
        {
            return null;
        }

        return definition with { Name = name, Path = v.Path };
    }

    private static ValidatorDefinition? Unsupported(YamlMapping v, string message)
    {
        v.Context.Error(v.PathOf("type"), v.Get("type"), message);
        v.Ignore(v.Keys.ToArray());
        return null;
    }

    private static StaticValidatorDefinition? ReadStatic(YamlMapping v)
    {
        var approve = v.Bool("approve");
        if (approve is null && !v.Has("approve"))
        {
            v.Context.Error(v.PathOf("approve"), v.Node, "a static validator needs approve: true or approve: false");
        }

        return approve is null ? null : new StaticValidatorDefinition { Name = string.Empty, Approve = approve.Value };
    }

    private static NotaryV1ValidatorDefinition ReadNotaryV1(YamlMapping v, bool lenientTrustRoots)
    {
        var host = NotaryV1ValidatorDefinition.DefaultHost;
        var hostText = v.String("host");
        if (hostText is not null)
        {
            var withScheme = hostText.Contains("://", StringComparison.Ordinal) ? hostText : "https://" + hostText;
            if (!Uri.TryCreate(withScheme, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https") || string.IsNullOrEmpty(parsed.Host))
            {
                v.Context.Error(v.PathOf("host"), v.Get("host"), $"invalid url for notary host: \"{hostText}\"");
            }
            else
            {
                host = parsed;
            }
        }

        var roots = ReadTrustRoots(v, allowEmpty: lenientTrustRoots, root => ReadKeyRoot(root, allowReferences: false));
        return new NotaryV1ValidatorDefinition
        {
            Name = string.Empty,
            Host = host,
            TrustRoots = roots,
            CaCertificates = ReadCertificates(v, "cert"),
            Auth = ReadAuth(v, allowKeychain: false),
            IsAcr = v.Bool("isAcr") ?? false,
        };
    }

    private static CosignValidatorDefinition ReadCosign(YamlMapping v)
    {
        Uri? rekor = null;
        VerificationKey? rekorKey = null;
        VerificationKey? ctKey = null;
        X509Certificate2Collection? fulcio = null;
        var hostNode = v.Get("host");
        if (hostNode is YamlScalarNode)
        {
            // Connaisseur v2: host is the Rekor URL.
            rekor = ReadUrl(v, "host");
        }
        else if (hostNode is not null && YamlMapping.From(v.Context, hostNode, v.PathOf("host")) is { } host)
        {
            rekor = ReadUrl(host, "rekor");
            rekorKey = ReadPublicKey(host, "rekorPubkey");
            ctKey = ReadPublicKey(host, "ctLogPubkey");
            fulcio = ReadCertificates(host, "fulcioCert");
            host.RejectUnknown();
        }

        return new CosignValidatorDefinition
        {
            Name = string.Empty,
            TrustRoots = ReadTrustRoots(v, allowEmpty: false, ReadCosignRoot),
            Rekor = rekor,
            RekorPublicKey = rekorKey,
            CtLogPublicKey = ctKey,
            FulcioRoots = fulcio,
            CaCertificates = ReadCertificates(v, "cert"),
            Auth = ReadAuth(v, allowKeychain: true),
        };
    }

    private static NotationValidatorDefinition ReadNotation(YamlMapping v)
    {
        return new NotationValidatorDefinition
        {
            Name = string.Empty,
            TrustRoots = ReadTrustRoots(v, allowEmpty: false, ReadCertificateRoot),
            CaCertificates = ReadCertificates(v, "cert"),
            Auth = ReadAuth(v, allowKeychain: false),
        };
    }

    private static ImmutableArray<TrustRoot> ReadTrustRoots(YamlMapping v, bool allowEmpty, Func<YamlMapping, TrustRoot?> read)
    {
        var context = v.Context;
        var sequence = v.Sequence("trustRoots");
        if (sequence is null || sequence.Children.Count == 0)
        {
            var name = v.String("name") ?? "?";
            if (allowEmpty)
            {
                context.Warning(v.PathOf("trustRoots"), v.Node, $"validator \"{name}\" has no trust roots; every image it is used for will be denied");
            }
            else if (sequence is not null || !v.Has("trustRoots"))
            {
                context.Error(v.PathOf("trustRoots"), v.Node, $"no trust roots provided for validator {name}");
            }

            return [];
        }

        var roots = ImmutableArray.CreateBuilder<TrustRoot>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        int i = 0;
        foreach (var item in sequence)
        {
            var root = YamlMapping.From(context, item, $"{v.PathOf("trustRoots")}[{i++}]");
            if (root is null)
            {
                continue;
            }

            var parsed = read(root);
            root.RejectUnknown();
            if (parsed is null)
            {
                continue;
            }

            if (parsed.Name == "*")
            {
                context.Error(root.PathOf("name"), root.Get("name"), "\"*\" means all trust roots in rules and cannot be a trust root's name");
            }
            else if (!names.Add(parsed.Name))
            {
                context.Error(root.PathOf("name"), root.Get("name"), $"the trust root name \"{parsed.Name}\" is used twice; names must be unique");
            }
            else
            {
                roots.Add(parsed);
            }
        }

        return roots.ToImmutable();
    }

    private static string? RootName(YamlMapping root)
    {
        var name = root.String("name");
        if (string.IsNullOrEmpty(name))
        {
            root.Context.Error(root.PathOf("name"), root.Node, "the trust root is missing a name");
            return null;
        }

        return name;
    }

    private static TrustRoot? ReadKeyRoot(YamlMapping root, bool allowReferences)
    {
        var name = RootName(root);
        var keyText = root.String("key", required: true);
        if (name is null || keyText is null)
        {
            return null;
        }

        if (allowReferences && keyText.Trim() is var trimmed && trimmed.Contains("://", StringComparison.Ordinal) && !trimmed.StartsWith("-----", StringComparison.Ordinal))
        {
            if (!Uri.TryCreate(trimmed, UriKind.Absolute, out var reference))
            {
                root.Context.Error(root.PathOf("key"), root.Get("key"), $"the key reference \"{trimmed}\" is not a valid URI");
                return null;
            }

            if (reference.Scheme == "k8s")
            {
                var parts = reference.AbsolutePath.Trim('/').Split('/');
                if (string.IsNullOrEmpty(reference.Host) || parts.Length != 1 || parts[0].Length == 0)
                {
                    root.Context.Error(root.PathOf("key"), root.Get("key"), $"the key reference \"{trimmed}\" must look like k8s://<namespace>/<secret>");
                    return null;
                }

                return new KeyReferenceTrustRoot(name, reference);
            }

            var hint = KmsSchemes.Contains(reference.Scheme)
                ? "KMS key references are not supported; paste the public key as PEM (cosign public-key --key <ref>)"
                : "supported: PEM public keys and k8s://<namespace>/<secret>";
            root.Context.Error(root.PathOf("key"), root.Get("key"), $"the key reference scheme \"{reference.Scheme}\" is not supported; {hint}");
            return null;
        }

        if (!VerificationKey.TryParse(keyText, out var key, out var error))
        {
            root.Context.Error(root.PathOf("key"), root.Get("key"), $"key material for trust root \"{name}\" cannot be used: {error}");
            return null;
        }

        return new PublicKeyTrustRoot(name, key);
    }

    private static TrustRoot? ReadCosignRoot(YamlMapping root)
    {
        bool hasKey = root.Has("key");
        bool hasKeyless = root.Has("keyless");
        if (hasKey == hasKeyless)
        {
            var name = RootName(root);
            root.Context.Error(root.Path, root.Node, $"trust root \"{name}\" needs exactly one of key or keyless");
            root.Ignore("key", "keyless");
            return null;
        }

        if (hasKey)
        {
            return ReadKeyRoot(root, allowReferences: true);
        }

        var rootName = RootName(root);
        var keyless = root.Mapping("keyless");
        if (keyless is null || rootName is null)
        {
            return null;
        }

        var issuer = keyless.String("issuer");
        var issuerRegex = ReadRegex(keyless, "issuerRegex");
        var subject = keyless.String("subject");
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

    private static bool ExactlyOne(YamlMapping m, string a, bool hasA, string b, bool hasB)
    {
        if (hasA == hasB)
        {
            m.Context.Error(m.Path, m.Node, hasA ? $"{a} and {b} cannot both be set" : $"keyless needs {a} or {b}");
            return false;
        }

        return true;
    }

    private static Regex? ReadRegex(YamlMapping m, string key)
    {
        var text = m.String(key);
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
            m.Context.Error(m.PathOf(key), m.Get(key), $"\"{text}\" is not a valid regular expression: {e.Message}");
            return null;
        }
        catch (NotSupportedException e)
        {
            m.Context.Error(m.PathOf(key), m.Get(key), $"\"{text}\" uses a regular expression feature that is not supported (no backreferences or lookarounds): {e.Message}");
            return null;
        }
    }

    private static TrustRoot? ReadCertificateRoot(YamlMapping root)
    {
        var name = RootName(root);
        var cert = ReadFirstCertificate(root, "cert", required: true);
        var tsCert = ReadFirstCertificate(root, "tsCert", required: false);
        return name is null || cert is null ? null : new CertificateTrustRoot(name, cert, tsCert);
    }

    // Connaisseur's notation validator uses only the first PEM block of a trust root's certificate.
    private static X509Certificate2? ReadFirstCertificate(YamlMapping m, string key, bool required)
    {
        if (required && !m.Has(key))
        {
            m.String(key, required: true);
            return null;
        }

        return ReadCertificates(m, key) is { Count: > 0 } all ? all[0] : null;
    }

    private static X509Certificate2Collection? ReadCertificates(YamlMapping m, string key)
    {
        var text = m.String(key);
        if (text is null)
        {
            return null;
        }

        var all = ParseCertificates(text, out var error);
        if (all is null || all.Count == 0)
        {
            m.Context.Error(m.PathOf(key), m.Get(key), $"invalid certificate: {error ?? "no PEM CERTIFICATE block found"}");
            return null;
        }

        return all;
    }

    /// <summary>Every PEM CERTIFICATE block in <paramref name="text"/>; null with an error if one is broken.</summary>
    internal static X509Certificate2Collection? ParseCertificates(string text, out string? error)
    {
        var collection = new X509Certificate2Collection();
        var rest = text.AsSpan();
        while (PemEncoding.TryFind(rest, out var fields))
        {
            if (rest[fields.Label].SequenceEqual("CERTIFICATE"))
            {
                try
                {
                    var der = Convert.FromBase64String(rest[fields.Base64Data].ToString());
                    collection.Add(X509CertificateLoader.LoadCertificate(der));
                }
                catch (CryptographicException e)
                {
                    error = e.Message;
                    return null;
                }
            }

            rest = rest[fields.Location.End..];
        }

        if (collection.Count == 0)
        {
            error = "no PEM CERTIFICATE block could be read";
            return null;
        }

        error = null;
        return collection;
    }

    private static VerificationKey? ReadPublicKey(YamlMapping m, string key)
    {
        var text = m.String(key);
        if (text is null)
        {
            return null;
        }

        if (!VerificationKey.TryParse(text, out var parsed, out var error))
        {
            m.Context.Error(m.PathOf(key), m.Get(key), $"invalid public key: {error}");
            return null;
        }

        return parsed;
    }

    private static Uri? ReadUrl(YamlMapping m, string key)
    {
        var text = m.String(key);
        if (text is null)
        {
            return null;
        }

        var withScheme = text.Contains("://", StringComparison.Ordinal) ? text : "https://" + text;
        if (!Uri.TryCreate(withScheme, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
        {
            m.Context.Error(m.PathOf(key), m.Get(key), $"\"{text}\" is not a valid URL");
            return null;
        }

        return uri;
    }

    private static RegistryAuth? ReadAuth(YamlMapping v, bool allowKeychain)
    {
        var auth = v.Mapping("auth");
        if (auth is null)
        {
            return null;
        }

        var result = new RegistryAuth
        {
            SecretName = auth.String("secretName"),
            Username = auth.String("username"),
            Password = auth.String("password"),
            Registry = auth.String("registry"),
            UseKeychain = (allowKeychain ? auth.Bool("useKeychain") ?? auth.Bool("k8sKeychain") : null) ?? false,
        };
        auth.RejectUnknown();
        if ((result.Username is null) != (result.Password is null))
        {
            v.Context.Error(auth.Path, auth.Node, "auth needs both username and password");
        }

        if (result.SecretName is null && result.Username is null && !result.UseKeychain)
        {
            v.Context.Error(auth.Path, auth.Node, allowKeychain
                ? "auth needs secretName, username and password, or useKeychain: true"
                : "auth needs secretName, or username and password");
        }

        return result;
    }
}
