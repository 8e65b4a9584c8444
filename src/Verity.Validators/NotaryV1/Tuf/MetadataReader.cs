// Over 300 lines on purpose. The strict reader of every TUF role format Notary serves; one file so that the rules shared by all roles
// (unknown fields, duplicate keys, canonical forms, size and count limits) are written once and visibly apply to each.
using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Verity.Validators.NotaryV1.Tuf;

/// <summary>
/// Parses metadata files from the bytes as served, with <see cref="JsonDocument"/> (no reflection), into
/// the records of this folder, and checks the structural rules Notary's <c>tuf/data</c> checks when it
/// unmarshals (<c>RootFromSigned</c>, <c>TargetsFromSigned</c>, …).
/// </summary>
/// <remarks>
/// Parsing verifies nothing cryptographic; <see cref="TrustedMetadataSet"/> does that. The signed message
/// is the canonical form of the <c>signed</c> member as received (<see cref="OlpcCanonicalJson"/>), as in
/// Notary's client, so members this reader does not know are still covered by the signature.
/// </remarks>
internal static partial class MetadataReader
{
    /// <summary>
    /// The most signatures a metadata file may carry. Every signature may cost a verification (and with
    /// pinned root keys, one per pinned key), so a server must not be able to make a request arbitrarily
    /// expensive; Notary writes one per signing key.
    /// </summary>
    public const int MaxSignatures = 64;

    /// <summary>Reads <c>root.json</c>.</summary>
    /// <param name="bytes">The file as served.</param>
    /// <param name="keyCache">Where the keys it lists are read once per process (<see cref="TufKeyCache"/>), or null.</param>
    /// <exception cref="MalformedMetadataException">The bytes are not valid root metadata.</exception>
    public static RootMetadata ReadRoot(ReadOnlyMemory<byte> bytes, TufKeyCache? keyCache = null)
    {
        return Read(bytes, TufRoles.Root, RootMetadata.TypeName, (signed, common) =>
        {
            var keys = ReadKeys(Required(signed, "keys", "root"), "root.keys", keyCache);
            var rolesElement = Required(signed, "roles", "root");
            if (rolesElement.ValueKind != JsonValueKind.Object)
            {
                throw new MalformedMetadataException("root.roles is not an object");
            }

            var roles = ImmutableDictionary.CreateBuilder<string, RoleKeys>(StringComparer.Ordinal);
            foreach (var role in rolesElement.EnumerateObject())
            {
                var where = $"root.roles.{role.Name}";
                if (role.Value.ValueKind != JsonValueKind.Object)
                {
                    throw new MalformedMetadataException($"{where} is not an object");
                }

                roles[role.Name] = new RoleKeys(
                    ReadKeyIds(role.Value, where, keys),
                    ReadThreshold(role.Value, where));
            }

            foreach (var name in TufRoles.TopLevel)
            {
                if (!roles.ContainsKey(name))
                {
                    throw new MalformedMetadataException($"root does not define the {name} role");
                }
            }

            var consistent = signed.TryGetProperty("consistent_snapshot", out var c) && c.ValueKind == JsonValueKind.True;
            return common.Root(keys, roles.ToImmutable(), consistent);
        });
    }

    /// <summary>Reads <c>timestamp.json</c>.</summary>
    /// <exception cref="MalformedMetadataException">The bytes are not valid timestamp metadata.</exception>
    public static TimestampMetadata ReadTimestamp(ReadOnlyMemory<byte> bytes)
    {
        return Read(bytes, TufRoles.Timestamp, TimestampMetadata.TypeName, static (signed, common) =>
        {
            var meta = ReadMeta(Required(signed, "meta", "timestamp"), "timestamp.meta");
            RequireSha256(meta, TufRoles.Snapshot, "timestamp");
            return common.Timestamp(meta);
        });
    }

