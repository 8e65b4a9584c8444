namespace Verity.Caching;

/// <summary>What a cached verdict is valid for: one configuration, one rule, one validator, one image string.</summary>
/// <param name="Generation">The configuration snapshot's generation: a reload starts afresh in this process.</param>
/// <param name="Rule">The index of the rule that matched.</param>
/// <param name="Validator">The validator's name.</param>
/// <param name="Image">The image exactly as written.</param>
/// <param name="Configuration">The SHA-256 of the configuration's text: what the shared cache keys by instead of the
/// generation, which is per process.</param>
internal readonly record struct VerdictKey(long Generation, int Rule, string Validator, string Image, string Configuration = "");
