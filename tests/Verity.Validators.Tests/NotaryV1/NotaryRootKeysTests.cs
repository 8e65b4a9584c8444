using Verity.Validators.NotaryV1;
using Verity.Validators.NotaryV1.Tuf;

namespace Verity.Validators.Tests.NotaryV1;

/// <summary><see cref="NotaryRootKeys"/>: the root keys a self-signed root.json declares, for <c>verity notary root-key</c>.</summary>
public sealed class NotaryRootKeysTests : IDisposable
{
    private readonly ForgedCollection _collection = new();

    public void Dispose() => _collection.Dispose();

    [Fact]
    public void TryReadSelfSigned_SelfSignedRoot_ReturnsTheKeyInsideTheCertificate()
    {
        Assert.True(NotaryRootKeys.TryReadSelfSigned(_collection.Build()[TufRoles.Root], out var keys, out var error), error);

        var key = Assert.Single(keys);
        Assert.Equal("ecdsa-x509", key.KeyType);
        Assert.Equal(_collection.RootKey.Id, key.KeyId);
        Assert.Equal(_collection.RootKey.VerificationKey, key.Key);
    }

    [Fact]
    public void TryReadSelfSigned_RootSignedOnlyByAnUndeclaredKey_IsRefused()
    {
        // An attacker's root.json that names the real root key but carries the attacker's signature.
        using var attacker = TestKey.CreateX509(ForgedCollection.Gun);
        _collection.Signers[TufRoles.Root] = [attacker];

        Assert.False(NotaryRootKeys.TryReadSelfSigned(_collection.Build()[TufRoles.Root], out var keys, out var error));

        Assert.Empty(keys);
        Assert.Equal("root has 0 of 1 required valid signatures", error);
    }

    [Fact]
    public void TryReadSelfSigned_TwoRootKeysBothSigning_ReturnsBoth()
    {
        using var second = TestKey.CreateX509(ForgedCollection.Gun);
        _collection.RoleKeys[TufRoles.Root].Add(second);

        Assert.True(NotaryRootKeys.TryReadSelfSigned(_collection.Build()[TufRoles.Root], out var keys, out var error), error);

        Assert.Equal(
            new[] { _collection.RootKey.Id, second.Id }.Order(StringComparer.Ordinal),
            keys.Select(k => k.KeyId));
    }

    [Fact]
    public void TryReadSelfSigned_NotARoot_IsRefused()
    {
        Assert.False(NotaryRootKeys.TryReadSelfSigned(_collection.Build()[TufRoles.Timestamp], out _, out var error));

        Assert.Equal("root has _type \"Timestamp\", expected \"Root\"", error);
    }
}