    /// <summary>Reads <c>snapshot.json</c>.</summary>
    /// <exception cref="MalformedMetadataException">The bytes are not valid snapshot metadata.</exception>
    public static SnapshotMetadata ReadSnapshot(ReadOnlyMemory<byte> bytes)
    {
        return Read(bytes, TufRoles.Snapshot, SnapshotMetadata.TypeName, static (signed, common) =>
        {
            var meta = ReadMeta(Required(signed, "meta", "snapshot"), "snapshot.meta");
            RequireSha256(meta, TufRoles.Root, "snapshot");
            RequireSha256(meta, TufRoles.Targets, "snapshot");
            return common.Snapshot(meta);
        });
    }

    /// <summary>Reads the metadata of targets role <paramref name="role"/> (<c>targets</c> or a delegation).</summary>
    /// <param name="bytes">The file as served.</param>
    /// <param name="role">The role.</param>
    /// <param name="keyCache">Where the delegation keys it lists are read once per process (<see cref="TufKeyCache"/>), or null.</param>
    /// <exception cref="MalformedMetadataException">The bytes are not valid targets metadata.</exception>
    public static TargetsMetadata ReadTargets(ReadOnlyMemory<byte> bytes, string role, TufKeyCache? keyCache = null)
    {
        ArgumentNullException.ThrowIfNull(role);
        if (role != TufRoles.Targets && !TufRoles.IsDelegation(role))
        {
            throw new MalformedMetadataException($"\"{role}\" is not a targets role name");
        }

        return Read(bytes, role, TargetsMetadata.TypeName, (signed, common) =>
        {
            var targetsElement = Required(signed, "targets", role);
            var targets = ImmutableDictionary.CreateBuilder<string, FileMeta>(StringComparer.Ordinal);
            if (targetsElement.ValueKind != JsonValueKind.Null)
            {
                if (targetsElement.ValueKind != JsonValueKind.Object)
                {
                    throw new MalformedMetadataException($"{role}.targets is not an object");
                }

                foreach (var target in targetsElement.EnumerateObject())
                {
                    targets[target.Name] = FileMeta.Read(target.Value, $"{role}.targets[\"{target.Name}\"]");
                }
            }

            var delegations = signed.TryGetProperty("delegations", out var d) && d.ValueKind != JsonValueKind.Null
                ? ReadDelegations(d, role, keyCache)
                : Delegations.None;
            return common.Targets(targets.ToImmutable(), delegations);
        });
    }

    /// <summary>A required member of an object.</summary>
    /// <exception cref="MalformedMetadataException">The member is missing.</exception>
    public static JsonElement Required(JsonElement element, string name, string where)
    {
        return element.TryGetProperty(name, out var value)
            ? value
            : throw new MalformedMetadataException($"{where} has no \"{name}\"");
    }

    /// <summary>A string value.</summary>
    /// <exception cref="MalformedMetadataException">The value is not a string.</exception>
    public static string ReadString(JsonElement element, string where)
    {
        if (element.ValueKind != JsonValueKind.String)
        {
            throw new MalformedMetadataException($"{where} is not a string");
        }

        try
        {
            return element.GetString()!;
        }
        catch (InvalidOperationException e)
        {
            throw new MalformedMetadataException($"{where} is not valid Unicode", e);
        }
    }

