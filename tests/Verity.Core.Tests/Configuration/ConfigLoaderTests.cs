using Verity.Core.Configuration;
using Verity.Core.Policy;
using Verity.Validators.Cosign;
using Verity.Validators.NotaryV1;
using Verity.Core.Images;
using Verity.Core.Trust;
using Verity.Testing;

namespace Verity.Core.Tests.Configuration;

public sealed class ConfigLoaderTests
{
    private static string TestData(string file) => Path.Combine(AppContext.BaseDirectory, "Configuration", "TestData", file);

    private static string Fixture(string file) => SharedFixtures.Connaisseur("config", file);

    private static ConfigurationException LoadFails(string path)
    {
        return Assert.Throws<ConfigurationException>(() => TestConfig.Loader.Load(path));
    }

    private static VerityConfiguration Parse(string yaml) => TestConfig.Loader.Parse(yaml, "inline.yaml");

    [Fact]
    public void Load_ConnaisseurChartValues_LoadsV3Layout()
    {
        var config = TestConfig.Loader.Load(SharedFixtures.Path("connaisseur", "charts", "connaisseur", "values.yaml"));

        Assert.Equal(ConfigLayout.HelmValuesV3, config.Layout);
        Assert.Equal(["allow", "deny", "dockerhub"], config.Validators.Select(v => v.Name));
        var notary = Assert.IsType<NotaryV1ValidatorDefinition>(config.FindValidator("dockerhub"));
        Assert.Equal(new Uri("https://notary.docker.io"), notary.Host);
        var root = Assert.IsType<PublicKeyTrustRoot>(Assert.Single(notary.TrustRoots));
        Assert.Equal("sse", root.Name);
        Assert.Equal(KeyAlgorithm.EcdsaP256, root.Key.Algorithm);
        Assert.Equal(4, config.Policy.Rules.Length);
        Assert.Equal("sse", ((TrustRootRuleOptions)config.Policy.Rules[2].Options).TrustRoot);
        Assert.True(config.Features.AutomaticChildApproval);
        Assert.False(config.Features.DetectionMode);
        Assert.Equal(NamespacedValidationMode.Ignore, config.Features.NamespacedValidation);
        Assert.Equal(ResourceValidationMode.All, config.Features.ResourceValidationMode);
        Assert.Equal(30, config.Features.CacheExpirySeconds);
        Assert.Equal("json-pretty", config.Logging.Format);
        Assert.Equal("allow", config.Policy.FindRule(ImageReference.Parse("docker.io/library/redis@sha256:83edc2b8e9ffb1781a67bdab260a94674f802881838e20bba0f9a69d8cb40d70"))!.Validator);
        Assert.Equal("deny", config.Policy.FindRule(ImageReference.Parse("docker.io/library/redis:7"))!.Validator);
    }

    [Fact]
    public void Load_ConnaisseurSample_LoadsBareLayoutWithAlerting()
    {
        var config = TestConfig.Loader.Load(Fixture("00_sample.yaml"));

        Assert.Equal(ConfigLayout.Bare, config.Layout);
        Assert.Equal(3, config.Validators.Length);
        Assert.Equal(11, config.Policy.Rules.Length);
        Assert.Equal(2, config.Alerting.AdmitRequest.Length);
        Assert.Single(config.Alerting.RejectRequest);
        Assert.Equal("example-cluster-staging-europe", config.Alerting.ClusterIdentifier);
        var opsgenie = config.Alerting.AdmitRequest[0];
        Assert.Equal(4, opsgenie.Priority);
        Assert.True(opsgenie.FailIfAlertSendingFails);
        Assert.Equal("Authorization", opsgenie.CustomHeaders[0].Key);
        Assert.Equal("deployed_an_image", opsgenie.PayloadFields!["tags"]![0]!.GetValue<string>());
        Assert.Equal(1, config.Alerting.AdmitRequest[1].Priority);
    }

