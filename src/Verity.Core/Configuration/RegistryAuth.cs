namespace Verity.Core.Configuration;

/// <summary>
/// Credentials of a validator for its registry or Notary server (<c>auth:</c>).
/// </summary>
/// <remarks>
/// Never printed: <see cref="ToString"/> and the record's generated members leave the password out.
/// </remarks>
public sealed record RegistryAuth
{
    /// <summary>A Kubernetes secret in Verity's namespace (dockerconfigjson or Connaisseur's <c>secret.yaml</c>).</summary>
    public string? SecretName { get; init; }

    /// <summary>Inline user name.</summary>
    public string? Username { get; init; }

    /// <summary>Inline password or token.</summary>
    public string? Password { get; init; }

    /// <summary>The registry the inline credentials are for (optional for notaryv1).</summary>
    public string? Registry { get; init; }

    /// <summary>Use the workload identity keychain of the cluster (cosign).</summary>
    public bool UseKeychain { get; init; }

    /// <summary>A description without the password.</summary>
    public override string ToString()
    {
        return SecretName is not null ? $"secret {SecretName}"
            : Username is not null ? $"user {Username}{(Registry is null ? string.Empty : " at " + Registry)}"
            : UseKeychain ? "keychain" : "anonymous";
    }

    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append(ToString());
        return true;
    }
}
