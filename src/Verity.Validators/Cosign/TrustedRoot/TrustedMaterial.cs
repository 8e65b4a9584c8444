using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Verity.Core.Trust;

namespace Verity.Validators.Cosign.TrustedRoot;

/// <summary>
/// Everything a cosign/sigstore verification trusts beyond the policy's own keys and identities: Fulcio
/// certificate authorities, Rekor log keys, certificate transparency log keys and timestamp authorities.
/// </summary>
/// <remarks>
/// The first of sigstore-go's three parts (trusted material, signed entity, policy; <c>root.TrustedMaterial</c>).
/// It comes from a Sigstore <c>TrustedRoot</c> document (protobuf-specs <c>dev.sigstore.trustroot.v1</c>, see
/// <see cref="TrustedRootReader"/>), from the public-good root shipped in this assembly
/// (<see cref="PublicGood"/>), or from Connaisseur's per-validator PEMs (<see cref="WithConnaisseurHost"/>).
/// Immutable and safe to share between requests.
/// </remarks>
internal sealed class TrustedMaterial
{
    private const string PublicGoodResource = "Verity.Validators.Cosign.trusted_root.public-good.json";

    private static readonly Lazy<TrustedMaterial> PublicGoodRoot = new(LoadPublicGood);

    /// <summary>Creates trusted material from its parts.</summary>
    public TrustedMaterial(
        ImmutableArray<CertificateAuthority> certificateAuthorities,
        ImmutableArray<TransparencyLog> rekorLogs,
        ImmutableArray<TransparencyLog> ctLogs,
        ImmutableArray<TimestampAuthority> timestampAuthorities)
    {
        CertificateAuthorities = certificateAuthorities.IsDefault ? [] : certificateAuthorities;
        RekorLogs = rekorLogs.IsDefault ? [] : rekorLogs;
        CtLogs = ctLogs.IsDefault ? [] : ctLogs;
        TimestampAuthorities = timestampAuthorities.IsDefault ? [] : timestampAuthorities;
    }

    /// <summary>
    /// The Sigstore public-good trusted root (Fulcio, Rekor, CT log, TSA of sigstore.dev), as shipped with
    /// this build of Verity.
    /// </summary>
    public static TrustedMaterial PublicGood => PublicGoodRoot.Value;

    /// <summary>Fulcio certificate authorities.</summary>
    public ImmutableArray<CertificateAuthority> CertificateAuthorities { get; }

    /// <summary>Rekor transparency logs.</summary>
    public ImmutableArray<TransparencyLog> RekorLogs { get; }

    /// <summary>Certificate transparency logs (for the SCTs embedded in Fulcio certificates).</summary>
    public ImmutableArray<TransparencyLog> CtLogs { get; }

    /// <summary>RFC 3161 timestamp authorities.</summary>
    public ImmutableArray<TimestampAuthority> TimestampAuthorities { get; }

    /// <summary>Parses a Sigstore <c>TrustedRoot</c> JSON document.</summary>
    public static bool TryParse(ReadOnlyMemory<byte> json, [NotNullWhen(true)] out TrustedMaterial? material, [NotNullWhen(false)] out string? error)
    {
        return TrustedRootReader.TryRead(json, out material, out error);
    }

    /// <summary>Parses a Sigstore <c>TrustedRoot</c> JSON document or throws <see cref="FormatException"/>.</summary>
    public static TrustedMaterial Parse(ReadOnlyMemory<byte> json)
    {
        return TryParse(json, out var material, out var error) ? material : throw new FormatException(error);
    }

    /// <summary>A log known only by its key (a PEM from configuration): unbounded validity, ID = SHA-256 of the SPKI.</summary>
    public static TransparencyLog LogFromKey(VerificationKey key, string? baseUrl = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new TransparencyLog
        {
            LogId = SHA256.HashData(key.SubjectPublicKeyInfo),
            Key = key,
            Validity = ValidityPeriod.Unbounded,
            BaseUrl = baseUrl,
        };
    }

    /// <summary>
    /// Connaisseur's <c>host</c> settings: each of <c>rekorPubkey</c>, <c>fulcioCert</c> and <c>ctLogPubkey</c>
    /// that is set replaces that part of this material; the parts not set stay.
    /// </summary>
    /// <remarks>
    /// Every self-signed certificate of <paramref name="fulcioCertificates"/> becomes a trust anchor, without a
    /// validity window, and the other certificates its intermediates. cosign puts the whole PEM in its root pool,
    /// so it also accepts an intermediate alone as an anchor; Verity needs the self-signed root, because .NET's
    /// path building (OpenSSL) does not verify the signatures of a partial path. A replaced Rekor or CT log key
    /// has no validity window either. Timestamp authorities are kept.
    /// </remarks>
    public TrustedMaterial WithConnaisseurHost(VerificationKey? rekorPublicKey, X509Certificate2Collection? fulcioCertificates, VerificationKey? ctLogPublicKey)
    {
        var authorities = CertificateAuthorities;
        if (fulcioCertificates is { Count: > 0 })
        {
            var roots = fulcioCertificates.Where(IsSelfSigned).ToList();
            var intermediates = fulcioCertificates.Where(c => !IsSelfSigned(c)).ToImmutableArray();
            authorities = roots.Count > 0
                ? [.. roots.Select(r => new CertificateAuthority(r, intermediates, ValidityPeriod.Unbounded, uri: null))]
                : [.. intermediates.Select(c => new CertificateAuthority(c, [], ValidityPeriod.Unbounded, uri: null))];
        }

        return new TrustedMaterial(
            authorities,
            rekorPublicKey is null ? RekorLogs : [LogFromKey(rekorPublicKey)],
            ctLogPublicKey is null ? CtLogs : [LogFromKey(ctLogPublicKey)],
            TimestampAuthorities);
    }

    /// <summary>The Rekor log with this ID, or null.</summary>
    public TransparencyLog? FindRekorLog(ReadOnlySpan<byte> logId) => Find(RekorLogs, logId);

    /// <summary>The CT log with this ID, or null.</summary>
    public TransparencyLog? FindCtLog(ReadOnlySpan<byte> logId) => Find(CtLogs, logId);

    private static bool IsSelfSigned(X509Certificate2 certificate)
    {
        return certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData);
    }

    private static TransparencyLog? Find(ImmutableArray<TransparencyLog> logs, ReadOnlySpan<byte> logId)
    {
        foreach (var log in logs)
        {
            if (log.LogId.Span.SequenceEqual(logId))
            {
                return log;
            }
        }

        return null;
    }

    private static TrustedMaterial LoadPublicGood()
    {
        using var stream = typeof(TrustedMaterial).Assembly.GetManifestResourceStream(PublicGoodResource)
            ?? throw new InvalidOperationException($"the embedded resource {PublicGoodResource} is missing from the build");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Parse(buffer.ToArray());
    }
}
