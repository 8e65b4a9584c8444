using System.Text.RegularExpressions;

namespace Verity.Core.Cluster;

/// <summary>Kubernetes object name rules.</summary>
public static partial class KubernetesNames
{
    /// <summary>
    /// Whether <paramref name="name"/> is a DNS subdomain name (RFC 1123), the rule for secret names; such a name can
    /// never leave a folder it is joined to.
    /// </summary>
    public static bool IsValidSecretName(string? name) => name is { Length: > 0 and <= 253 } && SubdomainRegex().IsMatch(name);

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex SubdomainRegex();
}