    // Connaisseur's config_test.go TestLoadError: the same files fail, each for the same reason.
    [Theory]
    [InlineData("01_val_no_name.yaml", "validators[0].name", "missing a name")]
    [InlineData("02_val_no_type.yaml", "validators[0].type", "missing a type")]
    [InlineData("03_unsupported_type.yaml", "validators[0].type", "unsupported validator type \"stati\"")]
    [InlineData("04_unmarshal_cosign_error.yaml", "validators[0].host.rekor", "expected a string, found a mapping")]
    [InlineData("05_invalid_cosign.yaml", "validators[0].host.rekor", "is not a valid URL")]
    [InlineData("06_unmarshal_static_error.yaml", "validators[0].approve", "expected true or false, found a mapping")]
    [InlineData("07_invalid_validator.yaml", "validators[0]", "expected a mapping of keys, found a list")]
    [InlineData("08_unknown_field.yaml", "validators[0].invalid", "unknown key \"invalid\"")]
    public void Load_ConnaisseurInvalidFixtures_AreRejectedWithPathAndReason(string file, string path, string reason)
    {
        var error = LoadFails(Fixture(file));

        var match = error.Errors.FirstOrDefault(e => e.Path == path && e.Message.Contains(reason, StringComparison.Ordinal));
        Assert.True(match is not null, $"expected an error at {path} containing '{reason}', got: {error.Message}");
        Assert.EndsWith(file, match.File, StringComparison.Ordinal);
        Assert.True(match.Line > 0);
        Assert.Contains(file, match.ToString(), StringComparison.Ordinal);
    }

