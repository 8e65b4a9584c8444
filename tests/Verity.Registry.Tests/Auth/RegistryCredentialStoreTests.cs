using System.Text;
using Verity.Registry.Auth;

using static Verity.Registry.Tests.TestText;

namespace Verity.Registry.Tests.Auth;

public sealed class RegistryCredentialStoreTests
{
    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static RegistryCredentialStore Docker(string json) => RegistryCredentialStore.FromDockerConfig(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void FromDockerConfig_AuthField_DecodesUserAndPassword()
    {
        var store = Docker(Sub("""{"auths":{"registry:5000":{"auth":"$1"}}}""", B64("alice:s3cret")));

        var credential = store.Find("registry:5000", "team/app");

        Assert.NotNull(credential);
        Assert.Equal("alice", credential.Username);
        Assert.Equal("s3cret", credential.Password);
    }

    [Fact]
    public void FromDockerConfig_PasswordWithColons_SplitsAtFirstColon()
    {
        var store = Docker(Sub("""{"auths":{"registry.io":{"auth":"$1"}}}""", B64("bob:pa:ss:word")));

        Assert.Equal("pa:ss:word", store.Find("registry.io", "x")!.Password);
    }

    [Fact]
    public void FromDockerConfig_UsernamePasswordFields_AreUsed()
    {
        var store = Docker("""{"auths":{"https://quay.io":{"username":"robot","password":"tok"}}}""");

        Assert.Equal("robot", store.Find("quay.io", "org/app")!.Username);
    }

    [Fact]
    public void FromDockerConfig_AuthWinsOverUsernamePassword()
    {
        var store = Docker(Sub("""{"auths":{"quay.io":{"auth":"$1","username":"fromfields","password":"p2"}}}""", B64("fromauth:p1")));

        Assert.Equal("fromauth", store.Find("quay.io", "x")!.Username);
    }

    [Theory]
    [InlineData("https://index.docker.io/v1/")]
    [InlineData("index.docker.io")]
    [InlineData("docker.io")]
    [InlineData("registry-1.docker.io")]
    public void FromDockerConfig_EveryDockerHubKeyForm_MatchesDockerHubImages(string key)
    {
        var store = Docker(Sub("""{"auths":{"$1":{"auth":"$2"}}}""", key, B64("hub:pw")));

        Assert.Equal("hub", store.Find("docker.io", "library/nginx")?.Username);
    }

    [Fact]
    public void Find_RegistryPrefixOfAnotherHost_DoesNotMatch()
    {
        // Connaisseur's raw prefix match would hand registry.io's password to registry.iox.
        var store = Docker(Sub("""{"auths":{"registry.io":{"auth":"$1"}}}""", B64("a:b")));

        Assert.Null(store.Find("registry.iox", "app"));
        Assert.Null(store.Find("registry.io.evil.example", "app"));
        Assert.NotNull(store.Find("registry.io", "app"));
    }

    [Fact]
    public void Find_LongestPathPrefixWins()
    {
        var store = Docker(Sub("""
            {"auths":{
              "ghcr.io":{"auth":"$1"},
              "ghcr.io/acme":{"auth":"$2"},
              "ghcr.io/acme/secret":{"auth":"$3"}
            }}
            """, B64("org:1"), B64("acme:2"), B64("secret:3")));

        Assert.Equal("secret", store.Find("ghcr.io", "acme/secret/app")!.Username);
        Assert.Equal("acme", store.Find("ghcr.io", "acme/app")!.Username);
        Assert.Equal("org", store.Find("ghcr.io", "acmecorp/app")!.Username);
        Assert.Equal("org", store.Find("ghcr.io", "other/app")!.Username);
    }

    [Fact]
    public void Find_PortIsPartOfTheHost()
    {
        var store = Docker(Sub("""{"auths":{"registry:5000":{"auth":"$1"}}}""", B64("a:b")));

        Assert.Null(store.Find("registry", "app"));
        Assert.Null(store.Find("registry:5001", "app"));
    }

    [Fact]
    public void FromDockerConfig_LegacyDockercfgMap_IsRead()
    {
        var store = Docker(Sub("""{"registry.io":{"auth":"$1","email":"x@example.com"}}""", B64("old:pw")));

        Assert.Equal("old", store.Find("registry.io", "app")!.Username);
    }

    [Fact]
    public void FromDockerConfig_IdentityTokenOnlyAndEmptyEntries_AreSkipped()
    {
        var store = Docker("""{"auths":{"a.io":{"identitytoken":"refresh"},"b.io":{},"c.io":"not-an-object","":{"auth":"eDp5"}}}""");

        Assert.Equal(0, store.Count);
    }

    [Fact]
    public void FromDockerConfig_BadBase64_NamesTheKeyButNotTheValue()
    {
        var e = Assert.Throws<FormatException>(() => Docker("""{"auths":{"registry.io":{"auth":"!!!s3cret!!!"}}}"""));

        Assert.Contains("registry.io", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromDockerConfig_AuthWithoutColon_IsRejected()
    {
        var e = Assert.Throws<FormatException>(() => Docker(Sub("""{"auths":{"registry.io":{"auth":"$1"}}}""", B64("hunter2"))));

        Assert.DoesNotContain("hunter2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromDockerConfig_InvalidJson_DoesNotQuoteTheDocument()
    {
        var e = Assert.Throws<FormatException>(() => Docker("""{"auths":{"registry.io":{"password":"hunter2" """));

        Assert.DoesNotContain("hunter2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromConnaisseurSecret_WithRegistry_KeysByIt()
    {
        var store = RegistryCredentialStore.FromConnaisseurSecret("username: alice\npassword: pw\nregistry: https://registry.io/v2/\n", unscopedRegistry: null);

        Assert.Equal("alice", store.Find("registry.io", "app")!.Username);
    }

    [Fact]
    public void FromConnaisseurSecret_WithoutRegistry_UsesTheUnscopedRegistryOrNothing()
    {
        const string yaml = "username: alice\npassword: pw\n";

        Assert.Equal(0, RegistryCredentialStore.FromConnaisseurSecret(yaml, unscopedRegistry: null).Count);
        Assert.NotNull(RegistryCredentialStore.FromConnaisseurSecret(yaml, "notary.example:4443").Find("notary.example:4443", "x"));
    }

    [Fact]
    public void FromConnaisseurSecret_ExtraKeysFromTheChart_AreIgnored()
    {
        var store = RegistryCredentialStore.FromConnaisseurSecret("username: a\npassword: \"p: w\"\nregistry: r.io\nsecretName: x\n", null);

        Assert.Equal("p: w", store.Find("r.io", "app")!.Password);
    }

    [Theory]
    [InlineData("password: pw\nregistry: r.io\n")]
    [InlineData("- a\n- b\n")]
    [InlineData("username: [unclosed\n")]
    public void FromConnaisseurSecret_Malformed_Throws(string yaml)
    {
        Assert.Throws<FormatException>(() => RegistryCredentialStore.FromConnaisseurSecret(yaml, null));
    }

    [Fact]
    public void FromSecretData_PrefersSecretYamlOverDockerConfig()
    {
        var data = new Dictionary<string, byte[]>
        {
            ["secret.yaml"] = Encoding.UTF8.GetBytes("username: fromyaml\npassword: pw\nregistry: r.io\n"),
            [".dockerconfigjson"] = Encoding.UTF8.GetBytes(Sub("""{"auths":{"r.io":{"auth":"$1"}}}""", B64("fromjson:pw"))),
        };

        Assert.Equal("fromyaml", RegistryCredentialStore.FromSecretData(data, "regcred", null).Find("r.io", "app")!.Username);
    }

    [Fact]
    public void FromSecretData_NoKnownFile_NamesTheSecret()
    {
        var e = Assert.Throws<FormatException>(() => RegistryCredentialStore.FromSecretData(new Dictionary<string, byte[]> { ["token"] = [1] }, "regcred", null));

        Assert.Contains("\"regcred\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Credential_ToString_RedactsThePassword()
    {
        var credential = new RegistryCredential("alice", "hunter2");

        Assert.DoesNotContain("hunter2", credential.ToString(), StringComparison.Ordinal);
        Assert.Contains("alice", credential.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Settings_ToString_RedactsInlinePasswords()
    {
        var settings = new RegistryClientSettings
        {
            Name = "cosign",
            Auth = new Core.Configuration.RegistryAuth { Username = "alice", Password = "hunter2", Registry = "r.io" },
        };

        Assert.DoesNotContain("hunter2", settings.ToString(), StringComparison.Ordinal);
    }

    // JsonElement.GetString and JsonProperty.Name threw InvalidOperationException for keys or values that are not
    // Unicode (found by fuzzing, docs/fuzzing.md).
    [Fact]
    public void FromDockerConfig_InvalidUtf8InARegistryKey_IsFormatError()
    {
        byte[] json = [.. """{"auths":{"regi"""u8, 0x8F, .. "stry.example\":{\"username\":\"u\",\"password\":\"p\"}}}"u8];

        var e = Assert.Throws<FormatException>(() => RegistryCredentialStore.FromDockerConfig(json));
        Assert.Equal("the Docker config has a key or value that is not valid Unicode", e.Message);
    }

    [Fact]
    public void FromDockerConfig_LoneSurrogateInAPassword_IsFormatError()
    {
        Assert.Throws<FormatException>(() => Docker("""{"auths":{"registry.example":{"username":"u","password":"p\udc00"}}}"""));
    }

    // YamlDotNet threw InvalidOperationException, not a YamlException (found by fuzzing, docs/fuzzing.md).
    [Theory]
    [InlineData("username: [\npassword: p\n")]
    [InlineData("username: \"u\" *p\n")]
    public void FromConnaisseurSecret_YamlTheReaderChokesOn_IsFormatError(string yaml)
    {
        var e = Assert.Throws<FormatException>(() => RegistryCredentialStore.FromConnaisseurSecret(yaml, "registry.example"));
        Assert.StartsWith("secret.yaml is not valid YAML", e.Message, StringComparison.Ordinal);
    }
}
