using System.Security.Cryptography.X509Certificates;
using Verity.Core.Configuration;
using Verity.Core.Images;
using Verity.Testing;

namespace Verity.Registry.Tests;

/// <summary>Settings and references for the test bed's registries (<see cref="Testbed.Current"/>).</summary>
internal static class TestbedClients
{
    public static Testbed Bed => Testbed.Current;

    /// <summary>Trusts the test bed's CA.</summary>
    public static RegistryClientSettings Settings(RegistryAuth? auth = null, string name = "testbed", params string[] insecure)
    {
        return new RegistryClientSettings
        {
            Name = name,
            Auth = auth,
            CaCertificates = new X509Certificate2Collection(X509CertificateLoader.LoadCertificateFromFile(Bed["TESTBED_CA_CERT"])),
            InsecureHttpRegistries = [.. insecure],
        };
    }

    /// <summary>An image on the anonymous HTTPS registry, e.g. <c>test/app:signed</c>.</summary>
    public static ImageReference Image(string rest) => On("TESTBED_REGISTRY", rest);

    /// <summary>An image on the registry named by a test bed variable.</summary>
    public static ImageReference On(string registryVariable, string rest) => ImageReference.Parse(Bed[registryVariable] + "/" + rest);

    /// <summary>A test bed digest, e.g. <c>TESTBED_DIGEST_SIGNED</c>.</summary>
    public static Digest DigestOf(string name) => Digest.Parse(Bed[name]);
}
