using System.Text;
using System.Text.Json.Nodes;
using Verity.Core.Configuration;
using Verity.Hosting;
using static Verity.Tests.Admission.AdmissionRequests;

namespace Verity.Tests.Admission;

/// <summary>
/// A validator type defined only in this test project, registered with one line, reads its configuration, binds its
/// rule options at load and decides through <c>AdmissionHandler</c>: no code outside its folder knows it.
/// </summary>
public sealed class NewValidatorTypeTests
{
    private const string Trusted = "sha256:1111111111111111111111111111111111111111111111111111111111111111";

    private static string Config(string with = "") => $"""
        validators:
          - name: deny
            type: static
            approve: false
          - name: one
            type: onedigest
            digest: {Trusted}
        policy:
          - pattern: "*:*"
            validator: deny
          - pattern: "my.reg/app:*"
            validator: one
        {with}
        """;

    private static AdmissionFixture Fixture(OneDigestValidatorType type, string config) =>
        new(config, configure: services => services.AddValidatorType(type));

    private static async Task<JsonNode> Decide(AdmissionFixture fixture, JsonNode review)
    {
        var result = await fixture.Handler.HandleAsync(Encoding.UTF8.GetBytes(review.ToJsonString()), null, TestContext.Current.CancellationToken);
        return JsonNode.Parse(result.Body)!["response"]!;
    }

    [Fact]
    public async Task RegisteredType_TrustedTag_IsAdmittedAndPinned()
    {
        var type = new OneDigestValidatorType();
        using var fixture = Fixture(type, Config());

        var response = await Decide(fixture, Pod("my.reg/app:signed"));

        Assert.True(response["allowed"]!.GetValue<bool>());
        var patch = JsonNode.Parse(Convert.FromBase64String(response["patch"]!.GetValue<string>()))!;
        Assert.Equal("my.reg/app@" + Trusted, patch[0]!["value"]!.GetValue<string>());
        Assert.Equal(1, type.Created);
    }

    [Fact]
    public async Task RegisteredType_OtherImage_IsDeniedWithItsReason()
    {
        using var fixture = Fixture(new OneDigestValidatorType(), Config());

        var response = await Decide(fixture, Pod("my.reg/app:other"));

        Assert.False(response["allowed"]!.GetValue<bool>());
        Assert.Contains($"only {Trusted} is trusted", response["status"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RegisteredType_RuleOption_IsBoundWhenTheConfigurationLoads()
    {
        using var fixture = Fixture(new OneDigestValidatorType(), Config("    with:\n      tag: release"));

        var signed = await Decide(fixture, Pod("my.reg/app:signed"));
        var release = await Decide(fixture, Pod("my.reg/app:release"));

        Assert.False(signed["allowed"]!.GetValue<bool>());
        Assert.True(release["allowed"]!.GetValue<bool>());
    }

    [Fact]
    public void RegisteredType_BadRuleOption_IsAnErrorWithItsPath()
    {
        var error = Assert.Throws<ConfigurationException>(() => Fixture(new OneDigestValidatorType(), Config("    with:\n      tag: \"\"")));

        Assert.Contains(error.Errors, e => e.Path == "policy[1].with.tag" && e.Message == "the tag must not be empty");
    }

    [Fact]
    public void UnregisteredType_IsRefusedWhenTheConfigurationLoads()
    {
        var error = Assert.Throws<ConfigurationException>(() => new AdmissionFixture(Config()));

        Assert.Contains(error.Errors, e => e.Path == "validators[1].type" && e.Message.StartsWith("unsupported validator type \"onedigest\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ValidatorVouchingForAnotherDigest_IsDeniedAndNothingIsPatched()
    {
        const string Written = "sha256:2222222222222222222222222222222222222222222222222222222222222222";
        using var fixture = Fixture(new OneDigestValidatorType(), Config("    with:\n      vouchForAnything: true"));

        var response = await Decide(fixture, Pod($"my.reg/app:1@{Written}"));

        Assert.False(response["allowed"]!.GetValue<bool>());
        Assert.Null(response["patch"]);
        Assert.Contains($"the verified digest {Trusted} differs from the digest {Written} in the reference", response["status"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
