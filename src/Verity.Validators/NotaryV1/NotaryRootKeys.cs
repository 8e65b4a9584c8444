using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Verity.Validators.NotaryV1.Tuf;

namespace Verity.Validators.NotaryV1;

/// <summary>Reads the root keys of a Notary collection from its <c>root.json</c>, for pinning them as trust roots.</summary>
public static class NotaryRootKeys
{
    /// <summary>
    /// Reads <paramref name="rootJson"/>, checks that it is signed by a threshold of the root keys it declares (a
    /// self-signed root, TUF §5.3.4's check of a new root against itself) and returns the declared root keys that
    /// made a valid signature, in key ID order.
    /// </summary>
    /// <remarks>
    /// This proves only that the file is internally consistent, not that it is the collection's genuine root: the
    /// key is trusted from here on because a person compared it with what the publisher announced (trust on first
    /// use). The root's expiry is not checked (an expired root still names its key). A key that notaryv1 cannot
    /// use (an unsupported type) makes no valid signature and is not returned.
    /// </remarks>
    /// <param name="rootJson">root.json as served.</param>
    /// <param name="keys">The root keys that signed it, at least one.</param>
    /// <param name="error">Why the root cannot be used, as a sentence.</param>
    public static bool TryReadSelfSigned(
        ReadOnlyMemory<byte> rootJson,
        out ImmutableArray<NotaryRootKey> keys,
        [NotNullWhen(false)] out string? error)
    {
        keys = [];
        RootMetadata root;
        try
        {
            root = MetadataReader.ReadRoot(rootJson);
            root.RoleFor(TufRoles.Root).Verify(root);
        }
        catch (TufException e)
        {
            error = e.Message;
            return false;
        }

        var signers = ImmutableArray.CreateBuilder<NotaryRootKey>();
        foreach (var keyId in root.Roles[TufRoles.Root].KeyIds.Order(StringComparer.Ordinal))
        {
            var key = root.Keys[keyId];
            if (key.Key is { } publicKey
                && root.Signatures.Any(s => s.KeyId == keyId && SignatureMethods.Verify(publicKey, s.Method, root.SignedBytes.Span, s.Value)))
            {
                signers.Add(new NotaryRootKey(keyId, key.KeyType, publicKey));
            }
        }

        keys = signers.ToImmutable();
        error = null;
        return true;
    }
}
