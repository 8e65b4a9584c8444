// Over 300 lines on purpose. One state machine in python-tuf's TrustedMetadataSet shape (root, timestamp, snapshot, targets, delegations):
// kept in one file so that the order of the TUF §5 checks reads top to bottom and no step can be reached out of order.
using System.Collections.Immutable;
using System.Globalization;
using Verity.Core.Trust;

namespace Verity.Validators.NotaryV1.Tuf;

/// <summary>
/// The metadata of one Notary collection (GUN) that has been verified so far, in the shape of python-tuf's
/// <c>TrustedMetadataSet</c>: root → timestamp → snapshot → targets → delegated targets, each verified on
/// the way in against what is already trusted.
/// </summary>
/// <remarks>
/// <para>A pure state machine: no I/O and no clock. The caller supplies each role's bytes exactly as served
/// and the fixed update start time (TUF §5.1); every check throws a <see cref="TufException"/> subtype and
/// leaves the set as it was. Metadata must be loaded in order; loading out of order, or loading a role twice,
/// is a programming error (<see cref="InvalidOperationException"/>).</para>
/// <para>Trust in root comes from one of two places. <see cref="LoadPinnedRoot"/> (Connaisseur's model): every
/// pinned trust-root key must have made a valid signature over root, compared by public key since root lists
/// the key wrapped in a certificate, and root's own <c>root</c> threshold must be met by its own keys.
/// <see cref="LoadTrustedRoot"/> (python-tuf's model): a root trusted out of band, checked only against
/// itself, which <see cref="UpdateRoot"/> can then rotate (TUF §5.3).</para>
/// <para>Beyond Connaisseur: rollback protection against the highest versions seen before (TUF §5.3.5,
/// §5.4.3; see <see cref="ITrustStateStore"/>), the root's own threshold, exact lengths
/// (<see cref="TufVerificationOptions.CompareListedLengths"/>), delegation paths, and delegations nested more
/// than one level deep.</para>
/// <para>A third start, <see cref="Resume"/>, continues from a <see cref="VerifiedCollection"/> that an earlier set
/// verified and <see cref="Freeze"/> kept (python-tuf's ngclient keeps its trusted metadata between refreshes the
/// same way). Its root is trusted again; <see cref="UpdateRoot"/> rotates it. A timestamp with the bytes verified
/// before, and a snapshot or targets role that the newly trusted metadata lists with the same hashes, length and
/// version and assigns the same keys and threshold, is reused instead of being parsed and verified again
/// (<see cref="UpdateTimestamp"/>, <see cref="TryReuseSnapshot"/>, <see cref="TryReuseTargets"/>): those checks
/// would give the same answer. The checks that depend on the time and on what was seen since — expiry, rollback,
/// the versions listed, delegation depth and paths — run again for every role reused.</para>
/// </remarks>
internal sealed class TrustedMetadataSet
{
    private readonly ImmutableDictionary<string, long> _knownVersions;
    private readonly TufVerificationOptions _options;
    private readonly VerifiedCollection? _previous;
    private readonly TufKeyCache? _keyCache;
    private readonly Dictionary<string, TargetsMetadata> _targets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ImmutableArray<DelegatedRole>> _chains = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SigningRole> _signedBy = new(StringComparer.Ordinal);
    private ReadOnlyMemory<byte> _rootBytes;
    private ReadOnlyMemory<byte> _timestampBytes;

    private TrustedMetadataSet(
        string gun,
        DateTimeOffset referenceTime,
        RootMetadata root,
        ReadOnlyMemory<byte> rootBytes,
        IReadOnlyDictionary<string, long>? knownVersions,
        TufVerificationOptions? options,
        TufKeyCache? keyCache,
        VerifiedCollection? previous = null)
    {
        Gun = gun;
        ReferenceTime = referenceTime;
        Root = root;
        _rootBytes = rootBytes;
        _knownVersions = knownVersions?.ToImmutableDictionary(StringComparer.Ordinal) ?? ImmutableDictionary<string, long>.Empty;
        _options = options ?? TufVerificationOptions.Default;
        _previous = previous;
        _keyCache = keyCache;
    }

    /// <summary>The collection, e.g. <c>docker.io/library/nginx</c>; used in messages.</summary>
    public string Gun { get; }

    /// <summary>The fixed update start time every expiry is checked against.</summary>
    public DateTimeOffset ReferenceTime { get; }

