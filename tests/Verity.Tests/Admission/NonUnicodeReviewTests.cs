using System.Text;
using static Verity.Tests.Admission.AdmissionRequests;

namespace Verity.Tests.Admission;

/// <summary>
/// AdmissionReviews with strings that are not Unicode: valid JSON text, but JsonElement.GetString threw
/// InvalidOperationException out of the handler (found by fuzzing, docs/fuzzing.md). They are malformed requests: 400.
/// </summary>
public sealed class NonUnicodeReviewTests
{
    private static async Task<(int Status, string Body)> Handle(byte[] body)
    {
        using var fixture = new AdmissionFixture(MockConfig.WithFeatures());
        var result = await fixture.Handler.HandleAsync(body, null, TestContext.Current.CancellationToken);
        return (result.StatusCode, Encoding.UTF8.GetString(result.Body));
    }

    private static byte[] Replace(string json, string placeholder, byte[] with)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var at = bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(placeholder));
        return [.. bytes.AsSpan(0, at), .. with, .. bytes.AsSpan(at + placeholder.Length)];
    }

    [Fact]
    public async Task HandleAsync_InvalidUtf8InImage_IsBadRequest()
    {
        var body = Replace(Pod("evil.example/docker.io/acPLACEHOLDERe/x:1").ToJsonString(), "PLACEHOLDER", [0xD6]);

        var (status, text) = await Handle(body);

        Assert.Equal(400, status);
        Assert.StartsWith("received invalid json: the string at byte ", text, StringComparison.Ordinal);
        Assert.EndsWith(" is not valid Unicode (not UTF-8, or a lone surrogate escape)\n", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("uid")]
    [InlineData("image")]
    [InlineData("member name")]
    public async Task HandleAsync_LoneSurrogateEscape_IsBadRequest(string where)
    {
        var json = Pod("nginx:1").ToJsonString();
        json = where switch
        {
            "uid" => json.Replace("\"uid\":\"", "\"uid\":\"\\ud800", StringComparison.Ordinal),
            "image" => json.Replace("nginx:1", "nginx:\\udc00", StringComparison.Ordinal),
            _ => json.Replace("\"object\":{", "\"object\":{\"\\ud800\":1,", StringComparison.Ordinal),
        };

        var (status, text) = await Handle(Encoding.UTF8.GetBytes(json));

        Assert.Equal(400, status);
        Assert.Contains("is not valid Unicode", text, StringComparison.Ordinal);
    }
}
