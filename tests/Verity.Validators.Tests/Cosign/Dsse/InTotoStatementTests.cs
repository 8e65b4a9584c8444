using Verity.Validators.Cosign.Dsse;

namespace Verity.Validators.Tests.Cosign.Dsse;

public sealed class InTotoStatementTests
{
    // Found by fuzzing (docs/fuzzing.md): JsonElement.GetString threw InvalidOperationException, not FormatException.
    [Fact]
    public void Parse_InvalidUtf8InType_IsFormatError()
    {
        byte[] json = [.. """{"_type":"https:/"""u8, 0xFF, .. """/in-toto.io/Statement/v1","subject":[],"predicateType":"x"}"""u8];

        var error = Assert.Throws<FormatException>(() => InTotoStatement.Parse(json));
        Assert.Contains("not valid Unicode", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_LoneSurrogateInSubjectDigest_IsFormatError()
    {
        var json = """{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"\udc00"}}],"predicateType":"x"}"""u8.ToArray();

        Assert.Throws<FormatException>(() => InTotoStatement.Parse(json));
    }
}