    /// <summary>The trusted root.</summary>
    public RootMetadata Root { get; private set; }

    /// <summary>The trusted timestamp, once loaded.</summary>
    public TimestampMetadata? Timestamp { get; private set; }

    /// <summary>The trusted snapshot, once loaded.</summary>
    public SnapshotMetadata? Snapshot { get; private set; }

    /// <summary>The trusted top-level targets, once loaded.</summary>
    public TargetsMetadata? Targets => _targets.GetValueOrDefault(TufRoles.Targets);

    /// <summary><c>root.json</c> as served, of the trusted <see cref="Root"/>.</summary>
    public ReadOnlyMemory<byte> RootBytes => _rootBytes;

    /// <summary>The version of every role loaded so far, for <see cref="ITrustStateStore.RecordAsync"/>.</summary>
    public ImmutableDictionary<string, long> Versions
    {
        get
        {
            var versions = ImmutableDictionary.CreateBuilder<string, long>(StringComparer.Ordinal);
            versions[TufRoles.Root] = Root.Version;
            if (Timestamp is not null)
            {
                versions[TufRoles.Timestamp] = Timestamp.Version;
            }

            if (Snapshot is not null)
            {
                versions[TufRoles.Snapshot] = Snapshot.Version;
            }

            foreach (var (role, targets) in _targets)
            {
                versions[role] = targets.Version;
            }

            return versions.ToImmutable();
        }
    }

    /// <summary>
    /// Starts a set from <c>root.json</c> trusted because the pinned keys signed it (Connaisseur's model).
    /// </summary>
    /// <param name="gun">The collection, for messages.</param>
    /// <param name="rootBytes">root.json as served.</param>
    /// <param name="pinnedKeys">The trust roots that must each have signed root (one, or all with <c>trustRoot: "*"</c>).</param>
    /// <param name="referenceTime">The fixed update start time.</param>
    /// <param name="knownVersions">The highest version of each role seen before for this collection.</param>
    /// <param name="options">Strictness choices; null for the defaults.</param>
    /// <param name="keyCache">Where the keys metadata lists are read once per process; null to read them for this set alone.
    /// The pinned keys are kept there too, so a root certificate holding one is not imported again.</param>
    /// <exception cref="MalformedMetadataException">root.json cannot be read.</exception>
    /// <exception cref="UnsignedMetadataException">A pinned key did not sign root, or root's own threshold is not met.</exception>
    /// <exception cref="BadVersionNumberException">root is older than one seen before.</exception>
    /// <remarks>Root's expiry is checked when the timestamp is loaded (TUF §5.3.10), as in python-tuf.</remarks>
    public static TrustedMetadataSet LoadPinnedRoot(
        string gun,
        ReadOnlyMemory<byte> rootBytes,
        IReadOnlyList<PublicKeyTrustRoot> pinnedKeys,
        DateTimeOffset referenceTime,
        IReadOnlyDictionary<string, long>? knownVersions = null,
        TufVerificationOptions? options = null,
        TufKeyCache? keyCache = null)
    {
        ArgumentNullException.ThrowIfNull(gun);
        ArgumentNullException.ThrowIfNull(pinnedKeys);
        if (pinnedKeys.Count == 0)
        {
            throw new ArgumentException("at least one pinned key is required", nameof(pinnedKeys));
        }

        var root = MetadataReader.ReadRoot(rootBytes, keyCache);
        var pinnedSignatures = RequirePinnedSignatures(root, pinnedKeys, keyCache);
        var set = new TrustedMetadataSet(gun, referenceTime, root, rootBytes, knownVersions, options, keyCache);
        set.RootRoleOf(root).Verify(root, pinnedSignatures);
        set.CheckRollback(TufRoles.Root, root.Version);
        return set;
    }

