using System.Diagnostics.CodeAnalysis;
using Verity.Core.Trust;

namespace Verity.Validators.NotaryV1.Tuf;

/// <summary>
/// The public keys and certificates that TUF metadata listed and this process already read, so that each distinct key
/// is imported into the platform's crypto once, and each distinct certificate parsed once, however many collections and
/// validations list it: one <see cref="VerificationKey"/> instance per key, keyed by its normalised SubjectPublicKeyInfo
/// (<see cref="VerificationKey.SubjectPublicKeyInfo"/>, the key's identity since issue #10).
/// </summary>
/// <remarks>
/// <para>A hit returns exactly what reading the same bytes again would return: a key is found only under bytes it was read
/// from (the encoding given, and its normalised encoding, which reads as the same key), a certificate only under its exact
/// DER bytes, and the bytes are compared in full, never by a hash. So two encodings of one key (its <c>ecdsa</c>
/// SubjectPublicKeyInfo, the same key in an <c>ecdsa-x509</c> certificate, a pinned trust root) give one instance, and
/// different keys never share one. What fails to read is not kept (it is read, and refused, again).</para>
/// <para>Which key may sign what is decided elsewhere (<see cref="SigningRole"/>, by key ID and threshold); this only
/// saves the work of reading a key. A key that stops being listed stays until pushed out.</para>
/// <para>Bounded: at most <see cref="MaxEntries"/> keys and certificates, the least recently used going first. One
/// instance per process (the <see cref="NotaryV1ValidatorFactory"/> singleton), shared by every verification. Safe for
/// concurrent use.</para>
/// </remarks>
internal sealed class TufKeyCache
{
    /// <summary>The default bound on the keys and certificates kept.</summary>
    public const int DefaultMaxEntries = 1024;

    private readonly Lock _lock = new();
    private readonly Dictionary<EntryKey, LinkedListNode<Entry>> _entries = new(EntryKeyComparer.Instance);
    private readonly LinkedList<Entry> _recency = new();

    /// <summary>Creates a cache that keeps at most <paramref name="maxEntries"/> keys and certificates.</summary>
    public TufKeyCache(int maxEntries = DefaultMaxEntries)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxEntries);
        MaxEntries = maxEntries;
    }

    /// <summary>The most keys and certificates kept.</summary>
    public int MaxEntries { get; }

    /// <summary>How many keys and certificates are kept now (a key read from a non-normalised encoding counts twice).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>
    /// The key of DER SubjectPublicKeyInfo <paramref name="spki"/>: the instance kept for it, or else the key read by
    /// <see cref="VerificationKey.TryFromSubjectPublicKeyInfo"/> (then kept, or replaced by the instance kept for the same
    /// normalised key); on failure <paramref name="problem"/> says why, as that method does.
    /// </summary>
    public bool TryGetKey(byte[] spki, [NotNullWhen(true)] out VerificationKey? key, [NotNullWhen(false)] out string? problem)
    {
        ArgumentNullException.ThrowIfNull(spki);
        if (Find(new EntryKey(EntryKind.Key, spki)) is VerificationKey kept)
        {
            key = kept;
            problem = null;
            return true;
        }

        if (!VerificationKey.TryFromSubjectPublicKeyInfo(spki, out key, out problem))
        {
            return false;
        }

        key = Add(key, spki);
        return true;
    }

    /// <summary>
    /// Keeps <paramref name="key"/> (a pinned trust root, say), so that metadata listing the same key uses this instance;
    /// returns the instance kept for the key, which is <paramref name="key"/> unless one was kept already.
    /// </summary>
    public VerificationKey Add(VerificationKey key) => Add(key, null);

    /// <summary>What reading DER certificate <paramref name="der"/> found, if it is kept.</summary>
    public bool TryGetCertificate(byte[] der, [NotNullWhen(true)] out CertificateKey? certificate)
    {
        ArgumentNullException.ThrowIfNull(der);
        certificate = Find(new EntryKey(EntryKind.Certificate, der)) as CertificateKey;
        return certificate is not null;
    }

    /// <summary>Keeps what reading DER certificate <paramref name="der"/> found.</summary>
    public void AddCertificate(byte[] der, CertificateKey certificate)
    {
        ArgumentNullException.ThrowIfNull(der);
        ArgumentNullException.ThrowIfNull(certificate);
        lock (_lock)
        {
            AddLocked(new EntryKey(EntryKind.Certificate, der), certificate);
        }
    }

    private VerificationKey Add(VerificationKey key, byte[]? readFrom)
    {
        ArgumentNullException.ThrowIfNull(key);
        var normalised = new EntryKey(EntryKind.Key, key.SubjectPublicKeyInfo.ToArray());
        lock (_lock)
        {
            if (_entries.TryGetValue(normalised, out var node))
            {
                Touch(node);
                key = (VerificationKey)node.Value.Value;
            }
            else
            {
                AddLocked(normalised, key);
            }

            if (readFrom is not null && !readFrom.AsSpan().SequenceEqual(normalised.Bytes))
            {
                AddLocked(new EntryKey(EntryKind.Key, readFrom), key);
            }
        }

        return key;
    }

    private object? Find(EntryKey entryKey)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(entryKey, out var node))
            {
                return null;
            }

            Touch(node);
            return node.Value.Value;
        }
    }

    private void Touch(LinkedListNode<Entry> node)
    {
        _recency.Remove(node);
        _recency.AddFirst(node);
    }

    private void AddLocked(EntryKey entryKey, object value)
    {
        if (_entries.Remove(entryKey, out var old))
        {
            _recency.Remove(old);
        }

        if (MaxEntries == 0)
        {
            return;
        }

        _entries[entryKey] = _recency.AddFirst(new Entry(entryKey, value));
        while (_entries.Count > MaxEntries)
        {
            var last = _recency.Last!;
            _recency.RemoveLast();
            _entries.Remove(last.Value.Key);
        }
    }

    /// <summary>What an <c>ecdsa-x509</c> or <c>rsa-x509</c> key's certificate holds for TUF.</summary>
    /// <param name="SubjectPublicKeyInfo">The certificate's public key, as the certificate encodes it.</param>
    /// <param name="CommonName">The subject's one common name, or null (see <see cref="TufKey.CertificateCommonName"/>).</param>
    internal sealed record CertificateKey(byte[] SubjectPublicKeyInfo, string? CommonName);

    private enum EntryKind
    {
        Key,
        Certificate,
    }

    private readonly record struct EntryKey(EntryKind Kind, byte[] Bytes);

    private sealed record Entry(EntryKey Key, object Value);

    /// <summary>Compares entry keys by kind and the full content of their bytes.</summary>
    private sealed class EntryKeyComparer : IEqualityComparer<EntryKey>
    {
        public static readonly EntryKeyComparer Instance = new();

        public bool Equals(EntryKey x, EntryKey y) => x.Kind == y.Kind && x.Bytes.AsSpan().SequenceEqual(y.Bytes);

        public int GetHashCode(EntryKey obj)
        {
            var hash = new HashCode();
            hash.Add(obj.Kind);
            hash.AddBytes(obj.Bytes);
            return hash.ToHashCode();
        }
    }
}
