using Verity.Core.Configuration;
using Verity.Core.Images;
using Verity.Core.Policy;
using Verity.Core.Validation;
using Microsoft.Extensions.DependencyInjection;
using Verity.Validators.Static;

namespace Verity.Tests.Admission;

/// <summary>
/// Answers like Connaisseur's test helper <c>MockValidator</c>: alice's image is signed with a fixed digest,
/// busybox fails, anything else is unknown.
/// </summary>
internal sealed class MockValidator : IValidator
{
    public const string AliceDigest = "sha256:1234567890123456123456789012345612345678901234561234567890123456";

    public MockValidator(string name)
    {
        Name = name;
    }

    public string Name { get; }

    public string Type => "mock";

    public bool IsCacheable => true;

    public int Calls;

    public ValueTask<ValidationOutcome> ValidateAsync(ImageReference image, RuleOptions options, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Calls);
        if (image.Original == "hangs")
        {
            return Hang(cancellationToken);
        }

        ValidationOutcome outcome = image.Original switch
        {
            "securesystemsengineering/alice-image:test"
                or "securesystemsengineering/alice-image@" + AliceDigest
                or "securesystemsengineering/alice-image:test@" + AliceDigest => new ValidationOutcome.Trusted(Digest.Parse(AliceDigest)),
            "busybox" => new ValidationOutcome.Denied("unable to find signed digest for image docker.io/library/busybox:latest"),
            "throws" => throw new InvalidOperationException("secret internal detail"),
            "unavailable" => throw new ValidationException("registry r.example could not be reached: Connection refused", new HttpRequestException("Connection refused")),
            _ => new ValidationOutcome.Denied($"unknown image {image.Original}"),
        };
        return ValueTask.FromResult(outcome);
    }

    private static async ValueTask<ValidationOutcome> Hang(CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        throw new InvalidOperationException("unreachable");
    }
}

/// <summary>
/// The <c>static</c> type, except that the validator named <c>mock</c> becomes a <see cref="MockValidator"/>.
/// </summary>
internal sealed class MockValidatorFactory : IValidatorType
{
    private readonly StaticValidatorType _static = new();

    public MockValidator? Mock { get; private set; }

    public string Name => _static.Name;

    public IReadOnlyCollection<string> RuleOptionKeys => ((IValidatorType)_static).RuleOptionKeys;

    /// <summary>Puts this type in place of the registered <c>static</c> type.</summary>
    public void ReplaceStatic(IServiceCollection services)
    {
        foreach (var existing in services.Where(d => d.ServiceType == typeof(IValidatorType) && d.ImplementationInstance is StaticValidatorType).ToList())
        {
            services.Remove(existing);
        }

        services.AddSingleton<IValidatorType>(this);
    }

    public ValidatorDefinition? ReadValidator(string name, ConfigSection section) => ((IValidatorType)_static).ReadValidator(name, section);

    public RuleOptions? ReadRuleOptions(ConfigSection with, ValidatorDefinition validator) => ((IValidatorType)_static).ReadRuleOptions(with, validator);

    public void AddServices(IServiceCollection services)
    {
    }

    public IValidator Create(ValidatorDefinition definition, IServiceProvider services)
    {
        if (definition.Name == "mock")
        {
            Mock = new MockValidator(definition.Name);
            return Mock;
        }

        return ((IValidatorType)_static).Create(definition, services);
    }
}
