using Verity.Core.Images;

namespace Verity.Registry.Referrers;

/// <summary>The referrers tag schema (OCI distribution spec 1.1, "Referrers Tag Schema").</summary>
internal static class ReferrersTag
{
    /// <summary>
    /// The fallback tag of <paramref name="subject"/>: <c>&lt;alg&gt;-&lt;ref&gt;</c>, the algorithm truncated to 32
    /// characters and the encoded part to 64, e.g. <c>sha256-d60bce…</c>.
    /// </summary>
    public static string For(Digest subject)
    {
        var algorithm = subject.Algorithm.Length > 32 ? subject.Algorithm[..32] : subject.Algorithm;
        var hex = subject.Hex.Length > 64 ? subject.Hex[..64] : subject.Hex;
        return algorithm + "-" + hex;
    }
}
