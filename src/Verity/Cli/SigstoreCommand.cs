using System.CommandLine;
using System.Security.Cryptography;
using Verity.Core.Images;
using Verity.Core.Trust;
using Verity.Validators.Cosign;

namespace Verity.Cli;

/// <summary><c>verity sigstore verify-bundle</c>: verify a standalone Sigstore bundle with the cosign validator's code.</summary>
internal static class SigstoreCommand
{
    public static Command Create(TextWriter output, TextWriter errors)
    {
        var bundle = new Option<FileInfo>("--bundle") { Description = "The Sigstore bundle (JSON, v0.1 to v0.3)", Required = true };
        var identity = new Option<string?>("--certificate-identity") { Description = "Keyless: the subject (SAN) the signing certificate must carry, exactly" };
        var issuer = new Option<string?>("--certificate-oidc-issuer") { Description = "Keyless: the OIDC issuer the signing certificate must carry, exactly" };
        var key = new Option<FileInfo?>("--key") { Description = "A PEM public key that must have made the signature" };
        var trustedRoot = new Option<FileInfo?>("--trusted-root")
        {
            Description = "A Sigstore trusted_root.json (Fulcio, Rekor, CT log, TSA); default: the public-good root shipped with Verity",
        };
        var ignoreTlog = new Option<bool>("--insecure-ignore-tlog") { Description = "Accept a bundle without a verified transparency log entry" };
        var artifact = new Argument<string>("FILE_OR_DIGEST") { Description = "The file the bundle is about (its SHA-256 is checked), or a digest sha256:<hex>" };
        var verify = new Command(
            "verify-bundle",
            "Verify a Sigstore bundle over a file or digest, as the cosign validator verifies bundle referrers. Exit 0 if it verifies, 1 if not")
        {
            bundle, identity, issuer, key, trustedRoot, ignoreTlog, artifact,
        };
        verify.Validators.Add(result =>
        {
            var hasIdentity = result.GetValue(identity) is not null;
            if (hasIdentity != (result.GetValue(issuer) is not null))
            {
                result.AddError("--certificate-identity and --certificate-oidc-issuer must be given together");
            }
            else if (hasIdentity == (result.GetValue(key) is not null))
            {
                result.AddError("give either --key or --certificate-identity with --certificate-oidc-issuer");
            }
        });
        verify.SetAction(async (parse, cancellationToken) =>
        {
            var bundleFile = parse.GetValue(bundle)!;
            try
            {
                var bundleJson = await File.ReadAllBytesAsync(bundleFile.FullName, cancellationToken);
                var digest = await ArtifactDigestAsync(parse.GetValue(artifact)!, cancellationToken);
                if (digest is null)
                {
                    await errors.WriteLineAsync($"verity: \"{parse.GetValue(artifact)}\" is neither a file nor a digest sha256:<64 hex digits>");
                    return VerityCli.UsageError;
                }

                TrustRoot root;
                if (parse.GetValue(key) is { } keyFile)
                {
                    if (!VerificationKey.TryParse(await File.ReadAllTextAsync(keyFile.FullName, cancellationToken), out var publicKey, out var keyError))
                    {
                        await errors.WriteLineAsync($"verity: --key {keyFile.Name}: {keyError}");
                        return VerityCli.UsageError;
                    }

                    root = new PublicKeyTrustRoot(keyFile.Name, publicKey);
                }
                else
                {
                    var subject = parse.GetValue(identity)!;
                    root = new KeylessTrustRoot(subject, new KeylessIdentity { Issuer = parse.GetValue(issuer), Subject = subject });
                }

                var trusted = parse.GetValue(trustedRoot) is { } rootFile
                    ? await File.ReadAllBytesAsync(rootFile.FullName, cancellationToken)
                    : (ReadOnlyMemory<byte>?)null;
                var verdict = SigstoreBundleVerification.Verify(bundleJson, digest.Value, root, trusted, !parse.GetValue(ignoreTlog), TimeProvider.System);
                if (!verdict.Verified)
                {
                    await errors.WriteLineAsync($"verity: bundle {bundleFile.Name} does not verify: {verdict.Message}");
                    return VerityCli.Denied;
                }

                await output.WriteLineAsync($"verified: bundle {bundleFile.Name}: {verdict.Message}");
                return VerityCli.Ok;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
                await errors.WriteLineAsync($"verity: {e.Message}");
                return VerityCli.UsageError;
            }
        });
        return new Command("sigstore", "Sigstore tools") { verify };
    }

    private static async Task<Digest?> ArtifactDigestAsync(string value, CancellationToken cancellationToken)
    {
        if (value.StartsWith("sha256:", StringComparison.Ordinal))
        {
            return Digest.TryParse(value, out var parsed) ? parsed : null;
        }

        if (!File.Exists(value))
        {
            return null;
        }

        await using var stream = File.OpenRead(value);
        return Digest.FromSha256(await SHA256.HashDataAsync(stream, cancellationToken));
    }
}
