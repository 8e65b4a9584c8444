using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Verity.Admission;
using Verity.Cluster;
using Verity.Core.Cluster;
using Verity.Hosting;

namespace Verity.Fuzz.Targets;

/// <summary>
/// Verity's services as the CLI and the server register them (<c>AddVerityCore</c>), with nothing logged and the
/// cluster replaced by <c>serve --secrets-dir</c>'s file-based port on an empty folder, so no input reaches a network.
/// </summary>
internal sealed class VerityServices : IDisposable
{
    private readonly ServiceProvider _provider;
    private readonly string _folder;

    public VerityServices()
    {
        _folder = Directory.CreateTempSubdirectory("verity-fuzz-").FullName;
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddSingleton<IClusterAccess>(new DirectoryClusterAccess(_folder));
        services.AddVerityCore(new AdmissionOptions());
        _provider = services.BuildServiceProvider();
    }

    public T Get<T>()
        where T : notnull => _provider.GetRequiredService<T>();

    public void Dispose()
    {
        _provider.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
