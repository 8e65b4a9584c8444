using Microsoft.AspNetCore.Http;

namespace Verity.Testing.Registry;

/// <summary>A fault that holds requests whose path contains a string for a while, then lets the server answer them normally.</summary>
public sealed class DelayFault : IRegistryFault
{
    private readonly string _pathContains;
    private readonly TimeSpan _delay;
    private int _delayed;

    /// <summary>Creates a fault delaying requests whose path contains <paramref name="pathContains"/> by <paramref name="delay"/>.</summary>
    public DelayFault(string pathContains, TimeSpan delay)
    {
        _pathContains = pathContains;
        _delay = delay;
    }

    /// <summary>How many requests the fault has held.</summary>
    public int Delayed => Volatile.Read(ref _delayed);

    /// <inheritdoc/>
    public async ValueTask<bool> TryHandleAsync(HttpContext context)
    {
        if ((context.Request.Path.Value ?? string.Empty).Contains(_pathContains, StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _delayed);
            await Task.Delay(_delay, context.RequestAborted);
        }

        return false;
    }
}
