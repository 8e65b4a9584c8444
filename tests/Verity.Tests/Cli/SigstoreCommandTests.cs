using Verity.Testing;
using static Verity.Tests.Cli.CliRun;

namespace Verity.Tests.Cli;

/// <summary>
/// <c>verity sigstore verify-bundle</c> against the test bed's bundles: the keyless message-signature bundle of
/// <c>signed</c>'s cosign payload and the DSSE attestation of <c>signed</c>, with the bed's trusted root.
/// </summary>
[Trait("Category", "Integration")]
public sealed class SigstoreCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("verity-sigstore-");

    private static Testbed Bed => Testbed.Current;

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task VerifyBundle_KeylessBundleOverItsPayloadFile_Exit0WithOneLineSummary()
    {
        var (code, output, error) = await Run(Keyless("TESTBED_KEYLESS_SAN", Bed["TESTBED_KEYLESS_BUNDLE_SIGNED"], Bed["TESTBED_COSIGN_PAYLOAD_SIGNED"]));

        Assert.True(code == 0, error);
        Assert.Empty(error);
        var line = Assert.Single(output.TrimEnd('\n').Split('\n'));
        Assert.StartsWith($"verified: bundle signed.keyless.bundle.json: sha256:", line, StringComparison.Ordinal);
        Assert.Contains($"signed by {Bed["TESTBED_KEYLESS_SAN"]} (issuer {Bed["TESTBED_KEYLESS_ISSUER"]}); Rekor entry", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyBundle_AttestationOverTheImageDigest_Exit0()
    {
        var (code, output, error) = await Run(Keyless("TESTBED_KEYLESS_SAN", Bed["TESTBED_ATTESTATION_BUNDLE"], Bed["TESTBED_DIGEST_SIGNED"]));

        Assert.True(code == 0, error);
        Assert.StartsWith($"verified: bundle attestation.bundle.json: {Bed["TESTBED_DIGEST_SIGNED"]} signed by", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyBundle_OtherIdentity_Exit1NamingTheMismatch()
    {
        var (code, output, error) = await Run(Keyless("TESTBED_KEYLESS_OTHER_SAN", Bed["TESTBED_KEYLESS_BUNDLE_SIGNED"], Bed["TESTBED_COSIGN_PAYLOAD_SIGNED"]));

        Assert.Equal(1, code);
        Assert.Empty(output);
        var line = Assert.Single(error.TrimEnd('\n').Split('\n'));
        Assert.StartsWith(
            $"verity: bundle signed.keyless.bundle.json does not verify: the certificate identity {Bed["TESTBED_KEYLESS_SAN"]} (issuer {Bed["TESTBED_KEYLESS_ISSUER"]}) does not match",
            line,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyBundle_OtherFile_Exit1()
    {
        var other = Path.Combine(_dir.FullName, "other.json");
        await File.WriteAllTextAsync(other, "{\"not\":\"the signed payload\"}", TestContext.Current.CancellationToken);

        var (code, _, error) = await Run(Keyless("TESTBED_KEYLESS_SAN", Bed["TESTBED_KEYLESS_BUNDLE_SIGNED"], other));

        Assert.Equal(1, code);
        Assert.Contains("does not verify: the bundle signs sha256:", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyBundle_AttestationOverAnotherDigest_Exit1()
    {
        var (code, _, error) = await Run(Keyless("TESTBED_KEYLESS_SAN", Bed["TESTBED_ATTESTATION_BUNDLE"], Bed["TESTBED_DIGEST_UNSIGNED"]));

        Assert.Equal(1, code);
        Assert.Contains("the attestation's subjects do not include", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyBundle_KeyedBundleWithItsKey_Exit0()
    {
        var bundle = Path.Combine(Path.GetDirectoryName(Bed["TESTBED_COSIGN_PAYLOAD_SIGNED"])!, "signed.key.bundle.json");

        var (code, output, error) = await Run(
            "sigstore", "verify-bundle", "--bundle", bundle, "--key", Bed["TESTBED_COSIGN_PUB"],
            "--trusted-root", Bed["TESTBED_SIGSTORE_TRUSTED_ROOT"], Bed["TESTBED_COSIGN_PAYLOAD_SIGNED"]);

        Assert.True(code == 0, error);
        Assert.Contains("signed by key ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyBundle_KeylessBundleWithAKey_Exit1()
    {
        var (code, _, error) = await Run(
            "sigstore", "verify-bundle", "--bundle", Bed["TESTBED_KEYLESS_BUNDLE_SIGNED"], "--key", Bed["TESTBED_COSIGN_PUB"],
            "--trusted-root", Bed["TESTBED_SIGSTORE_TRUSTED_ROOT"], Bed["TESTBED_COSIGN_PAYLOAD_SIGNED"]);

        Assert.Equal(1, code);
        Assert.Contains("the signature carries a certificate for another key than trust root \"cosign.pub\"", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyBundle_PublicGoodRootForTestbedBundle_Exit1()
    {
        var (code, _, error) = await Run(
            "sigstore", "verify-bundle", "--bundle", Bed["TESTBED_KEYLESS_BUNDLE_SIGNED"],
            "--certificate-identity", Bed["TESTBED_KEYLESS_SAN"], "--certificate-oidc-issuer", Bed["TESTBED_KEYLESS_ISSUER"], Bed["TESTBED_COSIGN_PAYLOAD_SIGNED"]);

        Assert.Equal(1, code);
        Assert.StartsWith("verity: bundle signed.keyless.bundle.json does not verify: ", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--key", "k.pub", "--certificate-identity", "x", "--certificate-oidc-issuer", "y")]
    [InlineData("--certificate-identity", "x")]
    [InlineData()]
    public async Task VerifyBundle_KeyAndIdentityMisused_Exit2(params string[] trust)
    {
        var (code, output, error) = await Run(["sigstore", "verify-bundle", "--bundle", "b.json", .. trust, "sha256:" + new string('0', 64)]);

        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.StartsWith("verity: ", error, StringComparison.Ordinal);
        Assert.Contains("(see verity sigstore verify-bundle --help)", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("no-such-file", "is neither a file nor a digest")]
    [InlineData("sha256:abc", "is neither a file nor a digest")]
    public async Task VerifyBundle_NeitherFileNorDigest_Exit2(string artifact, string message)
    {
        var (code, _, error) = await Run(Keyless("TESTBED_KEYLESS_SAN", Bed["TESTBED_KEYLESS_BUNDLE_SIGNED"], artifact));

        Assert.Equal(2, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyBundle_TrustedRootNotATrustedRoot_Exit2()
    {
        var (code, _, error) = await Run(
            "sigstore", "verify-bundle", "--bundle", Bed["TESTBED_KEYLESS_BUNDLE_SIGNED"], "--trusted-root", Bed["TESTBED_KEYLESS_BUNDLE_SIGNED"],
            "--certificate-identity", Bed["TESTBED_KEYLESS_SAN"], "--certificate-oidc-issuer", Bed["TESTBED_KEYLESS_ISSUER"], Bed["TESTBED_COSIGN_PAYLOAD_SIGNED"]);

        Assert.Equal(2, code);
        Assert.StartsWith("verity: the trusted root cannot be used: ", error, StringComparison.Ordinal);
    }

    private static string[] Keyless(string sanVariable, string bundle, string artifact) =>
    [
        "sigstore", "verify-bundle", "--bundle", bundle,
        "--certificate-identity", Bed[sanVariable], "--certificate-oidc-issuer", Bed["TESTBED_KEYLESS_ISSUER"],
        "--trusted-root", Bed["TESTBED_SIGSTORE_TRUSTED_ROOT"], artifact,
    ];
}
