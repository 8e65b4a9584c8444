using System.Text;
using Verity.Validators.NotaryV1.Tuf;

namespace Verity.Validators.Tests.NotaryV1.Tuf;

public sealed class MetadataReaderTests
{
    private const string Expires = "2999-01-01T00:00:00Z";

    [Theory]
    [InlineData("not-json", "{", "is not valid JSON")]
    [InlineData("array", "[]", "is not a JSON object")]
    [InlineData("no-signed", "{\"signatures\":[]}", "has no \"signed\"")]
    [InlineData("duplicate-member", "{\"signed\":{\"_type\":\"Timestamp\",\"version\":1,\"version\":2},\"signatures\":[]}", "is not valid JSON")]
    [InlineData("wrong-type", "{\"signed\":{\"_type\":\"Targets\",\"version\":1,\"expires\":\"" + Expires + "\",\"meta\":{}},\"signatures\":[]}", "timestamp has _type \"Targets\", expected \"Timestamp\"")]
    [InlineData("version-zero", "{\"signed\":{\"_type\":\"Timestamp\",\"version\":0,\"expires\":\"" + Expires + "\",\"meta\":{}},\"signatures\":[]}", "timestamp has version 0")]
    [InlineData("fractional-version", "{\"signed\":{\"_type\":\"Timestamp\",\"version\":1.5,\"expires\":\"" + Expires + "\",\"meta\":{}},\"signatures\":[]}", "timestamp.version is not an integer")]
    [InlineData("bad-expiry", "{\"signed\":{\"_type\":\"Timestamp\",\"version\":1,\"expires\":\"tomorrow\",\"meta\":{}},\"signatures\":[]}", "is not an RFC 3339 time")]
    [InlineData("no-snapshot-hash", "{\"signed\":{\"_type\":\"Timestamp\",\"version\":1,\"expires\":\"" + Expires + "\",\"meta\":{}},\"signatures\":[]}", "timestamp lists no sha256 hash for snapshot")]
    [InlineData("short-hash", "{\"signed\":{\"_type\":\"Timestamp\",\"version\":1,\"expires\":\"" + Expires + "\",\"meta\":{\"snapshot\":{\"hashes\":{\"sha256\":\"AAAA\"},\"length\":1}}},\"signatures\":[]}", "has 3 bytes, not 32")]
    [InlineData("no-canonical-form", "{\"signed\":{\"_type\":\"Timestamp\",\"version\":1,\"expires\":\"" + Expires + "\",\"x\":0.5,\"meta\":{}},\"signatures\":[]}", "cannot be put in canonical form")]
    public void ReadTimestamp_Malformed_SaysWhy(string id, string json, string reason)
    {
        _ = id;
        var e = Assert.Throws<MalformedMetadataException>(() => MetadataReader.ReadTimestamp(Encoding.UTF8.GetBytes(json)));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("grandchild", "targets/a/b", "targets delegates to \"targets/a/b\", which is not a valid child of targets")]
    [InlineData("dot-segment", "targets/../root", "not a valid child")]
    [InlineData("upper-case", "targets/Releases", "not a valid child")]
    [InlineData("not-below-targets", "releases", "not a valid child")]
    public void ReadTargets_InvalidDelegationName_IsMalformed(string id, string name, string reason)
    {
        _ = id;
        var json = "{\"signed\":{\"_type\":\"Targets\",\"version\":1,\"expires\":\"" + Expires + "\",\"targets\":{},"
            + "\"delegations\":{\"keys\":{},\"roles\":[{\"name\":\"" + name + "\",\"keyids\":[],\"threshold\":1,\"paths\":[\"\"]}]}},\"signatures\":[]}";
        var e = Assert.Throws<MalformedMetadataException>(() => MetadataReader.ReadTargets(Encoding.UTF8.GetBytes(json), "targets"));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadTargets_DelegationListsUnknownKey_IsMalformed()
    {
        var json = "{\"signed\":{\"_type\":\"Targets\",\"version\":1,\"expires\":\"" + Expires + "\",\"targets\":{},"
            + "\"delegations\":{\"keys\":{},\"roles\":[{\"name\":\"targets/a\",\"keyids\":[\"abc\"],\"threshold\":1}]}},\"signatures\":[]}";
        var e = Assert.Throws<MalformedMetadataException>(() => MetadataReader.ReadTargets(Encoding.UTF8.GetBytes(json), "targets"));
        Assert.Equal("targets delegation targets/a lists key ID abc, but there is no such key", e.Message);
    }

    [Fact]
    public void ReadTargets_ZeroThreshold_IsMalformed()
    {
        var json = "{\"signed\":{\"_type\":\"Targets\",\"version\":1,\"expires\":\"" + Expires + "\",\"targets\":{},"
            + "\"delegations\":{\"keys\":{},\"roles\":[{\"name\":\"targets/a\",\"keyids\":[],\"threshold\":0}]}},\"signatures\":[]}";
        Assert.Throws<MalformedMetadataException>(() => MetadataReader.ReadTargets(Encoding.UTF8.GetBytes(json), "targets"));
    }

    [Theory]
    [InlineData("2999-08-26T14:12:13.21926558+02:00", "2999-08-26T12:12:13.2192655+00:00")]
    [InlineData("2036-11-19T16:55:33.450755335Z", "2036-11-19T16:55:33.4507553+00:00")]
    [InlineData("2019-11-11T08:00:05Z", "2019-11-11T08:00:05.0000000+00:00")]
    public void ReadTimestamp_NotaryTimes_AreParsedToTheTick(string text, string expected)
    {
        var json = "{\"signed\":{\"_type\":\"Timestamp\",\"version\":1,\"expires\":\"" + text + "\","
            + "\"meta\":{\"snapshot\":{\"hashes\":{\"sha256\":\"" + Convert.ToBase64String(new byte[32]) + "\"},\"length\":1}}},\"signatures\":null}";
        var timestamp = MetadataReader.ReadTimestamp(Encoding.UTF8.GetBytes(json));
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), timestamp.Expires);
        Assert.Empty(timestamp.Signatures);
    }

    [Fact]
    public void ReadTimestamp_TooManySignatures_IsMalformed()
    {
        // A server could otherwise make one admission request cost thousands of signature verifications.
        var signature = "{\"keyid\":\"k\",\"method\":\"ecdsa\",\"sig\":\"AAAA\"}";
        var json = "{\"signed\":{\"_type\":\"Timestamp\",\"version\":1,\"expires\":\"" + Expires + "\",\"meta\":{}},\"signatures\":["
            + string.Join(",", Enumerable.Repeat(signature, MetadataReader.MaxSignatures + 1)) + "]}";
        var e = Assert.Throws<MalformedMetadataException>(() => MetadataReader.ReadTimestamp(Encoding.UTF8.GetBytes(json)));
        Assert.Equal($"timestamp has {MetadataReader.MaxSignatures + 1} signatures; at most {MetadataReader.MaxSignatures} are accepted", e.Message);
    }

    [Fact]
    public void ReadRoot_MissingTopLevelRole_IsMalformed()
    {
        var json = "{\"signed\":{\"_type\":\"Root\",\"version\":1,\"expires\":\"" + Expires + "\",\"keys\":{},\"roles\":{"
            + "\"root\":{\"keyids\":[],\"threshold\":1},\"targets\":{\"keyids\":[],\"threshold\":1},\"snapshot\":{\"keyids\":[],\"threshold\":1}}},\"signatures\":[]}";
        var e = Assert.Throws<MalformedMetadataException>(() => MetadataReader.ReadRoot(Encoding.UTF8.GetBytes(json)));
        Assert.Equal("root does not define the timestamp role", e.Message);
    }

    [Theory]
    [InlineData("target-name", "\"targets\":{\"\\ud800\":{\"hashes\":{\"sha256\":\"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\"},\"length\":1}}")]
    [InlineData("member-name", "\"targets\":{},\"\\udfff\":1")]
    [InlineData("path", "\"targets\":{},\"delegations\":{\"keys\":{},\"roles\":[{\"name\":\"targets/a\",\"keyids\":[],\"threshold\":1,\"paths\":[\"\\ud800x\"]}]}")]
    public void ReadTargets_LoneSurrogate_IsMalformedNotAnotherException(string id, string members)
    {
        // A lone UTF-16 surrogate escape is valid JSON text but no Unicode string; it used to escape as an
        // InvalidOperationException (an internal error instead of a denial).
        _ = id;
        var json = "{\"signed\":{\"_type\":\"Targets\",\"version\":1,\"expires\":\"" + Expires + "\"," + members + "},\"signatures\":[]}";
        var e = Record.Exception(() => MetadataReader.ReadTargets(Encoding.UTF8.GetBytes(json), "targets"));
        var malformed = Assert.IsType<MalformedMetadataException>(e);
        Assert.Contains("not valid Unicode", malformed.Message, StringComparison.Ordinal);
    }
}
