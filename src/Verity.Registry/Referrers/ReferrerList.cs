using System.Collections.Immutable;
using Verity.Core.Images;
using Verity.Registry.Manifests;

namespace Verity.Registry.Referrers;

/// <summary>The manifests that name a subject digest in their <c>subject</c> field (OCI distribution spec 1.1, "Listing Referrers").</summary>
/// <remarks>
/// When an <c>artifactType</c> filter was requested, <see cref="Referrers"/> holds only matching entries, whether
/// the registry applied the filter (<c>OCI-Filters-Applied</c>) or Verity did. The descriptors are claims made by
/// the registry: a validator must fetch each referrer by its digest and check its <c>subject</c> before trusting it.
/// </remarks>
public sealed record ReferrerList
{
    /// <summary>The subject the referrers point to.</summary>
    public required Digest Subject { get; init; }

    /// <summary>The referrer descriptors, in the registry's order.</summary>
    public required ImmutableArray<Descriptor> Referrers { get; init; }

    /// <summary>How the list was found.</summary>
    public required ReferrersSource Source { get; init; }
}
