using System.Collections.Immutable;
using System.Text;
using Verity.Validators.NotaryV1.Tuf;

namespace Verity.Validators.Tests.NotaryV1.Tuf;

public sealed class SigningRoleTests : IDisposable
{
    private static readonly byte[] Message = Encoding.UTF8.GetBytes("{\"_type\":\"Timestamp\"}");

    private readonly TestKey _key = TestKey.Create();
    private readonly TestKey _other = TestKey.Create();

    public void Dispose()
    {
        _key.Dispose();
        _other.Dispose();
    }

    [Fact]
    public void Verify_ValidSignature_MeetsThreshold()
    {
        var signature = new TufSignature(_key.Id, "ecdsa", _key.Sign(Message));

        Role(_key).Verify(Metadata(signature));
    }

    [Fact]
    public void Verify_SignatureVerifiedBeforeBySameKey_CountsWithoutBeingVerifiedAgain()
    {
        // The value is not a signature at all: only the record that the same key verified this very signature counts.
        var signature = new TufSignature(_key.Id, "ecdsa", new byte[64]);

        Role(_key).Verify(Metadata(signature), [(signature, _key.VerificationKey)]);
    }

    [Fact]
    public void Verify_SignatureVerifiedBeforeByAnotherKey_IsVerifiedAgain()
    {
        var signature = new TufSignature(_key.Id, "ecdsa", new byte[64]);

        var e = Assert.Throws<UnsignedMetadataException>(() => Role(_key).Verify(Metadata(signature), [(signature, _other.VerificationKey)]));

        Assert.Equal("timestamp has 0 of 1 required valid signatures", e.Message);
    }

    [Fact]
    public void Verify_AnEqualButOtherSignatureVerifiedBefore_IsVerifiedAgain()
    {
        // Recorded for another signature object (of other metadata, say), not this metadata's own.
        var signature = new TufSignature(_key.Id, "ecdsa", new byte[64]);
        var elsewhere = signature with { };

        var e = Assert.Throws<UnsignedMetadataException>(() => Role(_key).Verify(Metadata(signature), [(elsewhere, _key.VerificationKey)]));

        Assert.Equal("timestamp has 0 of 1 required valid signatures", e.Message);
    }

    [Fact]
    public void Verify_TwoSignaturesOfOneKeyVerifiedBefore_CountOnce()
    {
        var first = new TufSignature(_key.Id, "ecdsa", _key.Sign(Message));
        var second = new TufSignature(_key.Id, "ecdsa", _key.Sign(Message));
        var role = Role(_key) with { Threshold = 2 };

        var e = Assert.Throws<UnsignedMetadataException>(() =>
            role.Verify(Metadata(first, second), [(first, _key.VerificationKey), (second, _key.VerificationKey)]));

        Assert.Equal("timestamp has 1 of 2 required valid signatures", e.Message);
    }

    private static SigningRole Role(TestKey key) =>
        new(TufRoles.Timestamp, ImmutableDictionary.CreateRange(StringComparer.Ordinal, [new KeyValuePair<string, TufKey>(key.Id, TufKey.Create(key.KeyType, key.PublicBytes))]), 1);

    private static TimestampMetadata Metadata(params TufSignature[] signatures) => new()
    {
        Type = TimestampMetadata.TypeName,
        Version = 1,
        Expires = ForgedCollection.Now.AddDays(1),
        Signatures = [.. signatures],
        SignedBytes = Message,
        Meta = ImmutableDictionary<string, FileMeta>.Empty,
    };
}
