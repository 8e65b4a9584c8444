using System.Text;
using System.Text.Json.Nodes;
using Verity.Core.Configuration;
using Verity.Core.Images;
using Verity.Core.Policy;
using Verity.Core.Validation;
using Verity.Hosting;
using static Verity.Tests.Admission.AdmissionRequests;

namespace Verity.Tests.Admission;

/// <summary>Text a server controls (annotations, subjects, error bodies) reaches denials escaped and capped.</summary>
public sealed class UntrustedTextTests
{
    private static string Config(string reason) => $$"""
        validators:
          - name: echo
            type: echo
            reason: "{{reason}}"
        policy:
          - pattern: "*:*"
            validator: echo
        """;

    private static async Task<string> DenialOf(string reason)
    {
        using var fixture = new AdmissionFixture(Config(reason), configure: s => s.AddValidatorType(new EchoValidatorType()));
        var result = await fixture.Handler.HandleAsync(Encoding.UTF8.GetBytes(Pod("my.reg/app:1").ToJsonString()), null, TestContext.Current.CancellationToken);
        var response = JsonNode.Parse(result.Body)!["response"]!;
        Assert.False(response["allowed"]!.GetValue<bool>());
        return response["status"]!["message"]!.GetValue<string>();
    }

    [Fact]
    public async Task Deny_LogForgingTextFromTheRegistry_IsEscaped()
    {
        var message = await DenialOf("bad signature\\n{\\\"verdict\\\":\\\"admitted\\\"}\\u001b[32m ok");

        Assert.DoesNotContain('\n', message);
        Assert.DoesNotContain('\u001b', message);
        Assert.Contains("bad signature\\u000a", message, StringComparison.Ordinal);
        Assert.Contains("\\u001b[32m ok", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deny_EndlessTextFromTheRegistry_IsCapped()
    {
        var message = await DenialOf(new string('x', 100_000));

        Assert.True(message.Length < DisplayText.MaxLength + 200, $"{message.Length} characters");
        Assert.Contains($"… (cut at {DisplayText.MaxLength} characters)", message, StringComparison.Ordinal);
    }

    /// <summary><c>type: echo</c>: denies with the configured reason, standing in for text a server sent.</summary>
    private sealed class EchoValidatorType : ValidatorType<EchoValidatorType.Definition, RuleOptions>
    {
        public override string Name => "echo";

        public override Definition? ReadValidator(string name, ConfigSection section) =>
            new() { Name = name, Reason = section.GetString("reason", required: true) ?? string.Empty };

        public override RuleOptions? ReadRuleOptions(ConfigSection with, Definition validator) => RuleOptions.Default;

        public override IValidator Create(Definition definition, IServiceProvider services) => new Validator(definition);

        internal sealed record Definition : ValidatorDefinition
        {
            public override string Type => "echo";

            public required string Reason { get; init; }
        }

        private sealed class Validator(Definition definition) : IValidator
        {
            public string Name => definition.Name;

            public string Type => "echo";

            public bool IsCacheable => false;

            public ValueTask<ValidationOutcome> ValidateAsync(ImageReference image, RuleOptions options, CancellationToken cancellationToken) =>
                ValueTask.FromResult<ValidationOutcome>(new ValidationOutcome.Denied(definition.Reason));
        }
    }
}
