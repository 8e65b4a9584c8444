using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Verity.Core.Trust;

namespace Verity.Core.Configuration;

/// <summary>
/// Reads the settings several validator types share (<c>cert</c>, <c>auth</c>, URLs, public keys), so that each
/// type spells them, checks them and words their errors the same way.
/// </summary>
public static class SettingsReader
{
    /// <summary>Every PEM certificate under <paramref name="key"/>, or null (with an error when none can be read).</summary>
    public static X509Certificate2Collection? Certificates(ConfigSection section, string key)
    {
        ArgumentNullException.ThrowIfNull(section);
        var text = section.GetString(key);
        if (text is null)
        {
            return null;
        }

        var all = ParseCertificates(text, out var error);
        if (all is null || all.Count == 0)
        {
            section.Error(key, $"invalid certificate: {error ?? "no PEM CERTIFICATE block found"}");
            return null;
        }

        return all;
    }

    /// <summary>Every PEM CERTIFICATE block in <paramref name="text"/>; null with an error if one is broken.</summary>
    public static X509Certificate2Collection? ParseCertificates(string text, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
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

    /// <summary>A PEM public key under <paramref name="key"/>, or null.</summary>
    public static VerificationKey? PublicKey(ConfigSection section, string key)
    {
        ArgumentNullException.ThrowIfNull(section);
        var text = section.GetString(key);
        if (text is null)
        {
            return null;
        }

        if (!VerificationKey.TryParse(text, out var parsed, out var error))
        {
            section.Error(key, $"invalid public key: {error}");
            return null;
        }

        return parsed;
    }

    /// <summary>An http(s) URL under <paramref name="key"/> (<c>https://</c> assumed when no scheme is given), or null.</summary>
    /// <param name="section">The section.</param>
    /// <param name="key">The key.</param>
    /// <param name="what">How the error names the value, e.g. <c>notary host</c>; null for a generic message.</param>
    public static Uri? Url(ConfigSection section, string key, string? what = null)
    {
        ArgumentNullException.ThrowIfNull(section);
        var text = section.GetString(key);
        if (text is null)
        {
            return null;
        }

        var withScheme = text.Contains("://", StringComparison.Ordinal) ? text : "https://" + text;
        if (!Uri.TryCreate(withScheme, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
        {
            section.Error(key, what is null ? $"\"{text}\" is not a valid URL" : $"invalid url for {what}: \"{text}\"");
            return null;
        }

        return uri;
    }

    /// <summary>The <c>auth</c> mapping: a secret name, inline credentials or (where allowed) the cluster keychain.</summary>
    public static RegistryAuth? Auth(ConfigSection validator, bool allowKeychain)
    {
        ArgumentNullException.ThrowIfNull(validator);
        var auth = validator.GetSection("auth");
        if (auth is null)
        {
            return null;
        }

        var result = new RegistryAuth
        {
            SecretName = auth.GetString("secretName"),
            Username = auth.GetString("username"),
            Password = auth.GetString("password"),
            Registry = auth.GetString("registry"),
            UseKeychain = (allowKeychain ? auth.GetBool("useKeychain") ?? auth.GetBool("k8sKeychain") : null) ?? false,
        };
        auth.RejectUnknown();
        if ((result.Username is null) != (result.Password is null))
        {
            auth.Error("auth needs both username and password");
        }

        if (result.SecretName is null && result.Username is null && !result.UseKeychain)
        {
            auth.Error(allowKeychain
                ? "auth needs secretName, username and password, or useKeychain: true"
                : "auth needs secretName, or username and password");
        }

        return result;
    }
}
