using Verity.Testing;
using Verity.Testing.Registry;

namespace Verity.Registry.Tests;

/// <summary>
/// Runs the token server the harness's token-auth registry sends clients to (<c>TESTBED_TOKEN_REALM</c>), for one test
/// class: it must listen on the fixed port <c>TESTBED_TOKEN_SERVER</c>, so only one may run at a time.
/// </summary>
public sealed class TestbedTokenServerFixture : IAsyncLifetime
{
    public DistributionTokenServer Server { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Server = await DistributionTokenServer.StartForTestbedAsync(Testbed.Current);

    public async ValueTask DisposeAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
    }
}
