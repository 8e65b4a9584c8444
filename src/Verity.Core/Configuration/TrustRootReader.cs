using System.Collections.Immutable;
using System.Security.Cryptography.X509Certificates;
using Verity.Core.Trust;

namespace Verity.Core.Configuration;

/// <summary>Reads a validator's <c>trustRoots</c> list, with the forms of trust root the types share.</summary>
public static class TrustRootReader
{
    /// <summary>The name rules use for "every trust root"; no trust root may be called this.</summary>
    public const string All = "*";

    /// <summary>
    /// Reads <c>trustRoots</c>: each item with <paramref name="read"/>, names unique and not <c>*</c>.
    /// </summary>
    /// <param name="validator">The validator's section.</param>
    /// <param name="allowEmpty">Whether a missing list is only a warning (Connaisseur v2 files).</param>
    /// <param name="read">Reads one item; null after recording an error.</param>
    public static ImmutableArray<TrustRoot> Read(ConfigSection validator, bool allowEmpty, Func<ConfigSection, TrustRoot?> read)
    {
        ArgumentNullException.ThrowIfNull(validator);
        ArgumentNullException.ThrowIfNull(read);
        var hasKey = validator.Has("trustRoots");
        var items = validator.GetSections("trustRoots");
        if (items is null || items.Count == 0)
        {
            var name = validator.GetString("name") ?? "?";
            if (allowEmpty)
            {
                validator.Warning("trustRoots", $"validator \"{name}\" has no trust roots; every image it is used for will be denied");
            }
            else if (items is not null || !hasKey)
            {
                validator.Error("trustRoots", $"no trust roots provided for validator {name}");
            }

            return [];
        }

        var roots = ImmutableArray.CreateBuilder<TrustRoot>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var parsed = read(item);
            item.RejectUnknown();
            if (parsed is null)
            {
                continue;
            }

            if (parsed.Name == All)
            {
                item.Error("name", "\"*\" means all trust roots in rules and cannot be a trust root's name");
            }
            else if (!names.Add(parsed.Name))
            {
                item.Error("name", $"the trust root name \"{parsed.Name}\" is used twice; names must be unique");
            }
            else
            {
                roots.Add(parsed);
            }
        }

        return roots.ToImmutable();
    }

    /// <summary>The trust root's <c>name</c>, or null after recording an error.</summary>
    public static string? Name(ConfigSection root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var name = root.GetString("name");
        if (string.IsNullOrEmpty(name))
        {
            root.Error("the trust root is missing a name");
            return null;
        }

        return name;
    }

    /// <summary>A trust root that is a PEM public key under <c>key</c>.</summary>
    public static TrustRoot? PublicKey(ConfigSection root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var name = Name(root);
        var keyText = root.GetString("key", required: true);
        if (name is null || keyText is null)
        {
            return null;
        }

        if (!VerificationKey.TryParse(keyText, out var key, out var error))
        {
            root.Error("key", $"key material for trust root \"{name}\" cannot be used: {error}");
            return null;
        }

        return new PublicKeyTrustRoot(name, key);
    }

    /// <summary>
    /// A trust root that is certificates: <c>cert</c> (required; the signing CA or self-signed certificate) and
    /// <c>tsCert</c> (optional; the timestamping authority's root).
    /// </summary>
    public static TrustRoot? Certificate(ConfigSection root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var name = Name(root);
        var certs = Certificates(root, "cert", required: true);
        var tsCerts = Certificates(root, "tsCert", required: false);
        return name is null || certs is null ? null : new CertificateTrustRoot(name, certs, tsCerts);
    }

    private static X509Certificate2Collection? Certificates(ConfigSection root, string key, bool required)
    {
        if (required && !root.Has(key))
        {
            root.GetString(key, required: true);
            return null;
        }

        return SettingsReader.Certificates(root, key);
    }
}
