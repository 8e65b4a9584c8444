using System.Collections.Immutable;
using System.Security.Cryptography.X509Certificates;
using Verity.Core.Configuration;
using Verity.Core.Images;
using Verity.Testing.Registry;

namespace Verity.Registry.Tests;

/// <summary>Settings and references for clients of a <see cref="FakeRegistry"/>.</summary>
internal static class FakeRegistryClients
{
    /// <summary>Settings for a plain-HTTP fake (listed as insecure) or an HTTPS one trusted through <paramref name="ca"/>.</summary>
    public static RegistryClientSettings Settings(
        this FakeRegistry registry, RegistryAuth? auth = null, X509Certificate2? ca = null, string name = "test", params string[] moreInsecure)
    {
        return new RegistryClientSettings
        {
            Name = name,
            Auth = auth,
            CaCertificates = ca is null ? null : new X509Certificate2Collection(ca),
            InsecureHttpRegistries = ca is null ? [registry.Registry, .. moreInsecure] : [.. moreInsecure],
        };
    }

    /// <summary>Inline credentials for this registry.</summary>
    public static RegistryAuth Credentials(this FakeRegistry registry, string user, string password)
    {
        return new RegistryAuth { Username = user, Password = password, Registry = registry.Registry };
    }

    /// <summary><c>registry/rest</c> parsed.</summary>
    public static ImageReference Image(this FakeRegistry registry, string rest) => ImageReference.Parse(registry.Registry + "/" + rest);

    /// <summary>The paths of the requests received, <c>METHOD /path</c>.</summary>
    public static ImmutableArray<string> Calls(this FakeRegistry registry) => [.. registry.Requests.Select(r => r.Method + " " + r.Path)];
}