    /// <summary>
    /// Starts a set from a root trusted out of band (python-tuf's constructor, TUF §5.2), e.g. one this
    /// process verified before; it is checked only against its own root keys and threshold.
    /// </summary>
    /// <param name="gun">The collection, for messages.</param>
    /// <param name="rootBytes">root.json as served.</param>
    /// <param name="referenceTime">The fixed update start time.</param>
    /// <param name="knownVersions">The highest version of each role seen before for this collection.</param>
    /// <param name="options">Strictness choices; null for the defaults.</param>
    /// <param name="keyCache">As for <see cref="LoadPinnedRoot"/>.</param>
    /// <exception cref="MalformedMetadataException">root.json cannot be read.</exception>
    /// <exception cref="UnsignedMetadataException">root's own threshold is not met.</exception>
    public static TrustedMetadataSet LoadTrustedRoot(
        string gun,
        ReadOnlyMemory<byte> rootBytes,
        DateTimeOffset referenceTime,
        IReadOnlyDictionary<string, long>? knownVersions = null,
        TufVerificationOptions? options = null,
        TufKeyCache? keyCache = null)
    {
        ArgumentNullException.ThrowIfNull(gun);
        var root = MetadataReader.ReadRoot(rootBytes, keyCache);
        var set = new TrustedMetadataSet(gun, referenceTime, root, rootBytes, knownVersions, options, keyCache);
        set.RootRoleOf(root).Verify(root);
        return set;
    }

    /// <summary>
    /// Continues from a collection verified before (TUF §5.2: the trusted root comes from local storage): its
    /// root is trusted without being checked again, and its timestamp, snapshot and targets roles can be reused
    /// by <see cref="UpdateTimestamp"/>, <see cref="TryReuseSnapshot"/> and <see cref="TryReuseTargets"/> when the
    /// server still serves them.
    /// </summary>
    /// <param name="previous">What an earlier set verified (<see cref="Freeze"/>).</param>
    /// <param name="referenceTime">The fixed update start time.</param>
    /// <param name="knownVersions">The highest version of each role seen before for this collection; the versions in
    /// <paramref name="previous"/> count as seen too.</param>
    /// <param name="options">Strictness choices; null for the defaults. They must be the ones <paramref name="previous"/>
    /// was verified with.</param>
    /// <param name="keyCache">As for <see cref="LoadPinnedRoot"/>: for the roles read from now on.</param>
    /// <exception cref="ArgumentException"><paramref name="previous"/> was verified with other options.</exception>
    /// <exception cref="BadVersionNumberException">A newer root was seen since.</exception>
    public static TrustedMetadataSet Resume(
        VerifiedCollection previous,
        DateTimeOffset referenceTime,
        IReadOnlyDictionary<string, long>? knownVersions = null,
        TufVerificationOptions? options = null,
        TufKeyCache? keyCache = null)
    {
        ArgumentNullException.ThrowIfNull(previous);
        options ??= TufVerificationOptions.Default;
        if (previous.Options != options)
        {
            throw new ArgumentException("the collection was verified with other options", nameof(previous));
        }

        // Rollback protection must not depend on the store having recorded what this process verified.
        var known = previous.Versions.ToBuilder();
        if (knownVersions is not null)
        {
            foreach (var (role, version) in knownVersions)
            {
                if (!known.TryGetValue(role, out var seen) || version > seen)
                {
                    known[role] = version;
                }
            }
        }

        var set = new TrustedMetadataSet(previous.Gun, referenceTime, previous.Root, previous.RootBytes, known.ToImmutable(), options, keyCache, previous);
        set.CheckRollback(TufRoles.Root, previous.Root.Version);
        return set;
    }

    /// <summary>
    /// Rotates root (TUF §5.3.4, §5.3.5): the new root must be signed by a threshold of the trusted root's
    /// root keys and by a threshold of its own, and its version must be the trusted version plus one.
    /// </summary>
    /// <param name="data">The new root.json as served.</param>
    /// <param name="pinnedKeys">Trust roots that must each have signed the new root too (Connaisseur's rule, as in
    /// <see cref="LoadPinnedRoot"/>), or null.</param>
    /// <returns>The new trusted root.</returns>
    /// <exception cref="InvalidOperationException">The timestamp is already loaded.</exception>
    /// <exception cref="TufException">The new root is not acceptable.</exception>
    /// <remarks>An intermediate root may be expired; only the final one must not be (checked by <see cref="UpdateTimestamp"/>).</remarks>
    public RootMetadata UpdateRoot(ReadOnlyMemory<byte> data, IReadOnlyList<PublicKeyTrustRoot>? pinnedKeys = null)
    {
        if (Timestamp is not null)
        {
            throw new InvalidOperationException("root cannot be updated after the timestamp is loaded");
        }

        var newRoot = MetadataReader.ReadRoot(data, _keyCache);
        var pinnedSignatures = pinnedKeys is null ? null : RequirePinnedSignatures(newRoot, pinnedKeys, _keyCache);

        var trustedRootRole = RootRoleOf(Root);
        try
        {
            trustedRootRole.Verify(newRoot, pinnedSignatures);
        }
        catch (UnsignedMetadataException e)
        {
            throw new UnsignedMetadataException(
                $"root version {newRoot.Version} is not signed by the keys of trusted root version {Root.Version}: {e.Message}", e);
        }

        RootRoleOf(newRoot).Verify(newRoot, pinnedSignatures);
        if (newRoot.Version != Root.Version + 1)
        {
            throw new BadVersionNumberException(
                $"root version {newRoot.Version} cannot follow trusted root version {Root.Version}; expected version {Root.Version + 1}");
        }

        CheckRollback(TufRoles.Root, newRoot.Version);
        Root = newRoot;
        _rootBytes = data;
        return newRoot;
    }

