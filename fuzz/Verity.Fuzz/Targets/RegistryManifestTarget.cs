using System.Text;
using Verity.Core.Images;
using Verity.Registry.Manifests;

namespace Verity.Fuzz.Targets;

/// <summary>
/// A manifest or index as a registry serves it (the digest checks out: the registry chose the bytes), and a referrers
/// response: the first line is the response's Content-Type (may be empty), the rest the body.
/// </summary>
internal sealed class RegistryManifestTarget : FuzzTarget
{
    public override string Name => "registry-manifest";

    public override string EntryPoint => "ManifestParser.Parse, ManifestParser.ParseIndexManifests";

    public override string Outcomes => "a manifest, or a FormatException";

    public override string Dictionary => "json";

    public override void Run(ReadOnlySpan<byte> input)
    {
        int newline = input.IndexOf((byte)'\n');
        string? contentType = newline <= 0 ? null : Encoding.UTF8.GetString(input[..newline]);
        var body = input[(newline + 1)..].ToArray();
        try
        {
            ManifestParser.Parse(body, Digest.Compute(body), contentType);
        }
        catch (FormatException)
        {
        }

        try
        {
            ManifestParser.ParseIndexManifests(body);
        }
        catch (FormatException)
        {
        }
    }
}
