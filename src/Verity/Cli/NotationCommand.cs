using System.CommandLine;
using System.Security.Cryptography.X509Certificates;
using Verity.Core.Configuration;
using Verity.Core.Images;
using Verity.Core.Trust;
using Verity.Validators.Notation;
using Verity.Validators.Notation.Discovery;
using Verity.Validators.Notation.Envelope;
using Verity.Validators.Notation.Verification;

namespace Verity.Cli;

/// <summary>
/// <c>verity notation verify-envelope</c>: verify one Notary Project signature envelope (JWS or COSE) over a manifest
/// digest with the notation validator's code. Exit 0 verified, 1 not, 2 usage.
/// </summary>
internal static class NotationCommand
{
    private static readonly string[] Levels = ["strict", "permissive", "audit", "skip"];
    private static readonly string[] TimestampPolicies = ["always", "afterCertExpiry"];

    public static Command Create(TextWriter output, TextWriter errors)
    {
        var envelope = new Option<FileInfo>("--envelope") { Description = "The signature envelope (the signature manifest's layer blob)", Required = true };
        var trustRoots = new Option<FileInfo[]>("--trust-root")
        {
            Description = "A PEM file of CA or self-signed certificates the chain must lead to; one trust root per file (repeatable)",
            Required = true,
        };
        var tsaRoots = new Option<FileInfo[]>("--tsa-root")
        {
            Description = "A PEM file of timestamp authority roots, for the RFC 3161 countersignature (repeatable)",
        };
        var level = new Option<string>("--verification-level") { Description = "strict, permissive, audit or skip", DefaultValueFactory = _ => "strict" };
        level.AcceptOnlyFromAmong(Levels);
        var timestamp = new Option<string>("--verify-timestamp") { Description = "always or afterCertExpiry", DefaultValueFactory = _ => "always" };
        timestamp.AcceptOnlyFromAmong(TimestampPolicies);
        var mediaType = new Option<string?>("--media-type")
        {
            Description = "The envelope media type, application/jose+json or application/cose; default: JWS when the file starts with '{', else COSE",
        };
        var digest = new Argument<string>("DIGEST") { Description = "The manifest digest the signature must cover, sha256:<hex>" };
        var verify = new Command(
            "verify-envelope",
            "Verify a Notary Project signature envelope over a manifest digest, as the notation validator does. Exit 0 if it verifies, 1 if not. Revocation is not checked")
        {
            envelope, trustRoots, tsaRoots, level, timestamp, mediaType, digest,
        };
        verify.SetAction(async (parse, cancellationToken) =>
        {
            var envelopeFile = parse.GetValue(envelope)!;
            try
            {
                var digestText = parse.GetValue(digest)!;
                if (!Digest.TryParse(digestText, out var expected))
                {
                    await errors.WriteLineAsync($"verity: \"{digestText}\" is not a digest sha256:<64 hex digits>");
                    return VerityCli.UsageError;
                }

                // Bounded as the validator bounds an envelope: a huge file or an endless stream is refused, not read.
                var limit = NotationLimits.Default.MaxEnvelopeBytes;
                var bytes = await ReadAtMostAsync(envelopeFile.FullName, limit, cancellationToken);
                if (bytes is null)
                {
                    await errors.WriteLineAsync($"verity: envelope {envelopeFile.Name} does not verify: it is larger than {limit} bytes, the notation validator's limit");
                    return VerityCli.Denied;
                }

                var type = parse.GetValue(mediaType) ?? (bytes.Length > 0 && bytes[0] == (byte)'{' ? NotaryHeaders.JwsMediaType : NotaryHeaders.CoseMediaType);
                if (!NotationEnvelopeReader.IsEnvelopeType(type))
                {
                    await errors.WriteLineAsync($"verity: --media-type \"{type}\" is not {NotaryHeaders.JwsMediaType} or {NotaryHeaders.CoseMediaType}");
                    return VerityCli.UsageError;
                }

                X509Certificate2Collection? tsa = null;
                foreach (var file in parse.GetValue(tsaRoots) ?? [])
                {
                    tsa ??= [];
                    if (await ReadPemAsync(file, errors, cancellationToken) is not { } certs)
                    {
                        return VerityCli.UsageError;
                    }

                    tsa.AddRange(certs);
                }

                var roots = new List<CertificateTrustRoot>();
                foreach (var file in parse.GetValue(trustRoots) ?? [])
                {
                    if (await ReadPemAsync(file, errors, cancellationToken) is not { } certs)
                    {
                        return VerityCli.UsageError;
                    }

                    roots.Add(new CertificateTrustRoot(file.Name, certs, tsa));
                }

                var levelValue = NotationValidatorType.ParseEnum<NotationVerificationLevel>(parse.GetValue(level), Levels) ?? NotationVerificationLevel.Strict;
                if (levelValue == NotationVerificationLevel.Skip)
                {
                    await output.WriteLineAsync($"not verified: verification level skip admits {expected} without looking at the envelope");
                    return VerityCli.Ok;
                }

                var parsed = NotationEnvelopeReader.TryRead(type, bytes, out var parseError);
                if (parsed is null)
                {
                    await errors.WriteLineAsync($"verity: envelope {envelopeFile.Name} does not verify: {parseError}");
                    return VerityCli.Denied;
                }

                var policy = NotationValidatorType.ParseEnum<NotationTimestampPolicy>(parse.GetValue(timestamp), TimestampPolicies) ?? NotationTimestampPolicy.Always;
                var verdict = new NotationSignatureVerifier(TimeProvider.System).Verify(parsed, TargetArtifact.DigestOnly(expected.ToString()), roots, levelValue, policy);
                foreach (var finding in verdict.Logged)
                {
                    await output.WriteLineAsync($"note: {finding}");
                }

                if (verdict.IntegrityFailure is { } integrity)
                {
                    await errors.WriteLineAsync($"verity: envelope {envelopeFile.Name} does not verify: {integrity}");
                    return VerityCli.Denied;
                }

                var satisfied = verdict.SatisfiedRoots.ToList();
                if (satisfied.Count == 0 && levelValue != NotationVerificationLevel.Audit)
                {
                    await errors.WriteLineAsync($"verity: envelope {envelopeFile.Name} does not verify: {string.Join("; ", verdict.Roots.Values.Where(v => v is not null))}");
                    return VerityCli.Denied;
                }

                var by = satisfied.Count == 0 ? "integrity only (audit)" : "trust roots " + string.Join(", ", satisfied);
                await output.WriteLineAsync($"verified: envelope {envelopeFile.Name} covers {expected}, signed by \"{verdict.Signer}\" under {by}; revocation not checked");
                return VerityCli.Ok;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await errors.WriteLineAsync($"verity: {e.Message}");
                return VerityCli.UsageError;
            }
        });
        return new Command("notation", "Notary Project (notation) tools") { verify };
    }

    private static async Task<byte[]?> ReadAtMostAsync(string path, int limit, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, useAsync: true);
        var buffer = new byte[limit + 1];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken);
            if (n == 0)
            {
                return buffer[..read];
            }

            read += n;
        }

        return null;
    }

    private static async Task<X509Certificate2Collection?> ReadPemAsync(FileInfo file, TextWriter errors, CancellationToken cancellationToken)
    {
        var certs = SettingsReader.ParseCertificates(await File.ReadAllTextAsync(file.FullName, cancellationToken), out var error);
        if (certs is null or { Count: 0 })
        {
            await errors.WriteLineAsync($"verity: {file.Name}: {error ?? "no certificate"}");
            return null;
        }

        return certs;
    }
}