    /// <summary>Verifies and loads <c>timestamp.json</c> (TUF §5.4).</summary>
    /// <remarks>In a resumed set, bytes identical to the timestamp verified before, under the same timestamp keys,
    /// reuse that timestamp instead of being parsed and verified again; rollback and expiry are checked either way.</remarks>
    /// <exception cref="InvalidOperationException">The timestamp is already loaded.</exception>
    /// <exception cref="ExpiredMetadataException">Root or the timestamp has expired.</exception>
    /// <exception cref="TufException">The timestamp is not acceptable.</exception>
    public TimestampMetadata UpdateTimestamp(ReadOnlyMemory<byte> data)
    {
        if (Timestamp is not null)
        {
            throw new InvalidOperationException("the timestamp is already loaded");
        }

        CheckExpiry(TufRoles.Root, Root);
        var signingRole = Root.RoleFor(TufRoles.Timestamp);
        TimestampMetadata timestamp;
        if (_previous is { } previous
            && data.Span.SequenceEqual(previous.TimestampBytes.Span)
            && signingRole.HasSameKeysAs(previous.SignedBy[TufRoles.Timestamp]))
        {
            timestamp = previous.Timestamp;
        }
        else
        {
            timestamp = MetadataReader.ReadTimestamp(data);
            signingRole.Verify(timestamp);
        }

        CheckRollback(TufRoles.Timestamp, timestamp.Version);
        CheckExpiry(TufRoles.Timestamp, timestamp);
        Timestamp = timestamp;
        _timestampBytes = data;
        _signedBy[TufRoles.Timestamp] = signingRole;
        return timestamp;
    }

    /// <summary>
    /// Verifies and loads <c>snapshot.json</c> (TUF §5.5), and checks root's bytes against the hash the
    /// snapshot lists for root (Notary's <c>validateChecksumsFromSnapshot</c>).
    /// </summary>
    /// <exception cref="InvalidOperationException">The timestamp is not loaded, or the snapshot already is.</exception>
    /// <exception cref="TufException">The snapshot is not acceptable.</exception>
    public SnapshotMetadata UpdateSnapshot(ReadOnlyMemory<byte> data)
    {
        if (Timestamp is null)
        {
            throw new InvalidOperationException("the snapshot cannot be loaded before the timestamp");
        }

        if (Snapshot is not null)
        {
            throw new InvalidOperationException("the snapshot is already loaded");
        }

        var listed = Timestamp.Snapshot;
        listed.Verify(data.Span, TufRoles.Snapshot, TufRoles.Timestamp, _options.CompareListedLengths);
        var snapshot = MetadataReader.ReadSnapshot(data);
        var signingRole = Root.RoleFor(TufRoles.Snapshot);
        signingRole.Verify(snapshot);
        LoadSnapshot(snapshot, signingRole, checkRootHash: true);
        return snapshot;
    }

