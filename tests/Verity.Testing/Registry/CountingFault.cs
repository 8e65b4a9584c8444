using Microsoft.AspNetCore.Http;

namespace Verity.Testing.Registry;

/// <summary>A fault that handles up to a number of requests whose path contains a string, and counts them.</summary>
public sealed class CountingFault : IRegistryFault
{
    private readonly string _pathContains;
    private readonly int _times;
    private readonly Func<HttpContext, Task> _respond;
    private int _served;

    /// <summary>Creates the fault.</summary>
    public CountingFault(string pathContains, int times, Func<HttpContext, Task> respond)
    {
        _pathContains = pathContains;
        _times = times;
        _respond = respond;
    }

    /// <summary>How many requests the fault has handled.</summary>
    public int Served => Volatile.Read(ref _served);

    /// <inheritdoc/>
    public async ValueTask<bool> TryHandleAsync(HttpContext context)
    {
        if (!(context.Request.Path.Value ?? string.Empty).Contains(_pathContains, StringComparison.Ordinal))
        {
            return false;
        }

        if (Interlocked.Increment(ref _served) > _times)
        {
            Interlocked.Decrement(ref _served);
            return false;
        }

        await _respond(context);
        return true;
    }
}
