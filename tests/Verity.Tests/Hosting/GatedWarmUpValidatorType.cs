using Microsoft.Extensions.DependencyInjection;
using Verity.Core.Configuration;
using Verity.Core.Images;
using Verity.Core.Policy;
using Verity.Core.Validation;

namespace Verity.Tests.Hosting;

/// <summary>
/// <c>type: gated</c>: a validator whose start-up warm-up waits until the test opens <see cref="Gate"/>; it trusts nothing.
/// </summary>
internal sealed class GatedWarmUpValidatorType : ValidatorType<GatedWarmUpValidatorType.Definition, RuleOptions>
{
    public override string Name => "gated";

    public override IReadOnlyCollection<string> RuleOptionKeys { get; } = [];

    /// <summary>Completes when a warm-up has begun.</summary>
    public TaskCompletionSource WarmUpStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Opened by the test to let the warm-up finish.</summary>
    public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override Definition? ReadValidator(string name, ConfigSection section) => new() { Name = name };

    public override RuleOptions? ReadRuleOptions(ConfigSection with, Definition validator) => RuleOptions.Default;

    public override void AddServices(IServiceCollection services)
    {
    }

    public override IValidator Create(Definition definition, IServiceProvider services) => new Validator(definition, this);

    internal sealed record Definition : ValidatorDefinition
    {
        public override string Type => "gated";
    }

    private sealed class Validator(Definition definition, GatedWarmUpValidatorType type) : IValidator, IValidatorWarmUp
    {
        public string Name => definition.Name;

        public string Type => definition.Type;

        public bool IsCacheable => false;

        public ValueTask<ValidationOutcome> ValidateAsync(ImageReference image, RuleOptions options, CancellationToken cancellationToken) =>
            ValueTask.FromResult<ValidationOutcome>(new ValidationOutcome.Denied("gated"));

        public async ValueTask<string> WarmUpAsync(CancellationToken cancellationToken)
        {
            type.WarmUpStarted.TrySetResult();
            await type.Gate.Task.WaitAsync(cancellationToken);
            return "gate opened";
        }
    }
}
