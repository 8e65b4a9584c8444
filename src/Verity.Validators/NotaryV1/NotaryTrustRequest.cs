using System.Collections.Immutable;
using Verity.Core.Images;
using Verity.Core.Trust;

namespace Verity.Validators.NotaryV1;

/// <summary>What <see cref="NotaryTrustVerifier.VerifyAsync"/> is asked to establish.</summary>
internal sealed record NotaryTrustRequest
{
    /// <summary>The collection (Globally Unique Name), e.g. <c>docker.io/library/nginx</c>; used for rollback
    /// state and messages.</summary>
    public required string Gun { get; init; }

    /// <summary>The pinned root keys that must each have signed root: the rule's trust root, or all of the
    /// validator's with <c>trustRoot: "*"</c>.</summary>
    public required ImmutableArray<PublicKeyTrustRoot> TrustRoots { get; init; }

    /// <summary>The reference's tag, or null for a digest-only reference.</summary>
    public string? Tag { get; init; }

    /// <summary>The reference's digest, or null.</summary>
    public Digest? Digest { get; init; }

    /// <summary>The delegations that must all sign (<c>with.delegations</c>, with the <c>targets/</c>
    /// prefix); empty for Docker Content Trust's default.</summary>
    public ImmutableArray<string> Delegations { get; init; } = [];

    /// <summary>The server's full base URL, e.g. <c>https://notary.docker.io/</c>: with <see cref="Gun"/>, what rollback
    /// state and kept trust data are keyed by. Null (as empty) when there is none.</summary>
    public string? ServerUrl { get; init; }

    /// <summary>What this collection's rollback state and last trusted root are kept under.</summary>
    public Tuf.TrustStateKey StateKey => new(ServerUrl ?? string.Empty, Gun);

    /// <summary>The server the trust data comes from, for messages, e.g. <c>Notary server notary.docker.io</c>; null if
    /// there is none to name.</summary>
    public string? Server { get; init; }
}
