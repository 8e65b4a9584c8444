using System.Collections.Immutable;
using Verity.Core.Images;

namespace Verity.Validators.NotaryV1;

/// <summary>What the verified targets roles say about an image reference: <see cref="Found"/> or <see cref="NotFound"/>.</summary>
internal abstract record TargetResolution
{
    private TargetResolution()
    {
    }

    /// <summary>Every searched role signs the reference, for one digest.</summary>
    /// <param name="Digest">The signed manifest digest.</param>
    /// <param name="Roles">The roles that were searched and agree.</param>
    public sealed record Found(Digest Digest, ImmutableArray<string> Roles) : TargetResolution;

    /// <summary>The reference is not signed as required.</summary>
    /// <param name="Reason">A sentence for the user that names the role and tag or digest.</param>
    public sealed record NotFound(string Reason) : TargetResolution;
}