    /// <summary>
    /// Loads the snapshot verified before instead of downloading it (TUF §5.5 without the download), when the
    /// trusted timestamp lists it with the same hashes, length and version as the timestamp it was verified under,
    /// and root assigns the snapshot role the same keys and threshold. Version, rollback, expiry and root's hash
    /// are checked as in <see cref="UpdateSnapshot"/>.
    /// </summary>
    /// <returns>False when the set was not resumed, or the snapshot changed: the caller downloads it and calls
    /// <see cref="UpdateSnapshot"/>.</returns>
    /// <exception cref="InvalidOperationException">The timestamp is not loaded, or the snapshot already is.</exception>
    /// <exception cref="TufException">The snapshot is not acceptable (expired, rolled back).</exception>
    public bool TryReuseSnapshot()
    {
        if (Timestamp is null)
        {
            throw new InvalidOperationException("the snapshot cannot be loaded before the timestamp");
        }

        if (Snapshot is not null)
        {
            throw new InvalidOperationException("the snapshot is already loaded");
        }

        if (_previous is not { } previous || !Timestamp.Snapshot.DescribesSameFileAs(previous.Timestamp.Snapshot))
        {
            return false;
        }

        var signingRole = Root.RoleFor(TufRoles.Snapshot);
        if (!signingRole.HasSameKeysAs(previous.SignedBy[TufRoles.Snapshot]))
        {
            return false;
        }

        // Root's hash was checked when the snapshot was verified, against the root this set started from.
        LoadSnapshot(previous.Snapshot, signingRole, checkRootHash: !ReferenceEquals(Root, previous.Root));
        return true;
    }

    /// <summary>Verifies and loads the top-level <c>targets.json</c> (TUF §5.6).</summary>
    /// <exception cref="InvalidOperationException">The snapshot is not loaded, or targets already is.</exception>
    /// <exception cref="TufException">targets is not acceptable.</exception>
    public TargetsMetadata UpdateTargets(ReadOnlyMemory<byte> data) => UpdateDelegatedTargets(data, TufRoles.Targets);

    /// <summary>
    /// Verifies and loads the metadata of targets role <paramref name="role"/>: <c>targets</c>, or a delegated
    /// role such as <c>targets/releases</c> whose parent (<c>targets</c>, or <c>targets/a</c> for
    /// <c>targets/a/b</c>) is already loaded and delegates to it.
    /// </summary>
    /// <remarks>
    /// The bytes must match the hashes the snapshot lists for the role (TUF §5.6.2), the signatures must
    /// meet the threshold of the keys the parent assigns (§5.6.3), the version must match the snapshot's if
    /// listed (§5.6.4) and not be lower than one seen before, and the metadata must not have expired (§5.6.5).
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="role"/> is not a targets role name.</exception>
    /// <exception cref="InvalidOperationException">The snapshot or the parent is not loaded, or the role already is.</exception>
    /// <exception cref="TufException">The metadata is not acceptable, the parent does not delegate to the
    /// role, or the snapshot does not list it.</exception>
    public TargetsMetadata UpdateDelegatedTargets(ReadOnlyMemory<byte> data, string role)
    {
        RequireTargetsRole(role);
        var (signingRole, chain) = Delegator(role);
        var listed = Snapshot!.Meta.GetValueOrDefault(role)
            ?? throw new TufException($"snapshot does not list {role}");
        listed.Verify(data.Span, role, TufRoles.Snapshot, _options.CompareListedLengths);
        var targets = MetadataReader.ReadTargets(data, role, _keyCache);
        signingRole.Verify(targets);
        LoadTargets(role, targets, listed, signingRole, chain);
        return targets;
    }

    /// <summary>
    /// Loads targets role <paramref name="role"/> as verified before instead of downloading it, when the trusted
    /// snapshot lists it with the same hashes, length and version as the snapshot it was verified under, and its
    /// delegator (root, or the loaded parent) assigns it the same keys and threshold. Version, rollback, expiry,
    /// depth and the delegation chain are checked and built as in <see cref="UpdateDelegatedTargets"/>.
    /// </summary>
    /// <returns>False when the set was not resumed, the role was not verified before, or it changed: the caller
    /// downloads it and calls <see cref="UpdateDelegatedTargets"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="role"/> is not a targets role name.</exception>
    /// <exception cref="InvalidOperationException">The snapshot or the parent is not loaded, or the role already is.</exception>
    /// <exception cref="TufException">The metadata is not acceptable (expired, rolled back), or the parent does not
    /// delegate to the role.</exception>
    public bool TryReuseTargets(string role)
    {
        RequireTargetsRole(role);
        if (_previous is not { } previous
            || !previous.Targets.TryGetValue(role, out var targets)
            || Snapshot!.Meta.GetValueOrDefault(role) is not { } listed
            || previous.Snapshot.Meta.GetValueOrDefault(role) is not { } listedBefore
            || !listed.DescribesSameFileAs(listedBefore))
        {
            return false;
        }

        var (signingRole, chain) = Delegator(role);
        if (!signingRole.HasSameKeysAs(previous.SignedBy[role]))
        {
            return false;
        }

        LoadTargets(role, targets, listed, signingRole, chain);
        return true;
    }

