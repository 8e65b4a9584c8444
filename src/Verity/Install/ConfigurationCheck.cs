using Verity.Core.Configuration;
using Verity.Hosting;

namespace Verity.Install;

/// <summary>The one place where <c>verity manifests</c> asks Verity's own loader whether the rendered configuration is valid.</summary>
/// <remarks>Kept apart so a change of the loader's API touches one method.</remarks>
internal static class ConfigurationCheck
{
    /// <summary>Loads <paramref name="configYaml"/> as <c>verity serve</c> would; returns its warnings.</summary>
    /// <exception cref="ConfigurationException">The configuration has errors.</exception>
    public static IReadOnlyList<string> Check(string configYaml, string source)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddVerityCore(new Admission.AdmissionOptions());
        using var provider = services.BuildServiceProvider();
        var snapshots = provider.GetRequiredService<PolicySnapshotProvider>();
        var configuration = snapshots.Loader.Parse(configYaml, source);
        return [.. configuration.Warnings.Select(w => w.ToString())];
    }
}