    // Connaisseur loads these and fails at request time ("validator "x" not found"); Verity refuses them
    // when the configuration loads (docs/decisions/0002-strict-configuration.md).
    [Theory]
    [InlineData("09_missing_rule_validator.yaml", "policy[0].validator", "validator \"x\", which is not defined")]
    [InlineData("10_mutate_test.yaml", "policy[0].validator", "validator \"mock\", which is not defined")]
    [InlineData("11_mutate_test_error.yaml", "policy[2].validator", "validator \"non-static-allow\", which is not defined")]
    [InlineData("12_mutate_test_cached.yaml", "policy[0].validator", "validator \"notImplemented\", which is not defined")]
    [InlineData("14_validation_metrics.yaml", "policy[0].validator", "validator \"cosigner\", which is not defined")]
    public void Load_RuleNamingUndefinedValidator_IsRejectedAtLoad(string file, string path, string reason)
    {
        var error = LoadFails(Fixture(file));
        Assert.Contains(error.Errors, e => e.Path == path && e.Message.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public void Load_ValidationModesFixture_Loads()
    {
        var config = TestConfig.Loader.Load(Fixture("13_validation_modes.yaml"));
        var rule = config.Policy.Rules.Single(r => r.Pattern.Original == "docker.io/securesystemsengineering/sample:v1");
        Assert.Equal(Verity.Core.Policy.ValidationMode.InsecureValidateOnly, rule.Options.Mode);
    }

    [Fact]
    public void Load_MissingFile_SaysSo()
    {
        var error = LoadFails(Fixture("XX_no_file.yaml"));
        Assert.Contains("cannot read the configuration file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_V2BlogPostValues_LoadsWithSnakeCaseKeysAndTopLevelFeatures()
    {
        var config = TestConfig.Loader.Load(TestData("v2-blog-post.yaml"));

        Assert.Equal(ConfigLayout.HelmValuesV2, config.Layout);
        Assert.Equal(5, config.Validators.Length);
        Assert.Single(config.FindValidator("default")!.TrustRoots);
        var cosign = Assert.IsType<CosignValidatorDefinition>(config.FindValidator("myvalidator"));
        Assert.Equal(new Uri("https://rekor.sigstore.dev"), cosign.Rekor);
        Assert.Equal("my-registry-secret", cosign.Auth!.SecretName);
        var acr = Assert.IsType<NotaryV1ValidatorDefinition>(config.FindValidator("acr"));
        Assert.True(acr.IsAcr);
        Assert.Equal("myuser", acr.Auth!.Username);
        Assert.Equal("mykey", ((TrustRootRuleOptions)config.Policy.Rules[3].Options).TrustRoot);
        Assert.True(config.Features.DetectionMode);
        Assert.Equal(NamespacedValidationMode.Validate, config.Features.NamespacedValidation);
        Assert.False(config.Features.AutomaticChildApproval);
        Assert.True(config.Features.AutomaticUnchangedApproval);
        Assert.Equal("debug", config.Logging.Level);
        Assert.Equal("blog-cluster", config.Alerting.ClusterIdentifier);
        Assert.Equal(2, config.Alerting.AdmitRequest[0].Priority);
        Assert.True(config.Alerting.RejectRequest[0].FailIfAlertSendingFails);
    }

    [Fact]
    public void Load_BareFile_ReadsFeatures()
    {
        var config = TestConfig.Loader.Load(TestData("bare.yaml"));
        Assert.Equal(ConfigLayout.Bare, config.Layout);
        Assert.Equal(ResourceValidationMode.PodsOnly, config.Features.ResourceValidationMode);
        Assert.Equal(0, config.Features.CacheExpirySeconds);
        Assert.Equal("debug", config.Logging.Level);
    }

    [Fact]
    public void Load_ManyErrors_ReportsEveryOneWithItsPath()
    {
        var error = LoadFails(TestData("many-errors.yaml"));

        string[] expected =
        [
            "application.validators[1].name: the validator name \"allow\" is already used by application.validators[0]",
            "application.validators[2].trustRoots[0].key: key material for trust root \"sse\" cannot be used",
            "application.validators[3].type: unsupported validator type \"unicorn\"",
            "application.policy[1].pattern: the pattern \"docker.io/app[\" is not a valid glob",
            "application.policy[2].validator: the rule names validator \"missing\", which is not defined (defined: allow, notary)",
            "application.policy[3].with.trustRoot: validator \"notary\" has no trust root \"nobody\" (trust roots: sse2)",
            "application.policy[3].with.mode: mode \"yolo\" is not one of mutate, insecureValidateOnly",
            "application.policy[4].validatr: unknown key \"validatr\"; did you mean \"validator\"?",
            "application.features.detectionMode: expected true or false",
        ];
        foreach (var text in expected)
        {
            Assert.True(error.Errors.Any(e => $"{e.Path}: {e.Message}".StartsWith(text, StringComparison.Ordinal)), $"missing: {text}\nin: {error.Message}");
        }

        Assert.All(error.Errors, e => Assert.EndsWith("many-errors.yaml", e.File, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_InvalidYaml_NamesTheLine()
    {
        var error = Assert.Throws<ConfigurationException>(() => Parse("validators:\n  - name: a\n   type: static\n"));
        Assert.Contains("not valid YAML", error.Message, StringComparison.Ordinal);
        Assert.True(error.Errors[0].Line >= 2);
    }

    // YamlDotNet throws InvalidOperationException here, not a YamlException (found by fuzzing, docs/fuzzing.md).
    [Fact]
    public void Parse_UnclosedFlowSequenceBeforeAKey_IsConfigurationError()
    {
        var error = Assert.Throws<ConfigurationException>(() => Parse("validators: [\n  {name: x, type: static}\npolicy:\n"));
        Assert.Equal("not valid YAML: the YAML reader stopped at an unexpected token (look for an unclosed \"[\" or \"{\", or a key without \":\")", Assert.Single(error.Errors).Message);
    }

    // YamlDotNet throws ArgumentException here, not a YamlException (found by fuzzing, docs/fuzzing.md).
    [Fact]
    public void Parse_AliasRightAfterAQuotedScalar_IsConfigurationError()
    {
        var error = Assert.Throws<ConfigurationException>(() => Parse("policy:\n  - pattern: \"docker.io/l: \"*:*\"\n"));
        Assert.Contains("not valid YAML", Assert.Single(error.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Empty_SaysSo()
    {
        Assert.Contains("empty", Assert.Throws<ConfigurationException>(() => Parse(string.Empty)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NoPolicy_IsRejected()
    {
        var error = Assert.Throws<ConfigurationException>(() => Parse("validators:\n  - name: default\n    type: static\n    approve: true\n"));
        Assert.Contains(error.Errors, e => e.Path == "policy" && e.Message.Contains("at least one rule", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_RuleWithoutValidatorAndNoDefault_IsRejected()
    {
        var error = Assert.Throws<ConfigurationException>(() => Parse("""
            validators:
              - name: allow
                type: static
                approve: true
            policy:
              - pattern: "*:*"
            """));
        Assert.Contains(error.Errors, e => e.Path == "policy[0]" && e.Message.Contains("no validator called \"default\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_RuleWithoutTrustRootAndNoDefaultRoot_IsRejected()
    {
        var error = Assert.Throws<ConfigurationException>(() => Parse("""
            validators:
              - name: default
                type: notaryv1
                trustRoots:
                  - name: sse
                    key: MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEsx28WV7BsQfnHF1kZmpdCTTLJaWed0CA+JOi8H4REuBaWSZ5zPDe468WuOJ6f71E7WFg3CVEVYHuoZt2UYbN/Q==
            policy:
              - pattern: "*:*"
            """));
        Assert.Contains(error.Errors, e => e.Path == "policy[0]" && e.Message.Contains("has none called \"default\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_DuplicatePatterns_LoadWithWarning()
    {
        var config = Parse("""
            validators:
              - name: default
                type: static
                approve: true
            policy:
              - pattern: "docker.io/*"
              - pattern: "index.docker.io/*"
            """);
        Assert.Contains(config.Warnings, w => w.Path == "policy[1]" && w.Message.Contains("the later rule wins", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_OptionForAnotherValidatorType_Warns()
    {
        var config = Parse("""
            validators:
              - name: default
                type: static
                approve: true
            policy:
              - pattern: "*"
                with:
                  threshold: 2
            """);
        Assert.Contains(config.Warnings, w => w.Path == "policy[0].with.threshold" && w.Message.Contains("cosign and notation validators only", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_AcceptSignedPlatforms_OffByDefaultAndCosignOnly()
    {
        var config = Parse("""
            validators:
              - name: default
                type: cosign
                trustRoots:
                  - name: default
                    key: k8s://security/cosign-pub
              - name: allow
                type: static
                approve: true
            policy:
              - pattern: "*"
              - pattern: "docker.io/acme/*"
                with:
                  acceptSignedPlatforms: true
              - pattern: "docker.io/other/*"
                validator: allow
                with:
                  acceptSignedPlatforms: true
            """);

        Assert.False(((CosignRuleOptions)config.Policy.Rules[0].Options).AcceptSignedPlatforms);
        Assert.True(((CosignRuleOptions)config.Policy.Rules[1].Options).AcceptSignedPlatforms);
        Assert.Contains(config.Warnings, w => w.Path == "policy[2].with.acceptSignedPlatforms" && w.Message.Contains("cosign validators only", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_PredicateTypes_BoundAsListOfUris()
    {
        var config = Parse("""
            validators:
              - name: default
                type: cosign
                trustRoots:
                  - name: default
                    key: k8s://security/cosign-pub
            policy:
              - pattern: "*"
              - pattern: "docker.io/acme/*"
                with:
                  predicateTypes: ["https://slsa.dev/provenance/v1", "https://spdx.dev/Document"]
            """);

        Assert.Empty(((CosignRuleOptions)config.Policy.Rules[0].Options).PredicateTypes);
        Assert.Equal(["https://slsa.dev/provenance/v1", "https://spdx.dev/Document"], ((CosignRuleOptions)config.Policy.Rules[1].Options).PredicateTypes);
    }

    [Theory]
    [InlineData("slsaprovenance", "policy[0].with.predicateTypes[0]", "is not a predicate type URI")]
    [InlineData("https://slsa.dev/provenance/v1\", \"https://slsa.dev/provenance/v1", "policy[0].with.predicateTypes[1]", "is listed twice")]
    public void Parse_PredicateTypes_RefusedAtLoadWithPath(string items, string path, string reason)
    {
        var error = Assert.Throws<ConfigurationException>(() => Parse($$"""
            validators:
              - name: default
                type: cosign
                trustRoots:
                  - name: default
                    key: k8s://security/cosign-pub
            policy:
              - pattern: "*"
                with:
                  predicateTypes: ["{{items}}"]
            """));

        Assert.Contains(error.Errors, e => e.Path == path && e.Message.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_CosignKeylessAndKeyReferences_AreTyped()
    {
        var config = Parse("""
            validators:
              - name: default
                type: cosign
                trustRoots:
                  - name: ci
                    keyless:
                      issuer: https://token.actions.githubusercontent.com
                      subjectRegex: "https://github.com/acme/.*"
                  - name: k8s
                    key: k8s://security/cosign-pub
            policy:
              - pattern: "*"
                with:
                  trustRoot: "*"
                  threshold: 1
                  required: [ci]
            """);
        var roots = config.Validators[0].TrustRoots;
        var keyless = Assert.IsType<KeylessTrustRoot>(roots[0]);
        Assert.True(keyless.Identity.Matches("https://token.actions.githubusercontent.com", "https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main"));
        // Anchored: a subject that only contains the pattern does not match.
        Assert.False(keyless.Identity.Matches("https://token.actions.githubusercontent.com", "https://evil.example/?https://github.com/acme/x"));
        Assert.Equal(new Uri("k8s://security/cosign-pub"), Assert.IsType<KeyReferenceTrustRoot>(roots[1]).Reference);
    }

    [Theory]
    [InlineData("kms-not-supported", "key: awskms:///arn:aws:kms:us-east-1:1:key/x", "KMS key references are not supported")]
    [InlineData("key-and-keyless", "key: k8s://a/b\n        keyless: {issuer: i, subject: s}", "needs exactly one of key or keyless")]
    [InlineData("issuer-and-regex", "keyless: {issuer: i, issuerRegex: j, subject: s}", "issuer and issuerRegex cannot both be set")]
    [InlineData("bad-regex", "keyless: {issuer: i, subjectRegex: \"(\"}", "not a valid regular expression")]
    [InlineData("unbalanced-subject-regex-escaping-the-anchors", "keyless: {issuer: i, subjectRegex: \"a)|(.*\"}", "not a valid regular expression")]
    [InlineData("unbalanced-issuer-regex-escaping-the-anchors", "keyless: {issuerRegex: \"x)|(.*\", subject: s}", "not a valid regular expression")]
    public void Parse_InvalidCosignTrustRoot_SaysWhy(string id, string body, string reason)
    {
        var yaml = $"""
            validators:
              - name: default
                type: cosign
                trustRoots:
                  - name: r
                    {body}
            policy:
              - pattern: "*"
                with:
                  trustRoot: r
            """;
        var error = Assert.Throws<ConfigurationException>(() => Parse(yaml));
        Assert.True(error.Message.Contains(reason, StringComparison.Ordinal), $"{id}: {error.Message}");
    }

    [Fact]
    public void Parse_FulcioCertWithOnlyAnIntermediate_IsRefusedSayingARootIsNeeded()
    {
        using var rootKey = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        using var intermediateKey = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var rootRequest = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=fulcio root", rootKey, System.Security.Cryptography.HashAlgorithmName.SHA256);
        rootRequest.CertificateExtensions.Add(new System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension(true, false, 0, true));
        using var root = rootRequest.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));
        using var intermediate = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=fulcio intermediate", intermediateKey, System.Security.Cryptography.HashAlgorithmName.SHA256)
            .Create(root, now.AddDays(-1), now.AddMonths(6), [1, 2, 3, 4]);
        var pem = System.Security.Cryptography.PemEncoding.WriteString("CERTIFICATE", intermediate.RawData).Replace("\n", "\\n", StringComparison.Ordinal);
        var yaml = $"""
            validators:
              - name: default
                type: cosign
                host:
                  fulcioCert: "{pem}"
                trustRoots:
                  - name: r
                    keyless:
                      issuer: i
                      subject: s
            policy:
              - pattern: "*"
            """;
        var error = Assert.Throws<ConfigurationException>(() => Parse(yaml));
        Assert.Contains("holds no root certificate, only intermediates; add the self-signed Fulcio root", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RegistryAuth_ToString_NeverShowsThePassword()
    {
        var auth = new RegistryAuth { Username = "me", Password = "hunter2", Registry = "r.io" };
        Assert.DoesNotContain("hunter2", auth.ToString(), StringComparison.Ordinal);
        var config = TestConfig.Loader.Load(TestData("v2-blog-post.yaml"));
        Assert.DoesNotContain("s3cr3t", config.FindValidator("acr")!.ToString(), StringComparison.Ordinal);
    }
}
