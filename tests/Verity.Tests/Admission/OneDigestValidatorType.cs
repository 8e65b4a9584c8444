using Microsoft.Extensions.DependencyInjection;
using Verity.Core.Configuration;
using Verity.Core.Images;
using Verity.Core.Policy;
using Verity.Core.Validation;

namespace Verity.Tests.Admission;

/// <summary>
/// A validator type that exists only in this test project: <c>type: onedigest</c> trusts one digest
/// (<c>digest:</c>), and a tag named in the rule's <c>with.tag</c> resolves to it. It proves that a new type plugs
/// in through its registration alone.
/// </summary>
internal sealed class OneDigestValidatorType : ValidatorType<OneDigestValidatorType.Definition, OneDigestValidatorType.Options>
{
    public override string Name => "onedigest";

    public override IReadOnlyCollection<string> RuleOptionKeys { get; } = ["tag", "vouchForAnything"];

    public int Created { get; private set; }

    public override Definition? ReadValidator(string name, ConfigSection section)
    {
        var text = section.GetString("digest", required: true);
        if (text is null)
        {
            return null;
        }

        if (!Digest.TryParse(text, out var digest, out var error))
        {
            section.Error("digest", $"\"{text}\" is not a digest: {error}");
            return null;
        }

        return new Definition { Name = name, Trusted = digest };
    }

    public override Options? ReadRuleOptions(ConfigSection with, Definition validator)
    {
        var tag = with.GetString("tag");
        if (tag is { Length: 0 })
        {
            with.Error("tag", "the tag must not be empty");
            return null;
        }

        return new Options { Tag = tag ?? "signed", VouchForAnything = with.GetBool("vouchForAnything") ?? false };
    }

    public override void AddServices(IServiceCollection services) => services.AddSingleton(this);

    public override IValidator Create(Definition definition, IServiceProvider services)
    {
        Created++;
        return new Validator(definition);
    }

    internal sealed record Definition : ValidatorDefinition
    {
        public override string Type => "onedigest";

        public required Digest Trusted { get; init; }
    }

    internal sealed record Options : RuleOptions
    {
        public required string Tag { get; init; }

        /// <summary>A broken validator: trusts every reference and names its one digest, whatever digest the reference has.</summary>
        public bool VouchForAnything { get; init; }
    }

    private sealed class Validator(Definition definition) : IValidator
    {
        public string Name => definition.Name;

        public string Type => definition.Type;

        public bool IsCacheable => true;

        public ValueTask<ValidationOutcome> ValidateAsync(ImageReference image, RuleOptions options, CancellationToken cancellationToken)
        {
            var tag = ((Options)options).Tag;
            ValidationOutcome outcome = ((Options)options).VouchForAnything || image.Digest == definition.Trusted || (image.Digest is null && image.Tag == tag)
                ? new ValidationOutcome.Trusted(definition.Trusted, "the one trusted digest")
                : new ValidationOutcome.Denied($"only {definition.Trusted} is trusted");
            return ValueTask.FromResult(outcome);
        }
    }
}
