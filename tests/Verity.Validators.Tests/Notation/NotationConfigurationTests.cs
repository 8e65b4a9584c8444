using Verity.Core.Configuration;
using Verity.Validators.Notation;
using Verity.Validators.Notation.Verification;

namespace Verity.Validators.Tests.Notation;

/// <summary>How a <c>type: notation</c> validator and its rules' options load, and the errors with their paths.</summary>
public sealed class NotationConfigurationTests
{
    [Fact]
    public void RuleOptions_LevelAndTimestampAndThreshold_AreTyped()
    {
        var config = TestConfig.Loader.Parse(Config("""
                  trustRoot: "*"
                  threshold: 1
                  verificationLevel: permissive
                  verifyTimestamp: afterCertExpiry
            """), "test.yaml");

        var options = Assert.IsType<NotationRuleOptions>(config.Policy.Rules[0].Options);
        Assert.Equal(NotationVerificationLevel.Permissive, options.VerificationLevel);
        Assert.Equal(NotationTimestampPolicy.AfterCertExpiry, options.VerifyTimestamp);
        Assert.Equal(1, options.Threshold);
    }

    [Theory]
    [InlineData("verificationLevel: lenient", "policy[0].with.verificationLevel", "\"lenient\" is not a verificationLevel; use one of strict, permissive, audit, skip")]
    [InlineData("verifyTimestamp: never", "policy[0].with.verifyTimestamp", "\"never\" is not a verifyTimestamp; use one of always, afterCertExpiry")]
    [InlineData("trustRoot: beta", "policy[0].with.trustRoot", "validator \"np\" has no trust root \"beta\" (trust roots: default)")]
    public void RuleOptions_Invalid_IsAnErrorWithItsPath(string option, string path, string message)
    {
        var e = Assert.Throws<ConfigurationException>(() => TestConfig.Loader.Parse(Config("      " + option + "\n"), "test.yaml"));

        Assert.Contains(e.Errors, x => x.Path == path && x.Message == message);
    }

    private static string Config(string with) => $"""
        validators:
          - name: np
            type: notation
            trustRoots:
              - name: default
                cert: |
        {string.Join('\n', Cert.Split('\n').Select(l => "            " + l))}
        policy:
          - pattern: "*:*"
            validator: np
            with:
        {with.TrimEnd()}
        """;

    private static string Cert
    {
        get
        {
            using var ca = Verity.Testing.Notation.NotationTestCa.Create();
            return ca.RootPem.Trim();
        }
    }
}
