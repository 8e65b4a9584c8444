using Verity.Core.Configuration;

namespace Verity.Tests.Admission;

/// <summary>
/// The verifier remembers each image string's parsed reference and rule: a new configuration must still decide with its
/// own rules, and strings that do not parse are refused every time.
/// </summary>
public sealed class ImageResolutionTests
{
    private static string Config(string nginxValidator) => $"""
        validators:
          - name: allow
            type: static
            approve: true
          - name: deny
            type: static
            approve: false
        policy:
          - pattern: "*:*"
            validator: deny
          - pattern: "docker.io/library/nginx:*"
            validator: {nginxValidator}
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AReloadedPolicy_DecidesARememberedImage_WithItsOwnRule()
    {
        using var fixture = new AdmissionFixture(Config("allow"));
        var first = await fixture.Verifier.VerifyAsync("nginx:1.27", fixture.Snapshots.Current!, null, Ct);

        fixture.Snapshots.Use(fixture.Snapshots.Loader.Parse(Config("deny"), "reloaded.yaml"));
        var second = await fixture.Verifier.VerifyAsync("nginx:1.27", fixture.Snapshots.Current!, null, Ct);

        Assert.True(first.Allowed);
        Assert.Equal("allow", first.Validator);
        Assert.False(second.Allowed);
        Assert.Equal("deny", second.Validator);
        Assert.Equal("docker.io/library/nginx:*", second.Rule!.Pattern.Original);
    }

    [Fact]
    public async Task AnOlderSnapshot_StillDecidesWithItsOwnRules_AfterANewerOneWasUsed()
    {
        using var fixture = new AdmissionFixture(Config("allow"));
        PolicySnapshot older = fixture.Snapshots.Current!;
        PolicySnapshot newer = fixture.Snapshots.Use(fixture.Snapshots.Loader.Parse(Config("deny"), "reloaded.yaml"));

        // A request that began under the older configuration finishes under it, in whatever order they interleave.
        Assert.False((await fixture.Verifier.VerifyAsync("nginx:1.27", newer, null, Ct)).Allowed);
        Assert.True((await fixture.Verifier.VerifyAsync("nginx:1.27", older, null, Ct)).Allowed);
        Assert.False((await fixture.Verifier.VerifyAsync("nginx:1.27", newer, null, Ct)).Allowed);
    }

    [Theory]
    [InlineData("Nginx:1.27")]
    [InlineData("nginx:1.27@sha256:abc")]
    [InlineData("")]
    public async Task AnUnparsableImage_IsRefusedEveryTime(string image)
    {
        using var fixture = new AdmissionFixture(Config("allow"));

        for (int i = 0; i < 2; i++)
        {
            var verdict = await fixture.Verifier.VerifyAsync(image, fixture.Snapshots.Current!, null, Ct);
            Assert.False(verdict.Allowed);
            Assert.Null(verdict.Rule);
            Assert.False(string.IsNullOrEmpty(verdict.Reason));
        }
    }

    [Fact]
    public async Task TheSameReference_WrittenTwoWays_IsResolvedForEach()
    {
        using var fixture = new AdmissionFixture(Config("allow"));

        var shortForm = await fixture.Verifier.VerifyAsync("nginx:1.27", fixture.Snapshots.Current!, null, Ct);
        var longForm = await fixture.Verifier.VerifyAsync("docker.io/library/nginx:1.27", fixture.Snapshots.Current!, null, Ct);

        Assert.Equal("nginx:1.27", shortForm.Image);
        Assert.Equal("docker.io/library/nginx:1.27", longForm.Image);
        Assert.Equal(shortForm.Reference, longForm.Reference);
        Assert.True(shortForm.Allowed && longForm.Allowed);
    }
}
