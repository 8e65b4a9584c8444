using System.Text;
using Verity.Validators.NotaryV1.Tuf;

namespace Verity.Validators.Tests.NotaryV1.Tuf;

public sealed class OlpcCanonicalJsonTests
{
    [Theory]
    [InlineData("{ \"b\" : 1 ,\n \"a\" : [ true, false, null ] }", "{\"a\":[true,false,null],\"b\":1}")]
    [InlineData("{\"B\":1,\"a\":2,\"_type\":3,\"\":4}", "{\"\":4,\"B\":1,\"_type\":3,\"a\":2}")]
    [InlineData("{\"z\":{\"y\":{},\"x\":[]}}", "{\"z\":{\"x\":[],\"y\":{}}}")]
    [InlineData("[3, 1, 2]", "[3,1,2]")]
    public void Serialize_SortsMembersAndDropsWhiteSpace(string json, string expected)
    {
        Assert.Equal(expected, Canonical(json));
    }

    [Theory]
    [InlineData("\"a\\\"b\\\\c\"", "\"a\\\"b\\\\c\"")]
    [InlineData("\"\\u003c\\u003e\\u0026\"", "\"<>&\"")]
    [InlineData("\"line\\nbreak\\ttab\"", "\"line\nbreak\ttab\"")]
    [InlineData("\"\\u0001\"", "\"\u0001\"")]
    [InlineData("\"\\/\"", "\"/\"")]
    [InlineData("\"caf\\u00e9 \\u2028\"", "\"café \u2028\"")]
    [InlineData("\"\\ud83d\\ude00\"", "\"😀\"")]
    public void Serialize_EscapesOnlyQuoteAndBackslash(string json, string expected)
    {
        // docker/go canonical mode writes every other character as raw UTF-8, control characters included.
        Assert.Equal(expected, Canonical(json));
    }

    [Theory]
    [InlineData("1994", "1994")]
    [InlineData("1.0", "1")]
    [InlineData("1e3", "1000")]
    [InlineData("-0", "0")]
    [InlineData("-42", "-42")]
    [InlineData("9007199254740993", "9007199254740992")]
    public void Serialize_NumbersAsGoFloat64ToInt64(string json, string expected)
    {
        Assert.Equal(expected, Canonical(json));
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("1e300")]
    [InlineData("{\"a\":0.1}")]
    public void Serialize_NonIntegralNumber_HasNoCanonicalForm(string json)
    {
        Assert.Throws<FormatException>(() => Canonical(json));
    }

    [Fact]
    public void Serialize_DuplicateMember_IsRefused()
    {
        Assert.Throws<FormatException>(() => Canonical("{\"a\":1,\"a\":2}"));
    }

    [Fact]
    public void Serialize_SortsByUtf8BytesNotUtf16()
    {
        // U+FF21 (EF BC A1) sorts before U+1F600 (F0 9F 98 80) in UTF-8, after it in UTF-16 (FF21 > D83D).
        Assert.Equal("{\"Ａ\":1,\"😀\":2}", Canonical("{\"😀\":2,\"Ａ\":1}"));
    }

    [Fact]
    public void Serialize_KeyObject_MatchesNotaryKeyIdOfFixtureKey()
    {
        // keys/del1.pub and keys/del1_id.txt of Connaisseur's fixtures: the ID is sha256 of the canonical key object.
        var pem = File.ReadAllText(ConnaisseurTrustData.TrustDataPath("keys", "del1.pub"));
        var spki = Core.Trust.VerificationKey.Parse(pem).SubjectPublicKeyInfo.ToArray();
        var json = $"{{ \"keyval\": {{ \"public\": \"{Convert.ToBase64String(spki)}\", \"private\": null }}, \"keytype\": \"ecdsa\" }}";
        var id = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(OlpcCanonicalJson.Serialize(Encoding.UTF8.GetBytes(json))));
        Assert.Equal(File.ReadAllText(ConnaisseurTrustData.TrustDataPath("keys", "del1_id.txt")).Trim(), id);
    }

    private static string Canonical(string json) => Encoding.UTF8.GetString(OlpcCanonicalJson.Serialize(Encoding.UTF8.GetBytes(json)));
}
