using System.Collections.Immutable;

namespace Verity.Validators.NotaryV1.Tuf;

/// <summary>A top-level role as <c>root.json</c> defines it: its key IDs and threshold (TUF §4.3 ROLE; Notary's <c>data.RootRole</c>).</summary>
/// <param name="KeyIds">The key IDs, each present in <c>root.keys</c>.</param>
/// <param name="Threshold">How many distinct keys must sign, at least 1.</param>
internal sealed record RoleKeys(ImmutableArray<string> KeyIds, int Threshold);
