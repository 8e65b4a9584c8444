using Verity.Core.Validation;
using Verity.Validators.NotaryV1.Tuf;

namespace Verity.Validators.NotaryV1;

/// <summary>What one refresh of a collection's top-level trust data found: a verified collection, or a denial.</summary>
/// <param name="Collection">The verified collection, or null with <paramref name="Denial"/>.</param>
/// <param name="Denial">Why the trust data is not acceptable, or null.</param>
/// <param name="IsFull">Whether every role was downloaded and verified afresh (no earlier verification reused), so
/// a later failure is the verdict rather than a reason to verify again from scratch.</param>
internal sealed record NotaryRefresh(VerifiedCollection? Collection, ValidationOutcome.Denied? Denial, bool IsFull);
