using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Verity.Core.Validation;
using Verity.Registry;

namespace Verity.Validators.Notation;

/// <summary>Builds <see cref="NotationValidator"/>s: one registry client (with the validator's <c>auth</c> and <c>cert</c>) per validator; no I/O.</summary>
public sealed class NotationValidatorFactory
{
    private readonly IRegistryClientFactory _registries;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;

    /// <summary>Creates the factory.</summary>
    public NotationValidatorFactory(IRegistryClientFactory registries, TimeProvider timeProvider, ILoggerFactory? loggers = null)
    {
        _registries = registries ?? throw new ArgumentNullException(nameof(registries));
        _time = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _loggers = loggers ?? NullLoggerFactory.Instance;
    }

    /// <summary>Builds the validator of <paramref name="notation"/>.</summary>
    public IValidator Create(NotationValidatorDefinition notation)
    {
        ArgumentNullException.ThrowIfNull(notation);
        var registry = _registries.Create(new RegistryClientSettings
        {
            Name = notation.Name,
            Auth = notation.Auth,
            CaCertificates = notation.CaCertificates,
        });
        return new NotationValidator(notation, registry, _time, _loggers.CreateLogger<NotationValidator>());
    }
}
