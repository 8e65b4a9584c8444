using System.Collections.Frozen;
using System.Reflection;
using Verity.Core.Trust;
using Verity.Core.Validation;
using Verity.Validators.NotaryV1.Tuf;

namespace Verity.Validators.NotaryV1;

/// <summary>
/// Prepares the validation code for its first request: verifies a small real collection kept in the assembly
/// (<c>WarmUpData/</c>: root, timestamp, snapshot, targets and <c>targets/releases</c>), from memory, with a verifier of
/// its own, and resolves a tag through the delegation, as a first validation does.
/// </summary>
/// <remarks>
/// The first verification in a process otherwise pays for loading and compiling the TUF, canonical JSON and
/// delegation code and for initialising the X.509, ECDSA and hash implementations: far more than a verification
/// costs later. Nothing of this verification is kept or recorded (its store and cache are its own), and its clock is
/// frozen at the time the collection was made, so it neither expires nor depends on the real clock.
/// </remarks>
internal static class NotaryWarmUp
{
    /// <summary>A moment at which the kept collection is valid (it was made shortly before).</summary>
    internal static readonly DateTimeOffset MadeAt = new(2026, 12, 4, 2, 0, 0, TimeSpan.Zero);

    private const string Gun = "127.0.0.1:25000/test/app";

    /// <summary>Verifies the kept collection; true when it was trusted, as it must be.</summary>
    public static async ValueTask<bool> VerifyAsync(CancellationToken cancellationToken)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            [TufRoles.Root] = Read("root.json"),
            [TufRoles.Timestamp] = Read("timestamp.json"),
            [TufRoles.Snapshot] = Read("snapshot.json"),
            [TufRoles.Targets] = Read("targets.json"),
            [TufRoles.Releases] = Read("targets_releases.json"),
        }.ToFrozenDictionary(StringComparer.Ordinal);
        var key = VerificationKey.Parse(System.Text.Encoding.ASCII.GetString(Read("root-pub.pem")));
        var verifier = new NotaryTrustVerifier(new InMemoryTrustStateStore(), new FrozenClock(MadeAt));
        var request = new NotaryTrustRequest
        {
            Gun = Gun,
            TrustRoots = [new PublicKeyTrustRoot("warm-up", key)],
            Tag = "signed",
        };
        return await verifier.VerifyAsync(request, (role, _, _) => ValueTask.FromResult(files.GetValueOrDefault(role)), cancellationToken) is ValidationOutcome.Trusted;
    }

    private static byte[] Read(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Verity.Validators.NotaryV1.WarmUpData." + name)
            ?? throw new InvalidOperationException($"the warm-up file {name} is not embedded");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>A clock that always says <see cref="MadeAt"/>.</summary>
    private sealed class FrozenClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