    /// <summary>
    /// What this set has verified, to resume from later (<see cref="Resume"/>). Targets roles verified before and
    /// not loaded again are kept while the snapshot and root are the same.
    /// </summary>
    /// <exception cref="InvalidOperationException">The timestamp, the snapshot or targets is not loaded.</exception>
    public VerifiedCollection Freeze()
    {
        if (Timestamp is null || Snapshot is null || Targets is null)
        {
            throw new InvalidOperationException("only a set with timestamp, snapshot and targets loaded can be kept");
        }

        var targets = _targets.ToImmutableDictionary(StringComparer.Ordinal).ToBuilder();
        var signedBy = _signedBy.ToImmutableDictionary(StringComparer.Ordinal).ToBuilder();
        if (_previous is { } previous && ReferenceEquals(Snapshot, previous.Snapshot) && ReferenceEquals(Root, previous.Root))
        {
            foreach (var (role, metadata) in previous.Targets)
            {
                if (targets.TryAdd(role, metadata))
                {
                    signedBy[role] = previous.SignedBy[role];
                }
            }
        }

        return new VerifiedCollection
        {
            Gun = Gun,
            Root = Root,
            RootBytes = _rootBytes,
            Timestamp = Timestamp,
            TimestampBytes = _timestampBytes,
            Snapshot = Snapshot,
            Targets = targets.ToImmutable(),
            SignedBy = signedBy.ToImmutable(),
            Options = _options,
        };
    }

    /// <summary>The loaded metadata of targets role <paramref name="role"/>, or null.</summary>
    public TargetsMetadata? GetTargets(string role) => _targets.GetValueOrDefault(role);

