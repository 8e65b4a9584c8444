using System.Collections.Immutable;
using Verity.Core.Configuration;
using Verity.Validators.Cosign;
using Verity.Validators.NotaryV1;
using Verity.Validators.Notation;
using Verity.Validators.Static;

namespace Verity.Validators;

/// <summary>The validator types Verity ships: one line per type.</summary>
public static class BuiltInValidatorTypes
{
    /// <summary>Every built-in type, in the order error messages list them.</summary>
    public static ImmutableArray<IValidatorType> All { get; } =
    [
        new StaticValidatorType(),
        new NotaryV1ValidatorType(),
        new CosignValidatorType(),
        new NotationValidatorType(),
    ];
}
