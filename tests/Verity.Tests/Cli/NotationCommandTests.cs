using Verity.Cli;
using Verity.Testing;
using Verity.Testing.Notation;

namespace Verity.Tests.Cli;

/// <summary>
/// <c>verity notation verify-envelope</c>: envelopes made at test time (JWS and COSE) and the real notation-go
/// envelope of Connaisseur's fixtures, when present. Exit 0 verified, 1 not, 2 usage.
/// </summary>
public sealed class NotationCommandTests : IDisposable
{
    private const string Image = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
    private const string Other = "sha256:2222222222222222222222222222222222222222222222222222222222222222";

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("verity-notation-");
    private readonly NotationTestCa _ca = NotationTestCa.Create("Acme");
    private readonly NotationTestCa _mallory = NotationTestCa.Create("Mallory");

    public void Dispose()
    {
        _ca.Dispose();
        _mallory.Dispose();
        _dir.Delete(recursive: true);
    }

    [Theory]
    [InlineData("jws")]
    [InlineData("cose")]
    public async Task VerifyEnvelope_SignedByTheTrustRoot_Exit0(string format)
    {
        var (envelope, root) = Write(format, Image, _ca);

        var (code, output, error) = await Run("notation", "verify-envelope", "--envelope", envelope, "--trust-root", root, Image);

        Assert.True(code == 0, error);
        Assert.Contains($"verified: envelope {Path.GetFileName(envelope)} covers {Image}, signed by \"CN=signer\" under trust roots acme.pem; revocation not checked", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyEnvelope_EnvelopeForAnotherDigest_Exit1NamingBothDigests()
    {
        var (envelope, root) = Write("jws", Other, _ca);

        var (code, _, error) = await Run("notation", "verify-envelope", "--envelope", envelope, "--trust-root", root, Image);

        Assert.Equal(1, code);
        Assert.Contains($"signature covers {Other} not {Image}", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyEnvelope_UntrustedChain_Exit1_AuditExit0()
    {
        var (envelope, _) = Write("jws", Image, _mallory);
        var acme = Path.Combine(_dir.FullName, "acme.pem");
        await File.WriteAllTextAsync(acme, _ca.RootPem, TestContext.Current.CancellationToken);

        var (strict, _, error) = await Run("notation", "verify-envelope", "--envelope", envelope, "--trust-root", acme, Image);
        var (audit, _, _) = await Run("notation", "verify-envelope", "--envelope", envelope, "--trust-root", acme, "--verification-level", "audit", Image);

        Assert.Equal(1, strict);
        Assert.Contains("certificate chain does not lead to trust root \"acme.pem\"", error, StringComparison.Ordinal);
        Assert.Equal(0, audit);
    }

    [Fact]
    public async Task VerifyEnvelope_NotADigest_Exit2()
    {
        var (envelope, root) = Write("jws", Image, _ca);

        var (code, _, _) = await Run("notation", "verify-envelope", "--envelope", envelope, "--trust-root", root, "latest");

        Assert.Equal(2, code);
    }

    [Fact]
    public async Task VerifyEnvelope_RealNotationJws_Exit0()
    {
        Assert.SkipUnless(SharedFixtures.Available, "real cosign/notation fixtures not present: set VERITY_SHARED_FIXTURES");
        var blob = SharedFixtures.Connaisseur("notation", "sse-secure-systems", "testimage", "blobs", "sha256:929a0a249c4614eb8bef5a914308896e7c8c5422d508eaddfd98dfe61683e556.json");
        var lines = await File.ReadAllLinesAsync(SharedFixtures.Connaisseur("notation", "07_selfsigned_cert.yaml"), TestContext.Current.CancellationToken);
        var pem = string.Join('\n', lines.SkipWhile(l => !l.Contains("BEGIN", StringComparison.Ordinal)).TakeWhile(l => !l.Contains("END", StringComparison.Ordinal)).Select(l => l.Trim())) + "\n-----END CERTIFICATE-----\n";
        var root = Path.Combine(_dir.FullName, "sse.pem");
        await File.WriteAllTextAsync(root, pem, TestContext.Current.CancellationToken);

        var (code, output, error) = await Run(
            "notation", "verify-envelope", "--envelope", blob, "--trust-root", root, "--media-type", "application/jose+json",
            "sha256:a136cc4e785798e5e8483047cf621cf0a0300a93d47703a3f066c340c070f5cf");

        Assert.True(code == 0, error);
        Assert.Contains("signed by \"CN=securesystems.de", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyEnvelope_EnvelopeLargerThanTheValidatorAccepts_Exit1WithoutReadingItAll()
    {
        var (_, root) = Write("jws", Image, _ca);
        var big = Path.Combine(_dir.FullName, "big.jws");
        await File.WriteAllBytesAsync(big, new byte[2 * 1024 * 1024], TestContext.Current.CancellationToken);

        var (code, _, error) = await Run("notation", "verify-envelope", "--envelope", big, "--trust-root", root, Image);

        Assert.Equal(1, code);
        Assert.Equal("verity: envelope big.jws does not verify: it is larger than 262144 bytes, the notation validator's limit\n", error.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task VerifyEnvelope_EndlessStream_Exit1()
    {
        Assert.SkipUnless(File.Exists("/dev/zero"), "needs /dev/zero");
        var (_, root) = Write("jws", Image, _ca);

        var (code, _, error) = await Run("notation", "verify-envelope", "--envelope", "/dev/zero", "--trust-root", root, Image);

        Assert.Equal(1, code);
        Assert.Contains("it is larger than 262144 bytes", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyEnvelope_SigningAuthoritySchemeUnderACaRoot_Exit1NamingTheCheck()
    {
        var now = DateTimeOffset.UtcNow;
        using var leaf = _ca.Leaf(notBefore: now.AddDays(-20), notAfter: now.AddDays(-10));
        var envelope = Path.Combine(_dir.FullName, "authority.jws");
        await File.WriteAllBytesAsync(envelope, NotationSigner.Jws(NotationSigner.Payload("application/vnd.oci.image.manifest.v1+json", Image, 1234), leaf, [leaf, _ca.Root], new NotationSignOptions
        {
            SigningScheme = "notary.x509.signingAuthority",
            OmitSigningTime = true,
            AuthenticSigningTime = now.AddDays(-15),
        }), TestContext.Current.CancellationToken);
        var root = Path.Combine(_dir.FullName, "acme.pem");
        await File.WriteAllTextAsync(root, _ca.RootPem, TestContext.Current.CancellationToken);

        var (code, _, error) = await Run("notation", "verify-envelope", "--envelope", envelope, "--trust-root", root, Image);

        Assert.Equal(1, code);
        Assert.Contains("signing scheme notary.x509.signingAuthority needs a signing-authority trust store", error, StringComparison.Ordinal);
    }

    private (string Envelope, string Root) Write(string format, string digest, NotationTestCa ca)
    {
        using var leaf = ca.Leaf();
        var payload = NotationSigner.Payload("application/vnd.oci.image.manifest.v1+json", digest, 1234);
        var bytes = format == "jws" ? NotationSigner.Jws(payload, leaf, [leaf, ca.Root]) : NotationSigner.Cose(payload, leaf, [leaf, ca.Root]);
        var envelope = Path.Combine(_dir.FullName, "signature." + format);
        File.WriteAllBytes(envelope, bytes);
        var root = Path.Combine(_dir.FullName, "acme.pem");
        File.WriteAllText(root, _ca.RootPem);
        return (envelope, root);
    }

    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await VerityCli.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
