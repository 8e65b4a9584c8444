using Verity.Core.Configuration;

namespace Verity.Validators.Tests;

/// <summary>Reads configurations as Verity does, with the built-in validator types.</summary>
internal static class TestConfig
{
    public static ConfigLoader Loader { get; } = new(new ValidatorTypeRegistry(BuiltInValidatorTypes.All));
}
