using Verity.Validators.Cosign.Rekor;

namespace Verity.Validators.Tests.Cosign.Rekor;

public sealed class RekorEntryBodyTests
{
    // Found by fuzzing (docs/fuzzing.md): JsonElement.GetString threw InvalidOperationException out of TryParse.
    [Fact]
    public void TryParse_InvalidUtf8InVerifier_IsRefused()
    {
        byte[] body = [.. """{"apiVersion":"0.0.1","kind":"hashedrekord","spec":{"data":{"hash":{"algorithm":"sha256","value":"aa"}},"signature":{"content":"AAAA","publicKey":{"content":"LS0t"""u8, 0xF0, .. "\"}}}}"u8];

        Assert.False(RekorEntryBody.TryParse(body, out _, out var error));
        Assert.Contains("not valid Unicode", error, StringComparison.Ordinal);
    }
}
