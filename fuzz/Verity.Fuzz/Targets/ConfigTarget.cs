using Verity.Core.Configuration;

namespace Verity.Fuzz.Targets;

/// <summary>
/// A configuration file, loaded as <c>verity serve</c> and a reload load one: parsed and checked by the loader (every
/// validator type reading its own entries), then built into a policy snapshot with its validators.
/// </summary>
internal sealed class ConfigTarget : FuzzTarget, IDisposable
{
    private readonly VerityServices _services = new();

    public override string Name => "config";

    public override string EntryPoint => "ConfigLoader.Parse, PolicySnapshotProvider.Build";

    public override string Outcomes => "a snapshot, or a ConfigurationException";

    public override string Dictionary => "yaml";

    public override void Run(ReadOnlySpan<byte> input)
    {
        var snapshots = _services.Get<PolicySnapshotProvider>();
        try
        {
            var configuration = snapshots.Loader.Parse(FuzzInput.Text(input), "fuzz.yaml");
            snapshots.Build(configuration);
        }
        catch (ConfigurationException e)
        {
            if (e.Errors.IsDefaultOrEmpty)
            {
                throw new FuzzInvariantException("a ConfigurationException without errors", e);
            }
        }
    }

    public void Dispose() => _services.Dispose();
}
