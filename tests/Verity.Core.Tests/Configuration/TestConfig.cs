using Verity.Core.Configuration;
using Verity.Validators;

namespace Verity.Core.Tests.Configuration;

/// <summary>Reads configurations as Verity does, with the built-in validator types.</summary>
internal static class TestConfig
{
    public static ConfigLoader Loader { get; } = new(new ValidatorTypeRegistry(BuiltInValidatorTypes.All));
}
