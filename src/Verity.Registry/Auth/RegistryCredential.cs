using System.Security.Cryptography;
using System.Text;

namespace Verity.Registry.Auth;

/// <summary>A user name and password (or token) for a registry.</summary>
/// <remarks>
/// Never printed: <see cref="ToString"/> names the user only. The password is sent only to the registry the
/// credential was configured for (HTTP Basic) or to the token service that registry's challenge names, over
/// HTTPS unless that host is explicitly configured as insecure; never along a redirect to another host.
/// </remarks>
public sealed class RegistryCredential
{
    /// <summary>Creates a credential.</summary>
    public RegistryCredential(string username, string password)
    {
        ArgumentException.ThrowIfNullOrEmpty(username);
        ArgumentNullException.ThrowIfNull(password);
        Username = username;
        Password = password;
        Fingerprint = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(username + "\0" + password)));
    }

    /// <summary>The user name.</summary>
    public string Username { get; }

    /// <summary>The password or token.</summary>
    public string Password { get; }

    /// <summary>A hash identifying the credential in caches without keeping it in a key.</summary>
    internal string Fingerprint { get; }

    /// <summary>The value of an HTTP Basic <c>Authorization</c> header (RFC 7617).</summary>
    internal string BasicParameter => Convert.ToBase64String(Encoding.UTF8.GetBytes(Username + ":" + Password));

    /// <summary>A description without the password.</summary>
    public override string ToString() => $"user {Username} (password redacted)";
}
