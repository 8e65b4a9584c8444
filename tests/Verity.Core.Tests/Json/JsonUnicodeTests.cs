using System.Text;
using System.Text.Json;
using Verity.Core.Json;

namespace Verity.Core.Tests.Json;

/// <summary>Strings that JSON parsers accept but no reader can turn into text (found by fuzzing, docs/fuzzing.md).</summary>
public sealed class JsonUnicodeTests
{
    private static long? Find(byte[] json) => JsonUnicode.FindInvalidString(json, default);

    [Theory]
    [InlineData("""{"a":"b","\u00e9":["\ud83d\ude00","\u2028\u0000",1,null]}""")]
    [InlineData("""["caf\u00e9 ☕ 😀", {"\"":"\\"}]""")]
    [InlineData("""{}""")]
    public void FindInvalidString_UnicodeText_IsNull(string json)
    {
        Assert.Null(Find(Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void FindInvalidString_InvalidUtf8InAValue_IsItsOffset()
    {
        byte[] json = [.. """{"image":"nginx"""u8, 0xD6, .. "\"}"u8];

        Assert.Equal(9, Find(json));
        using var document = JsonDocument.Parse(json);
        Assert.Throws<InvalidOperationException>(() => document.RootElement.GetProperty("image").GetString());
    }

    [Fact]
    public void FindInvalidString_InvalidUtf8InAnEscapedValue_IsFound()
    {
        byte[] json = [.. """["\n"""u8, 0xFF, .. "\"]"u8];

        Assert.Equal(1, Find(json));
    }

    [Theory]
    [InlineData("""{"uid":"\ud800"}""", 7)]
    [InlineData("""{"uid":"a\udc00b"}""", 7)]
    [InlineData("""{"\ud800":1}""", 1)]
    [InlineData("""[1,"\ud83d"]""", 3)]
    public void FindInvalidString_LoneSurrogateEscape_IsItsOffset(string json, long offset)
    {
        Assert.Equal(offset, Find(Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void FindInvalidString_NotJson_IsLeftToTheParser()
    {
        Assert.Null(Find("""{"a" "\ud800"}"""u8.ToArray()));
    }
}
