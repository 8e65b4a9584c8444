using Verity.Core.Configuration;

namespace Verity.Hosting;

/// <summary>Holds the current <see cref="PolicySnapshot"/> and replaces it atomically on reload.</summary>
internal sealed class PolicySnapshotProvider
{
    private readonly ValidatorRegistry _registry;
    private PolicySnapshot? _current;

    public PolicySnapshotProvider(ValidatorRegistry registry)
    {
        _registry = registry;
    }

    /// <summary>The snapshot requests use, or null before the first successful load.</summary>
    public PolicySnapshot? Current => Volatile.Read(ref _current);

    /// <summary>Loads, validates and builds a configuration and makes it current.</summary>
    /// <exception cref="ConfigurationException">The configuration has errors; the current snapshot is kept.</exception>
    public PolicySnapshot Load(string path)
    {
        return Use(ConfigLoader.Load(path));
    }

    /// <summary>Builds a configuration and makes it current.</summary>
    /// <exception cref="ConfigurationException">A validator cannot be built; the current snapshot is kept.</exception>
    public PolicySnapshot Use(VerityConfiguration configuration)
    {
        var snapshot = _registry.Build(configuration);
        Volatile.Write(ref _current, snapshot);
        return snapshot;
    }
}
