using System.Text;
using Verity.Validators.NotaryV1;
using Verity.Validators.NotaryV1.Tuf;

namespace Verity.Fuzz.Targets;

/// <summary>
/// Notary v1 trust data verified the way the validator does it, from a trusted root through a root rotation,
/// timestamp, snapshot, targets and delegations, then kept and resumed, and a tag resolved.
/// </summary>
/// <remarks>
/// The input is NUL-separated <c>signed</c> bodies (see <see cref="TufChain"/> for signing and placeholders): a new
/// root (empty for none), timestamp, snapshot, targets, then delegations, each as its role name, a newline and the
/// body. Delegations are loaded as <see cref="DelegationLoader"/> loads them: each once, after its parent.
/// </remarks>
internal sealed class TufVerifyTarget : FuzzTarget, IDisposable
{
    private const string Gun = "docker.io/library/fuzz";

    private readonly TufChain _chain = new(Gun);

    public override string Name => "tuf-verify";

    public override string EntryPoint =>
        "TrustedMetadataSet.LoadTrustedRoot/UpdateRoot/UpdateTimestamp/UpdateSnapshot/UpdateTargets/UpdateDelegatedTargets/Freeze/Resume, TargetResolver.Resolve";

    public override string Outcomes => "a verified collection, or a TufException (Unsigned-, Expired-, BadVersionNumber-, LengthOrHashMismatch-, MalformedMetadataException)";

    public override string Dictionary => "tuf";

    public override void Run(ReadOnlySpan<byte> input)
    {
        var sections = FuzzInput.Split(input, 0);
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal) { [TufRoles.Root] = _chain.BaseRoot };
        byte[]? newRoot = null;
        if (sections[0].Length > 0)
        {
            newRoot = _chain.File(sections[0], files, root: true);
            files[TufRoles.Root] = newRoot;
        }

        var delegations = new List<(string Role, byte[] File)>();
        foreach (var section in sections.Skip(4))
        {
            int newline = Array.IndexOf(section, (byte)'\n');
            if (newline > 0)
            {
                var role = Encoding.UTF8.GetString(section, 0, newline);
                var file = _chain.File(section.AsSpan(newline + 1), files);
                files[role] = file;
                delegations.Add((role, file));
            }
        }

        var targets = sections.Count > 3 ? _chain.File(sections[3], files) : null;
        if (targets is not null)
        {
            files[TufRoles.Targets] = targets;
        }

        var snapshot = sections.Count > 2 ? _chain.File(sections[2], files) : null;
        if (snapshot is not null)
        {
            files[TufRoles.Snapshot] = snapshot;
        }

        var timestamp = sections.Count > 1 ? _chain.File(sections[1], files) : null;
        try
        {
            Verify(newRoot, timestamp, snapshot, targets, delegations);
        }
        catch (TufException)
        {
        }
    }

    private void Verify(byte[]? newRoot, byte[]? timestamp, byte[]? snapshot, byte[]? targets, List<(string Role, byte[] File)> delegations)
    {
        var trusted = TrustedMetadataSet.LoadTrustedRoot(Gun, _chain.BaseRoot, TufChain.ReferenceTime);
        if (newRoot is not null)
        {
            trusted.UpdateRoot(newRoot);
        }

        if (timestamp is null || snapshot is null || targets is null)
        {
            return;
        }

        trusted.UpdateTimestamp(timestamp);
        trusted.UpdateSnapshot(snapshot);
        trusted.UpdateTargets(targets);
        var loaded = new List<string> { TufRoles.Targets };
        foreach (var (role, file) in delegations)
        {
            if (TufRoles.IsDelegation(role) && trusted.GetTargets(TufRoles.Parent(role)) is not null && trusted.GetTargets(role) is null)
            {
                trusted.UpdateDelegatedTargets(file, role);
                loaded.Add(role);
            }
        }

        Resolve(trusted, loaded);

        // The kept-trust-data path (NotaryTrustVerifier): resume from what was verified, with the same timestamp.
        var resumed = TrustedMetadataSet.Resume(trusted.Freeze(), TufChain.ReferenceTime);
        resumed.UpdateTimestamp(timestamp);
        if (!resumed.TryReuseSnapshot())
        {
            throw new FuzzInvariantException("the snapshot just verified cannot be reused with the same timestamp");
        }

        foreach (var role in loaded)
        {
            if (resumed.GetTargets(TufRoles.Parent(role)) is not null || role == TufRoles.Targets)
            {
                resumed.TryReuseTargets(role);
            }
        }

        Resolve(resumed, [.. loaded.Where(r => resumed.GetTargets(r) is not null)]);
    }

    private static void Resolve(TrustedMetadataSet trusted, List<string> loaded)
    {
        foreach (var role in loaded)
        {
            trusted.Permits(role, "latest");
        }

        if (TargetResolver.TryPlan(trusted.Targets!, [], Gun, out var plan, out _) && plan.Roles.All(r => trusted.GetTargets(r) is not null))
        {
            TargetResolver.Resolve(trusted, plan.Roles, "latest", null);
        }
    }

    public void Dispose() => _chain.Dispose();
}
