using Verity.Validators.Cosign.Evidence;
using System.Collections.Immutable;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Verity.Core.Images;
using Verity.Core.Trust;
using Verity.Testing;
using Verity.Validators.Cosign.TrustedRoot;
using YamlDotNet.RepresentationModel;

namespace Verity.Validators.Tests.Cosign;

/// <summary>
/// Reads Connaisseur's cosign test data (signatures made by the real cosign CLI) in place, the way the registry
/// side would hand it over: image digest = SHA-256 of the manifest, layers and digest-checked payload blobs.
/// </summary>
internal static class ConnaisseurCosign
{
    private static string Repository(params string[] parts) => SharedFixtures.Connaisseur(["cosign", "securesystemsengineering", "testimage", .. parts]);

    public static Digest ImageDigest(string tag) => Digest.Compute(File.ReadAllBytes(Repository("manifests", tag + ".json")));

    public static CosignEvidence Evidence(Digest image)
    {
        var path = Repository("manifests", $"sha256-{image.Hex}.sig.json");
        if (!File.Exists(path))
        {
            return CosignEvidence.None;
        }

        using var manifest = JsonDocument.Parse(File.ReadAllBytes(path));
        var layers = ImmutableArray.CreateBuilder<CosignSignatureLayer>();
        foreach (var layer in manifest.RootElement.GetProperty("layers").EnumerateArray())
        {
            var digest = Digest.Parse(layer.GetProperty("digest").GetString()!);
            var payload = File.ReadAllBytes(Repository("blobs", digest + ".json"));
            Assert.True(digest.Matches(payload), $"fixture blob {digest} does not match its digest");
            var annotations = layer.GetProperty("annotations").EnumerateObject().ToImmutableDictionary(p => p.Name, p => p.Value.GetString()!);
            layers.Add(new CosignSignatureLayer(annotations, payload, layer.GetProperty("mediaType").GetString()));
        }

        return new CosignEvidence { Layers = layers.ToImmutable() };
    }

    public static PublicKeyTrustRoot Key(string name) => new(name, VerificationKey.Parse(File.ReadAllText(SharedFixtures.Connaisseur("cosign", name + ".key"))));

    /// <summary>The trusted material of <c>11_keyless.yaml</c>: its own Rekor key, CT log key and Fulcio root.</summary>
    public static TrustedMaterial KeylessHostMaterial()
    {
        var yaml = new YamlStream();
        using (var reader = new StringReader(File.ReadAllText(SharedFixtures.Connaisseur("cosign", "11_keyless.yaml"))))
        {
            yaml.Load(reader);
        }

        var host = (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["host"];
        string Value(string key) => ((YamlScalarNode)host[key]).Value!;
        var fulcio = new X509Certificate2Collection();
        fulcio.ImportFromPem(Value("fulcioCert"));
        var empty = new TrustedMaterial([], [], [], []);
        return empty.WithConnaisseurHost(VerificationKey.Parse(Value("rekorPubkey")), fulcio, VerificationKey.Parse(Value("ctLogPubkey")));
    }
}