    /// <summary>An integer value.</summary>
    /// <exception cref="MalformedMetadataException">The value is not a 64-bit integer.</exception>
    public static long ReadInt64(JsonElement element, string where)
    {
        return element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out var value)
            ? value
            : throw new MalformedMetadataException($"{where} is not an integer");
    }

    /// <summary>A base64 (standard alphabet, padded) value, as Go encodes <c>[]byte</c>.</summary>
    /// <exception cref="MalformedMetadataException">The value is not base64.</exception>
    public static byte[] ReadBase64(JsonElement element, string where)
    {
        if (element.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (element.ValueKind != JsonValueKind.String || !element.TryGetBytesFromBase64(out var bytes))
        {
            throw new MalformedMetadataException($"{where} is not base64");
        }

        return bytes;
    }

    private static T Read<T>(ReadOnlyMemory<byte> bytes, string role, string type, Func<JsonElement, Common, T> readSigned)
        where T : TufMetadata
    {
        try
        {
            using var document = ParseDocument(bytes, role);
            var root = document.RootElement;
            RequireUnicode(root, role);
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new MalformedMetadataException($"{role} is not a JSON object");
            }

            var signed = Required(root, "signed", role);
            if (signed.ValueKind != JsonValueKind.Object)
            {
                throw new MalformedMetadataException($"{role}.signed is not an object");
            }

            var signatures = ImmutableArray.CreateBuilder<TufSignature>();
            if (root.TryGetProperty("signatures", out var signaturesElement) && signaturesElement.ValueKind != JsonValueKind.Null)
            {
                if (signaturesElement.ValueKind != JsonValueKind.Array)
                {
                    throw new MalformedMetadataException($"{role}.signatures is not an array");
                }

                if (signaturesElement.GetArrayLength() > MaxSignatures)
                {
                    throw new MalformedMetadataException(
                        $"{role} has {signaturesElement.GetArrayLength()} signatures; at most {MaxSignatures} are accepted");
                }

                var i = 0;
                foreach (var signature in signaturesElement.EnumerateArray())
                {
                    signatures.Add(TufSignature.Read(signature, $"{role}.signatures[{i++}]"));
                }
            }

            var actualType = ReadString(Required(signed, "_type", role), role + "._type");

            // Notary writes "Root", TUF 1.0 writes "root": the same role either way.
            if (!string.Equals(actualType, type, StringComparison.OrdinalIgnoreCase))
            {
                throw new MalformedMetadataException($"{role} has _type \"{actualType}\", expected \"{type}\"");
            }

            var version = ReadInt64(Required(signed, "version", role), role + ".version");
            if (version < 1)
            {
                throw new MalformedMetadataException($"{role} has version {version}; versions start at 1");
            }

            var expires = ReadTime(Required(signed, "expires", role), role + ".expires");
            byte[] canonical;
            try
            {
                canonical = OlpcCanonicalJson.Serialize(signed);
            }
            catch (FormatException e)
            {
                throw new MalformedMetadataException($"{role} cannot be put in canonical form to check its signatures: {e.Message}", e);
            }

            var common = new Common(actualType, version, expires, signatures.ToImmutable(), canonical);
            return readSigned(signed, common);
        }
        catch (JsonException e)
        {
            throw new MalformedMetadataException($"{role} is not valid JSON: {e.Message}", e);
        }
    }

    private static JsonDocument ParseDocument(ReadOnlyMemory<byte> bytes, string role)
    {
        try
        {
            return JsonDocument.Parse(bytes, MetadataJson.DocumentOptions);
        }
        catch (InvalidOperationException e)
        {
            // The duplicate-member check unescapes member names, and throws this for a lone UTF-16 surrogate.
            throw new MalformedMetadataException($"{role} contains a string that is not valid Unicode (a lone UTF-16 surrogate)", e);
        }
    }

    /// <summary>
    /// Refuses a document with a member name or string that is not valid Unicode (a lone UTF-16 surrogate escape such
    /// as <c>"\ud800"</c> is valid JSON text), before anything reads it: <see cref="JsonElement.GetString"/> and
    /// <see cref="JsonProperty.Name"/> would throw <see cref="InvalidOperationException"/> wherever they met it.
    /// </summary>
    /// <exception cref="MalformedMetadataException">A name or string is not valid Unicode.</exception>
    private static void RequireUnicode(JsonElement element, string role)
    {
        try
        {
            Walk(element);
        }
        catch (InvalidOperationException e)
        {
            throw new MalformedMetadataException($"{role} contains a string that is not valid Unicode (a lone UTF-16 surrogate)", e);
        }

        static void Walk(JsonElement element)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        _ = property.Name;
                        Walk(property.Value);
                    }

                    break;
                case JsonValueKind.Array:
                    foreach (var item in element.EnumerateArray())
                    {
                        Walk(item);
                    }

                    break;
                case JsonValueKind.String:
                    _ = element.GetString();
                    break;
                default:
                    break;
            }
        }
    }

    private static DateTimeOffset ReadTime(JsonElement element, string where)
    {
        var text = ReadString(element, where);
        var match = Rfc3339().Match(text);
        if (match.Success)
        {
            try
            {
                static int Int(Group g) => int.Parse(g.ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture);
                var offset = TimeSpan.Zero;
                if (match.Groups["offset"].Value is { Length: > 1 } zone)
                {
                    offset = new TimeSpan(Int(match.Groups["oh"]), Int(match.Groups["om"]), 0);
                    if (zone[0] == '-')
                    {
                        offset = -offset;
                    }
                }

                var time = new DateTimeOffset(
                    Int(match.Groups["y"]), Int(match.Groups["mo"]), Int(match.Groups["d"]),
                    Int(match.Groups["h"]), Int(match.Groups["mi"]), Int(match.Groups["s"]), offset);

                // Fractional seconds beyond 100 ns (Notary writes nanoseconds) are truncated.
                var fraction = match.Groups["f"].Value;
                if (fraction.Length > 0)
                {
                    var ticks = fraction.Length >= 7 ? fraction[..7] : fraction.PadRight(7, '0');
                    time = time.AddTicks(long.Parse(ticks, NumberStyles.None, CultureInfo.InvariantCulture));
                }

                return time;
            }
            catch (ArgumentOutOfRangeException)
            {
                // fall through
            }
        }

        throw new MalformedMetadataException($"{where} \"{text}\" is not an RFC 3339 time");
    }

    private static ImmutableDictionary<string, TufKey> ReadKeys(JsonElement element, string where, TufKeyCache? keyCache)
    {
        if (element.ValueKind == JsonValueKind.Null)
        {
            return ImmutableDictionary<string, TufKey>.Empty;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new MalformedMetadataException($"{where} is not an object");
        }

        var keys = ImmutableDictionary.CreateBuilder<string, TufKey>(StringComparer.Ordinal);
        foreach (var key in element.EnumerateObject())
        {
            keys[key.Name] = TufKey.Read(key.Value, $"{where}[\"{key.Name}\"]", keyCache);
        }

        return keys.ToImmutable();
    }

    private static ImmutableArray<string> ReadKeyIds(JsonElement role, string where, ImmutableDictionary<string, TufKey> keys)
    {
        var element = Required(role, "keyids", where);
        var ids = ImmutableArray.CreateBuilder<string>();
        if (element.ValueKind != JsonValueKind.Null)
        {
            if (element.ValueKind != JsonValueKind.Array)
            {
                throw new MalformedMetadataException($"{where}.keyids is not an array");
            }

            foreach (var id in element.EnumerateArray())
            {
                var keyId = ReadString(id, where + ".keyids");
                if (!keys.ContainsKey(keyId))
                {
                    // Notary's isValidRootRoleStructure.
                    throw new MalformedMetadataException($"{where} lists key ID {keyId}, but there is no such key");
                }

                ids.Add(keyId);
            }
        }

        return ids.ToImmutable();
    }

    private static int ReadThreshold(JsonElement role, string where)
    {
        var threshold = ReadInt64(Required(role, "threshold", where), where + ".threshold");
        return threshold is >= 1 and <= int.MaxValue
            ? (int)threshold
            : throw new MalformedMetadataException($"{where} has threshold {threshold}; it must be at least 1");
    }

    private static ImmutableArray<string> ReadStrings(JsonElement parent, string name, string where)
    {
        if (!parent.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (element.ValueKind != JsonValueKind.Array)
        {
            throw new MalformedMetadataException($"{where}.{name} is not an array");
        }

        var values = ImmutableArray.CreateBuilder<string>();
        foreach (var item in element.EnumerateArray())
        {
            values.Add(ReadString(item, $"{where}.{name}"));
        }

        return values.ToImmutable();
    }

    private static ImmutableDictionary<string, FileMeta> ReadMeta(JsonElement element, string where)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new MalformedMetadataException($"{where} is not an object");
        }

        var meta = ImmutableDictionary.CreateBuilder<string, FileMeta>(StringComparer.Ordinal);
        foreach (var file in element.EnumerateObject())
        {
            meta[file.Name] = FileMeta.Read(file.Value, $"{where}[\"{file.Name}\"]");
        }

        return meta.ToImmutable();
    }

    private static void RequireSha256(ImmutableDictionary<string, FileMeta> meta, string role, string listedBy)
    {
        if (!meta.TryGetValue(role, out var file) || !file.Hashes.ContainsKey("sha256"))
        {
            throw new MalformedMetadataException($"{listedBy} lists no sha256 hash for {role}");
        }
    }

    private static Delegations ReadDelegations(JsonElement element, string role, TufKeyCache? keyCache)
    {
        var where = role + ".delegations";
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new MalformedMetadataException($"{where} is not an object");
        }

        var keys = element.TryGetProperty("keys", out var keysElement)
            ? ReadKeys(keysElement, where + ".keys", keyCache)
            : ImmutableDictionary<string, TufKey>.Empty;
        var roles = ImmutableArray.CreateBuilder<DelegatedRole>();
        if (element.TryGetProperty("roles", out var rolesElement) && rolesElement.ValueKind != JsonValueKind.Null)
        {
            if (rolesElement.ValueKind != JsonValueKind.Array)
            {
                throw new MalformedMetadataException($"{where}.roles is not an array");
            }

            var names = new HashSet<string>(StringComparer.Ordinal);
            var i = 0;
            foreach (var item in rolesElement.EnumerateArray())
            {
                var itemWhere = $"{where}.roles[{i++}]";
                if (item.ValueKind != JsonValueKind.Object)
                {
                    throw new MalformedMetadataException($"{itemWhere} is not an object");
                }

                var name = ReadString(Required(item, "name", itemWhere), itemWhere + ".name");

                // Notary's isValidTargetsStructure: a well-formed delegation name, one level below this role.
                if (!TufRoles.IsDelegation(name) || TufRoles.Parent(name) != role)
                {
                    throw new MalformedMetadataException($"{role} delegates to \"{name}\", which is not a valid child of {role}");
                }

                if (!names.Add(name))
                {
                    throw new MalformedMetadataException($"{role} delegates to {name} twice");
                }

                roles.Add(new DelegatedRole
                {
                    Name = name,
                    KeyIds = ReadKeyIds(item, $"{role} delegation {name}", keys),
                    Threshold = ReadThreshold(item, $"{role} delegation {name}"),
                    Paths = ReadStrings(item, "paths", itemWhere),
                    PathHashPrefixes = ReadStrings(item, "path_hash_prefixes", itemWhere),
                });
            }
        }

        return new Delegations { Keys = keys, Roles = roles.ToImmutable() };
    }

    [GeneratedRegex(@"^(?<y>\d{4})-(?<mo>\d{2})-(?<d>\d{2})T(?<h>\d{2}):(?<mi>\d{2}):(?<s>\d{2})(?:\.(?<f>\d{1,9}))?(?<offset>Z|[+-](?<oh>\d{2}):(?<om>\d{2}))$", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339();

    /// <summary>The fields every metadata file has, read before the type-specific ones.</summary>
    private sealed record Common(string Type, long Version, DateTimeOffset Expires, ImmutableArray<TufSignature> Signatures, byte[] SignedBytes)
    {
        public RootMetadata Root(ImmutableDictionary<string, TufKey> keys, ImmutableDictionary<string, RoleKeys> roles, bool consistent) => new()
        {
            Type = Type, Version = Version, Expires = Expires, Signatures = Signatures, SignedBytes = SignedBytes,
            Keys = keys, Roles = roles, ConsistentSnapshot = consistent,
        };

        public TimestampMetadata Timestamp(ImmutableDictionary<string, FileMeta> meta) => new()
        {
            Type = Type, Version = Version, Expires = Expires, Signatures = Signatures, SignedBytes = SignedBytes, Meta = meta,
        };

        public SnapshotMetadata Snapshot(ImmutableDictionary<string, FileMeta> meta) => new()
        {
            Type = Type, Version = Version, Expires = Expires, Signatures = Signatures, SignedBytes = SignedBytes, Meta = meta,
        };

        public TargetsMetadata Targets(ImmutableDictionary<string, FileMeta> targets, Delegations delegations) => new()
        {
            Type = Type, Version = Version, Expires = Expires, Signatures = Signatures, SignedBytes = SignedBytes,
            Targets = targets, Delegations = delegations,
        };
    }
}
