using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Verity.Core.Images;
using Verity.Validators.NotaryV1;
using Verity.Validators.NotaryV1.Tuf;

namespace Verity.Validators.Tests.NotaryV1;

/// <summary>
/// Builds a Notary collection signed at test time with keys generated at test time, so attacks can be
/// forged: every field of every role can be set before <see cref="Build"/>.
/// </summary>
/// <remarks>
/// The files are written the way Notary writes them (<c>_type</c> capitalised, sha256 and sha512 plus length
/// in meta, base64 hashes) but pretty-printed, so signatures only verify over the canonical form.
/// </remarks>
internal sealed class ForgedCollection : IDisposable
{
    public static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    public const string Gun = "registry.example/acme/app";

    public ForgedCollection()
    {
        foreach (var role in TufRoles.TopLevel)
        {
            var key = role == TufRoles.Root ? TestKey.CreateX509(Gun) : TestKey.Create();
            RoleKeys[role] = [key];
            Thresholds[role] = 1;
            Versions[role] = 1;
            Expires[role] = Now.AddDays(30);
        }
    }

    public Dictionary<string, List<TestKey>> RoleKeys { get; } = [];

    public Dictionary<string, int> Thresholds { get; } = [];

    public Dictionary<string, long> Versions { get; } = [];

    public Dictionary<string, DateTimeOffset> Expires { get; } = [];

    /// <summary>Who signs each role; the role's keys when absent.</summary>
    public Dictionary<string, List<TestKey>> Signers { get; } = [];

    /// <summary>Lengths to list in meta instead of the true ones.</summary>
    public Dictionary<string, long> ListedLengths { get; } = [];

    /// <summary>Tag → manifest sha256 bytes in the top-level targets role.</summary>
    public Dictionary<string, byte[]> Targets { get; } = [];

    public List<ForgedDelegation> Delegations { get; } = [];

    /// <summary>Roles the snapshot does not list (as if never published).</summary>
    public HashSet<string> UnlistedInSnapshot { get; } = [];

    public TestKey RootKey => RoleKeys[TufRoles.Root][0];

    /// <summary>A sha256 manifest digest derived from <paramref name="seed"/>.</summary>
    public static byte[] Manifest(string seed) => SHA256.HashData(Encoding.UTF8.GetBytes(seed));

    public static Digest DigestOf(byte[] sha256) => Digest.FromSha256(sha256);

    public ForgedDelegation AddDelegation(string name, List<string>? paths = null, int keys = 1)
    {
        var delegation = new ForgedDelegation
        {
            Name = name,
            Keys = [.. Enumerable.Range(0, keys).Select(_ => TestKey.Create())],
            Paths = paths ?? [""],
        };
        Delegations.Add(delegation);
        return delegation;
    }

    /// <summary>Every role's file, by role name.</summary>
    public Dictionary<string, byte[]> Build() => Resign(null);

    /// <summary>
    /// Every role's file, by role name: <paramref name="roles"/> signed anew from the current settings, every other role
    /// kept byte for byte from <paramref name="files"/> (all signed anew when it is null). The snapshot and timestamp,
    /// when signed anew, list the files as they end up.
    /// </summary>
    public Dictionary<string, byte[]> Resign(IReadOnlyDictionary<string, byte[]>? files, params string[] roles)
    {
        var result = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        void Put(string role, Func<byte[]> sign) =>
            result[role] = files is not null && !roles.Contains(role) && files.TryGetValue(role, out var kept) ? kept : sign();

        Put(TufRoles.Root, () => Envelope(RootSigned(), SignersOf(TufRoles.Root)));
        Put(TufRoles.Targets, () => Envelope(TargetsSigned(TufRoles.Targets, Versions[TufRoles.Targets], Expires[TufRoles.Targets], Targets), SignersOf(TufRoles.Targets)));
        foreach (var delegation in Delegations)
        {
            Put(delegation.Name, () => Envelope(
                TargetsSigned(delegation.Name, Versions.GetValueOrDefault(delegation.Name, 1), Expires.GetValueOrDefault(delegation.Name, Now.AddDays(30)), delegation.Targets),
                delegation.Signers ?? delegation.Keys));
        }

        Put(TufRoles.Snapshot, () =>
        {
            var snapshotMeta = new JsonObject();
            foreach (var (role, bytes) in result.Where(f => !UnlistedInSnapshot.Contains(f.Key)))
            {
                snapshotMeta[role] = FileMeta(role, bytes);
            }

            return Envelope(Common("Snapshot", TufRoles.Snapshot, new JsonObject { ["meta"] = snapshotMeta }), SignersOf(TufRoles.Snapshot));
        });
        Put(TufRoles.Timestamp, () =>
        {
            var timestampMeta = new JsonObject { [TufRoles.Snapshot] = FileMeta(TufRoles.Snapshot, result[TufRoles.Snapshot]) };
            return Envelope(Common("Timestamp", TufRoles.Timestamp, new JsonObject { ["meta"] = timestampMeta }), SignersOf(TufRoles.Timestamp));
        });
        return result;
    }

