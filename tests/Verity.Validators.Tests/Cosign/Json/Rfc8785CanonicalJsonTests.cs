using System.Buffers.Binary;
using System.Text;
using Verity.Validators.Cosign.Json;

namespace Verity.Validators.Tests.Cosign.Json;

/// <summary>RFC 8785 (JCS) vectors: §3.2.2 (values), §3.2.3 (sorting), Appendix B (numbers).</summary>
public sealed class Rfc8785CanonicalJsonTests
{
    [Fact]
    public void Canonicalize_Rfc8785Section322Example_MatchesSpec()
    {
        const string input = """
            {
              "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
              "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
              "literals": [null, true, false]
            }
            """;
        const string expected = """{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}""";

        Assert.Equal(expected, Canonical(input));
    }

    [Fact]
    public void Canonicalize_Rfc8785Section323Example_SortsByUtf16CodeUnits()
    {
        const string input = """
            {
              "\u20ac": "Euro Sign",
              "\r": "Carriage Return",
              "\ufb33": "Hebrew Letter Dalet With Dagesh",
              "1": "One",
              "\ud83d\ude00": "Emoji: Grinning Face",
              "\u0080": "Control",
              "\u00f6": "Latin Small Letter O With Diaeresis"
            }
            """;

        using var document = System.Text.Json.JsonDocument.Parse(Canonical(input));
        var values = document.RootElement.EnumerateObject().Select(p => p.Value.GetString()).ToArray();

        Assert.Equal(
            ["Carriage Return", "One", "Control", "Latin Small Letter O With Diaeresis", "Euro Sign", "Emoji: Grinning Face", "Hebrew Letter Dalet With Dagesh"],
            values);
    }

    [Theory]
    [InlineData("0000000000000000", "0")]
    [InlineData("8000000000000000", "0")]
    [InlineData("0000000000000001", "5e-324")]
    [InlineData("8000000000000001", "-5e-324")]
    [InlineData("7fefffffffffffff", "1.7976931348623157e+308")]
    [InlineData("ffefffffffffffff", "-1.7976931348623157e+308")]
    [InlineData("4340000000000000", "9007199254740992")]
    [InlineData("c340000000000000", "-9007199254740992")]
    [InlineData("4430000000000000", "295147905179352830000")]
    [InlineData("44b52d02c7e14af5", "9.999999999999997e+22")]
    [InlineData("44b52d02c7e14af6", "1e+23")]
    [InlineData("44b52d02c7e14af7", "1.0000000000000001e+23")]
    [InlineData("444b1ae4d6e2ef4e", "999999999999999700000")]
    [InlineData("444b1ae4d6e2ef4f", "999999999999999900000")]
    [InlineData("444b1ae4d6e2ef50", "1e+21")]
    [InlineData("3eb0c6f7a0b5ed8c", "9.999999999999997e-7")]
    [InlineData("3eb0c6f7a0b5ed8d", "0.000001")]
    [InlineData("41b3de4355555553", "333333333.3333332")]
    [InlineData("41b3de4355555554", "333333333.33333325")]
    [InlineData("41b3de4355555555", "333333333.3333333")]
    [InlineData("41b3de4355555556", "333333333.3333334")]
    [InlineData("41b3de4355555557", "333333333.33333343")]
    [InlineData("becbf647612f3696", "-0.0000033333333333333333")]
    [InlineData("43143ff3c1cb0959", "1424953923781206.2")]
    public void FormatNumber_Rfc8785AppendixB_MatchesEcmaScript(string ieeeHex, string expected)
    {
        var value = BitConverter.Int64BitsToDouble(BinaryPrimitives.ReadInt64BigEndian(Convert.FromHexString(ieeeHex)));

        Assert.Equal(expected, Rfc8785CanonicalJson.FormatNumber(value));
    }

    [Theory]
    [InlineData("7fffffffffffffff")]
    [InlineData("7ff0000000000000")]
    public void FormatNumber_NaNOrInfinity_Throws(string ieeeHex)
    {
        var value = BitConverter.Int64BitsToDouble(BinaryPrimitives.ReadInt64BigEndian(Convert.FromHexString(ieeeHex)));

        Assert.Throws<FormatException>(() => Rfc8785CanonicalJson.FormatNumber(value));
    }

    [Fact]
    public void Canonicalize_RekorPayload_IsWhatCosignSigns()
    {
        const string input = """{"logID":"c0d2","logIndex":98235800,"integratedTime":1717082297,"body":"eyJh+/="}""";

        Assert.Equal("""{"body":"eyJh+/=","integratedTime":1717082297,"logID":"c0d2","logIndex":98235800}""", Canonical(input));
    }

    [Fact]
    public void Canonicalize_DuplicateKeys_AreRefused()
    {
        Assert.Throws<FormatException>(() => Canonical("""{"a":1,"a":2}"""));
    }

    // A lone surrogate escape is valid JSON text but no string (found by fuzzing, docs/fuzzing.md).
    [Theory]
    [InlineData("\"\\u2028\\ud830.5\"")]
    [InlineData("{\"\\udc00\":1}")]
    [InlineData("{\"\\ud800\":1,\"\\ud800\":2}")]
    public void Canonicalize_LoneSurrogateEscape_IsFormatError(string json)
    {
        var error = Assert.Throws<FormatException>(() => Rfc8785CanonicalJson.Canonicalize(Encoding.UTF8.GetBytes(json)));
        Assert.Contains("not valid Unicode", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Canonicalize_InvalidUtf8_IsFormatError()
    {
        Assert.Throws<FormatException>(() => Rfc8785CanonicalJson.Canonicalize(new byte[] { (byte)'"', 0xC3, (byte)'"' }));
    }

    private static string Canonical(string json) => Encoding.UTF8.GetString(Rfc8785CanonicalJson.Canonicalize(Encoding.UTF8.GetBytes(json)));
}
