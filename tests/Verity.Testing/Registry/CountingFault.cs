using Microsoft.AspNetCore.Http;

namespace Verity.Testing.Registry;

/// <summary>A fault that handles up to a number of requests whose path contains a string, and counts them.</summary>
public sealed class CountingFault : IRegistryFault
{
    private readonly Func<HttpContext, bool> _matches;
    private readonly int _times;
    private readonly Func<HttpContext, Task> _respond;
    private int _served;

    /// <summary>Creates a fault for requests whose path contains <paramref name="pathContains"/>.</summary>
    public CountingFault(string pathContains, int times, Func<HttpContext, Task> respond)
        : this(context => (context.Request.Path.Value ?? string.Empty).Contains(pathContains, StringComparison.Ordinal), times, respond)
    {
    }

    /// <summary>Creates a fault for requests <paramref name="matches"/> accepts.</summary>
    public CountingFault(Func<HttpContext, bool> matches, int times, Func<HttpContext, Task> respond)
    {
        _matches = matches;
        _times = times;
        _respond = respond;
    }

    /// <summary>How many requests the fault has handled.</summary>
    public int Served => Volatile.Read(ref _served);

    /// <inheritdoc/>
    public async ValueTask<bool> TryHandleAsync(HttpContext context)
    {
        if (!_matches(context))
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
