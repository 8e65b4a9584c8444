using Verity.Validators.NotaryV1.Tuf;

namespace Verity.Fuzz.Targets;

/// <summary>
/// The TUF metadata reader Notary v1 responses go through: the first byte picks the role (root, timestamp, snapshot,
/// targets or a delegation), the rest is the file as a server would serve it.
/// </summary>
internal sealed class TufMetadataTarget : FuzzTarget
{
    public override string Name => "tuf-metadata";

    public override string EntryPoint =>
        "MetadataReader.ReadRoot/ReadTimestamp/ReadSnapshot/ReadTargets, TrustedMetadataSet.LoadTrustedRoot";

    public override string Outcomes => "metadata, or a TufException (MalformedMetadataException, UnsignedMetadataException, …)";

    public override string Dictionary => "json";

    public override void Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return;
        }

        var bytes = input[1..].ToArray();
        try
        {
            switch (input[0] % 5)
            {
                case 0:
                    MetadataReader.ReadRoot(bytes);
                    TrustedMetadataSet.LoadTrustedRoot("docker.io/library/fuzz", bytes, TufChain.ReferenceTime);
                    break;
                case 1:
                    MetadataReader.ReadTimestamp(bytes);
                    break;
                case 2:
                    MetadataReader.ReadSnapshot(bytes);
                    break;
                case 3:
                    MetadataReader.ReadTargets(bytes, TufRoles.Targets);
                    break;
                default:
                    MetadataReader.ReadTargets(bytes, TufRoles.Releases);
                    break;
            }
        }
        catch (TufException)
        {
        }
    }
}
