using System.Collections.Immutable;
using System.Text;

namespace Verity.Registry.Auth;

/// <summary>
/// Registry credentials by registry host and repository prefix, from inline settings, a Docker config
/// (<c>.dockerconfigjson</c>, <c>.dockercfg</c>) or Connaisseur's <c>secret.yaml</c>.
/// </summary>
/// <remarks>
/// <see cref="Find"/> picks, among the entries whose host equals the image's registry (see
/// <see cref="CredentialKey"/> for the normalisation of both), the one with the longest repository prefix that
/// the repository equals or lies below on a <c>/</c> boundary; on a tie the entry added first wins. This replaces
/// Connaisseur's raw string prefix match, under which <c>registry.io</c> also matched <c>registry.iox</c> and a
/// <c>docker.io</c> key never matched Docker Hub images.
/// </remarks>
public sealed class RegistryCredentialStore
{
    private readonly ImmutableArray<RegistryCredentialEntry> _entries;

    internal RegistryCredentialStore(ImmutableArray<RegistryCredentialEntry> entries)
    {
        _entries = entries;
    }

    /// <summary>A store without credentials.</summary>
    public static RegistryCredentialStore Empty { get; } = new([]);

    /// <summary>The number of credentials.</summary>
    public int Count => _entries.Length;

    /// <summary>The normalised keys, for diagnostics (never the credentials).</summary>
    public IEnumerable<string> Keys => _entries.Select(e => e.Key.ToString());

    /// <summary>The credential for <paramref name="repository"/> on <paramref name="registry"/>, or null.</summary>
    /// <param name="registry">The registry as in an image reference, e.g. <c>docker.io</c> or <c>registry:5000</c>.</param>
    /// <param name="repository">The repository path, e.g. <c>library/nginx</c>.</param>
    public RegistryCredential? Find(string registry, string repository)
    {
        var host = CredentialKey.NormaliseHost(registry);
        RegistryCredentialEntry? best = null;
        foreach (var entry in _entries)
        {
            if (entry.Key.Matches(host, repository) && (best is null || entry.Key.Path.Length > best.Key.Path.Length))
            {
                best = entry;
            }
        }

        return best?.Credential;
    }

    /// <summary>A store with this store's entries first, then <paramref name="other"/>'s.</summary>
    public RegistryCredentialStore Concat(RegistryCredentialStore other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return other.Count == 0 ? this : Count == 0 ? other : new RegistryCredentialStore(_entries.AddRange(other._entries));
    }

    /// <summary>One inline credential for <paramref name="registry"/> (a key in any of the accepted forms).</summary>
    /// <exception cref="FormatException"><paramref name="registry"/> is not a usable registry key.</exception>
    public static RegistryCredentialStore FromCredential(string registry, RegistryCredential credential)
    {
        ArgumentNullException.ThrowIfNull(credential);
        if (!CredentialKey.TryParse(registry, out var key))
        {
            throw new FormatException($"\"{registry}\" is not a registry host");
        }

        return new RegistryCredentialStore([new RegistryCredentialEntry(key, credential)]);
    }

    /// <summary>Parses a Docker config: <c>{"auths": {key: {"auth": base64(user:password)} | {"username", "password"}}}</c>, or the legacy <c>.dockercfg</c> map.</summary>
    /// <exception cref="FormatException">The document is malformed; the message never quotes secrets.</exception>
    public static RegistryCredentialStore FromDockerConfig(ReadOnlySpan<byte> json)
    {
        return new RegistryCredentialStore(DockerConfigParser.Parse(json));
    }

    /// <summary>Parses Connaisseur's <c>secret.yaml</c> (<c>username</c>, <c>password</c>, optional <c>registry</c>).</summary>
    /// <param name="yaml">The file's text.</param>
    /// <param name="unscopedRegistry">The registry a credential without <c>registry</c> applies to, or null to drop it.</param>
    /// <exception cref="FormatException">The document is malformed; the message never quotes secrets.</exception>
    public static RegistryCredentialStore FromConnaisseurSecret(string yaml, string? unscopedRegistry)
    {
        return new RegistryCredentialStore(ConnaisseurSecretParser.Parse(yaml, unscopedRegistry));
    }

    /// <summary>
    /// Reads the credentials of a Kubernetes secret, the way Connaisseur does: <c>secret.yaml</c> if present,
    /// else <c>.dockerconfigjson</c>, else the legacy <c>.dockercfg</c>.
    /// </summary>
    /// <param name="data">The secret's data.</param>
    /// <param name="secretName">The secret's name, for messages.</param>
    /// <param name="unscopedRegistry">The registry a <c>secret.yaml</c> credential without <c>registry</c> applies to.</param>
    /// <exception cref="FormatException">No known file, or a malformed one.</exception>
    public static RegistryCredentialStore FromSecretData(IReadOnlyDictionary<string, byte[]> data, string secretName, string? unscopedRegistry)
    {
        ArgumentNullException.ThrowIfNull(data);
        try
        {
            if (data.TryGetValue("secret.yaml", out var yaml))
            {
                return FromConnaisseurSecret(Encoding.UTF8.GetString(yaml), unscopedRegistry);
            }

            if (data.TryGetValue(".dockerconfigjson", out var json) || data.TryGetValue(".dockercfg", out json))
            {
                return FromDockerConfig(json);
            }
        }
        catch (FormatException e)
        {
            throw new FormatException($"secret \"{secretName}\": {e.Message}", e);
        }

        throw new FormatException($"secret \"{secretName}\" has no authentication file (secret.yaml, .dockerconfigjson or .dockercfg)");
    }
}