    /// <summary>
    /// Whether loaded role <paramref name="role"/> may sign target <paramref name="targetName"/>: every
    /// delegation from <c>targets</c> down to the role must permit the name (so a child can never sign more
    /// than its parent was delegated, as in Notary's <c>RestrictDelegationPathPrefixes</c> and TUF §5.6.7).
    /// </summary>
    /// <exception cref="InvalidOperationException">The role is not loaded.</exception>
    public bool Permits(string role, string targetName)
    {
        var chain = _chains.TryGetValue(role, out var c) ? c : throw new InvalidOperationException($"{role} is not loaded");
        foreach (var delegation in chain)
        {
            if (!delegation.Permits(targetName))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Connaisseur (notaryserver/repo.go validateRoot): every pinned key must have made at least one valid
    /// signature over root; key IDs are not compared because root names the key by its certificate's ID.
    /// </summary>
    /// <returns>The signatures found valid, each with the pinned key that verified it (root's own keys include the same
    /// key in its certificate, and need not verify them again).</returns>
    private static List<(TufSignature Signature, VerificationKey Key)> RequirePinnedSignatures(
        RootMetadata root, IReadOnlyList<PublicKeyTrustRoot> pinnedKeys, TufKeyCache? keyCache)
    {
        if (root.Signatures.IsEmpty)
        {
            throw new UnsignedMetadataException("root has no signatures");
        }

        var verified = new List<(TufSignature Signature, VerificationKey Key)>(pinnedKeys.Count);
        foreach (var pinned in pinnedKeys)
        {
            // Root lists the pinned key again in its root certificate: that key is then this instance, imported once.
            keyCache?.Add(pinned.Key);

            var signed = false;
            foreach (var signature in root.Signatures)
            {
                if (SignatureMethods.Verify(pinned.Key, signature.Method, root.SignedBytes.Span, signature.Value))
                {
                    verified.Add((signature, pinned.Key));
                    signed = true;
                    break;
                }
            }

            if (!signed)
            {
                throw new UnsignedMetadataException($"root is not signed by trust root \"{pinned.Name}\"");
            }
        }

        return verified;
    }

    /// <summary>
    /// The keys of <paramref name="root"/>'s own <c>root</c> role that may sign a root of this collection: as Notary's
    /// client (<c>trustpinning.ValidateRoot</c>), only certificates (<c>ecdsa-x509</c>, <c>rsa-x509</c>) whose subject
    /// CN is the GUN. This binds root to one collection: trust data published for collection A, signed with a pinned
    /// key that also signs collection B, does not verify as B's.
    /// </summary>
    /// <exception cref="UnsignedMetadataException">No key of the root role is a certificate issued for the GUN.</exception>
    private SigningRole RootRoleOf(RootMetadata root)
    {
        var role = root.RoleFor(TufRoles.Root);
        if (_options.AllowRootCertificateForOtherCollectionUnsafe)
        {
            return role;
        }

        var bound = role.Keys.Where(k => k.Value.IsCertificate && string.Equals(k.Value.CertificateCommonName, Gun, StringComparison.Ordinal))
            .ToImmutableDictionary(StringComparer.Ordinal);
        if (bound.IsEmpty)
        {
            var names = role.Keys.Values.Select(k => k.IsCertificate
                    ? k.CertificateCommonName is { } cn ? $"a certificate for \"{cn}\"" : "a certificate without one common name"
                    : $"an {k.KeyType} key")
                .Distinct(StringComparer.Ordinal)
                .Order(StringComparer.Ordinal);
            throw new UnsignedMetadataException(
                $"root of \"{Gun}\" has no root certificate issued for \"{Gun}\" (its root keys: {string.Join(", ", names)}); trust data of another collection is not accepted");
        }

        return role with { Keys = bound };
    }

    private void LoadSnapshot(SnapshotMetadata snapshot, SigningRole signingRole, bool checkRootHash)
    {
        if (Timestamp!.Snapshot.Version is { } expected && expected != snapshot.Version)
        {
            throw new BadVersionNumberException($"snapshot has version {snapshot.Version}, but timestamp lists version {expected}");
        }

        CheckRollback(TufRoles.Snapshot, snapshot.Version);
        CheckExpiry(TufRoles.Snapshot, snapshot);
        if (checkRootHash)
        {
            snapshot.Meta[TufRoles.Root].Verify(_rootBytes.Span, TufRoles.Root, TufRoles.Snapshot, _options.CompareListedLengths);
        }

        Snapshot = snapshot;
        _signedBy[TufRoles.Snapshot] = signingRole;
    }

    private void RequireTargetsRole(string role)
    {
        ArgumentNullException.ThrowIfNull(role);
        if (role != TufRoles.Targets && !TufRoles.IsDelegation(role))
        {
            throw new ArgumentException($"\"{role}\" is not a targets role name", nameof(role));
        }

        if (Snapshot is null)
        {
            throw new InvalidOperationException($"{role} cannot be loaded before the snapshot");
        }

        if (_targets.ContainsKey(role))
        {
            throw new InvalidOperationException($"{role} is already loaded");
        }
    }

    /// <summary>The keys and threshold that sign <paramref name="role"/>, and the delegations from targets down to it.</summary>
    private (SigningRole SigningRole, ImmutableArray<DelegatedRole> Chain) Delegator(string role)
    {
        if (role == TufRoles.Targets)
        {
            return (Root.RoleFor(TufRoles.Targets), []);
        }

        var parentName = TufRoles.Parent(role);
        if (TufRoles.Depth(role) > _options.MaxDelegationDepth)
        {
            throw new TufException($"{role} is nested more than {_options.MaxDelegationDepth} levels deep");
        }

        var parent = _targets.GetValueOrDefault(parentName)
            ?? throw new InvalidOperationException($"{role} cannot be loaded before {parentName}");
        var delegation = parent.Delegations.Find(role)
            ?? throw new TufException($"{parentName} does not delegate to {role}");
        return (parent.Delegations.RoleFor(delegation), _chains[parentName].Add(delegation));
    }

    private void LoadTargets(string role, TargetsMetadata targets, FileMeta listed, SigningRole signingRole, ImmutableArray<DelegatedRole> chain)
    {
        if (listed.Version is { } expected && expected != targets.Version)
        {
            throw new BadVersionNumberException($"{role} has version {targets.Version}, but snapshot lists version {expected}");
        }

        CheckRollback(role, targets.Version);
        CheckExpiry(role, targets);
        _targets[role] = targets;
        _chains[role] = chain;
        _signedBy[role] = signingRole;
    }

    private void CheckRollback(string role, long version)
    {
        if (_knownVersions.TryGetValue(role, out var known) && version < known)
        {
            throw new BadVersionNumberException(
                $"{role} of \"{Gun}\" has version {version}, older than version {known} seen before (rollback)");
        }
    }

    private void CheckExpiry(string role, TufMetadata metadata)
    {
        if (metadata.IsExpired(ReferenceTime))
        {
            throw new ExpiredMetadataException(
                $"{role} of \"{Gun}\" expired at {metadata.Expires.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}");
        }
    }
}