    /// <summary>A fetcher serving <paramref name="files"/>, recording what was asked for.</summary>
    public static NotaryRoleFetcher Serve(IReadOnlyDictionary<string, byte[]> files, List<string>? requested = null) =>
        (role, _, _) =>
        {
            lock (files)
            {
                requested?.Add(role);
            }

            return ValueTask.FromResult(files.GetValueOrDefault(role));
        };

    public void Dispose()
    {
        foreach (var key in RoleKeys.Values.SelectMany(k => k).Concat(Delegations.SelectMany(d => d.Keys)).Distinct())
        {
            key.Dispose();
        }
    }

    private List<TestKey> SignersOf(string role) => Signers.GetValueOrDefault(role) ?? RoleKeys[role];

    private JsonObject RootSigned()
    {
        var keys = new JsonObject();
        var roles = new JsonObject();
        foreach (var role in TufRoles.TopLevel)
        {
            foreach (var key in RoleKeys[role])
            {
                keys[key.Id] = KeyJson(key);
            }

            roles[role] = new JsonObject
            {
                ["keyids"] = new JsonArray([.. RoleKeys[role].Select(k => (JsonNode)k.Id)]),
                ["threshold"] = Thresholds[role],
            };
        }

        return Common("Root", TufRoles.Root, new JsonObject { ["consistent_snapshot"] = false, ["keys"] = keys, ["roles"] = roles });
    }

    private JsonObject TargetsSigned(string role, long version, DateTimeOffset expires, Dictionary<string, byte[]> targets)
    {
        var targetsJson = new JsonObject();
        foreach (var (tag, sha256) in targets)
        {
            targetsJson[tag] = new JsonObject { ["hashes"] = new JsonObject { ["sha256"] = Convert.ToBase64String(sha256) }, ["length"] = 1994 };
        }

        var keys = new JsonObject();
        var roles = new JsonArray();
        foreach (var child in Delegations.Where(d => TufRoles.Parent(d.Name) == role))
        {
            foreach (var key in child.Keys)
            {
                keys[key.Id] = KeyJson(key);
            }

            roles.Add(new JsonObject
            {
                ["keyids"] = new JsonArray([.. child.Keys.Select(k => (JsonNode)k.Id)]),
                ["name"] = child.Name,
                ["paths"] = new JsonArray([.. child.Paths.Select(p => (JsonNode)p)]),
                ["threshold"] = child.Threshold,
            });
        }

        return new JsonObject
        {
            ["_type"] = "Targets",
            ["delegations"] = new JsonObject { ["keys"] = keys, ["roles"] = roles },
            ["expires"] = expires.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture),
            ["targets"] = targetsJson,
            ["version"] = version,
        };
    }

    private JsonObject Common(string type, string role, JsonObject rest)
    {
        rest["_type"] = type;
        rest["expires"] = Expires[role].UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        rest["version"] = Versions[role];
        return rest;
    }

    private JsonObject FileMeta(string role, byte[] bytes) => new()
    {
        ["hashes"] = new JsonObject
        {
            ["sha256"] = Convert.ToBase64String(SHA256.HashData(bytes)),
            ["sha512"] = Convert.ToBase64String(SHA512.HashData(bytes)),
        },
        ["length"] = ListedLengths.TryGetValue(role, out var length) ? length : bytes.Length,
    };

    private static JsonObject KeyJson(TestKey key) => new()
    {
        ["keytype"] = key.KeyType,
        ["keyval"] = new JsonObject { ["private"] = null, ["public"] = Convert.ToBase64String(key.PublicBytes) },
    };

    private static byte[] Envelope(JsonObject signed, IEnumerable<TestKey> signers)
    {
        var text = signed.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        var canonical = OlpcCanonicalJson.Serialize(Encoding.UTF8.GetBytes(text));
        var signatures = new JsonArray();
        foreach (var signer in signers)
        {
            signatures.Add(new JsonObject { ["keyid"] = signer.Id, ["method"] = "ecdsa", ["sig"] = Convert.ToBase64String(signer.Sign(canonical)) });
        }

        var envelope = "{\n  \"signed\": " + text + ",\n  \"signatures\": " + signatures.ToJsonString() + "\n}\n";
        return Encoding.UTF8.GetBytes(envelope);
    }
}
