using Verity.Core.Cluster;
using System.Collections.Immutable;

namespace Verity.Registry.Auth;

/// <summary>Secrets mounted as folders of files: <c>&lt;root&gt;/&lt;name&gt;/&lt;key&gt;</c>.</summary>
/// <remarks>
/// Connaisseur's chart mounts secret <c>&lt;name&gt;</c> at <c>/app/secrets/&lt;name&gt;/</c>
/// (<see cref="DefaultRoot"/>). Kubernetes projects a secret as symbolic links to a <c>..data</c> folder; entries
/// whose name starts with <c>..</c> are skipped. Names are checked to be Kubernetes object names so that a name
/// cannot leave the root. Each file is read up to 1 MiB (Kubernetes' own limit for a secret).
/// </remarks>
public sealed class MountedSecretSource : ISecretSource
{
    /// <summary>Where Connaisseur's chart mounts secrets.</summary>
    public const string DefaultRoot = "/app/secrets";

    private const long MaxFileBytes = 1024 * 1024;

    private readonly string _root;

    /// <summary>Creates a source reading below <paramref name="root"/>.</summary>
    public MountedSecretSource(string root = DefaultRoot)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        _root = root;
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyDictionary<string, byte[]>?> GetSecretAsync(string name, CancellationToken cancellationToken)
    {
        if (!KubernetesNames.IsValidSecretName(name))
        {
            throw new InvalidOperationException($"\"{name}\" is not a valid secret name");
        }

        var folder = Path.Combine(_root, name);
        if (!Directory.Exists(folder))
        {
            return null;
        }

        var data = ImmutableDictionary.CreateBuilder<string, byte[]>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(folder))
        {
            var key = Path.GetFileName(file);
            if (key.StartsWith("..", StringComparison.Ordinal))
            {
                continue;
            }

            var info = new FileInfo(file);
            if (info.Length > MaxFileBytes)
            {
                throw new InvalidOperationException($"file \"{key}\" of secret \"{name}\" is larger than 1 MiB");
            }

            data[key] = await File.ReadAllBytesAsync(file, cancellationToken);
        }

        return data.ToImmutable();
    }
}
