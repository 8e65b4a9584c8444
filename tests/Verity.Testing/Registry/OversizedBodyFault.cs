using Microsoft.AspNetCore.Http;

namespace Verity.Testing.Registry;

/// <summary>Streams a huge body and records how much of it the client took before closing the connection.</summary>
public sealed class OversizedBodyFault : IRegistryFault
{
    private readonly long _totalBytes;
    private readonly bool _declareLength;
    private readonly string _pathContains;
    private long _written;
    private int _aborted;
    private int _completed;

    internal OversizedBodyFault(long totalBytes, bool declareLength, string pathContains)
    {
        _totalBytes = totalBytes;
        _declareLength = declareLength;
        _pathContains = pathContains;
    }

    /// <summary>
    /// Bytes handed to Kestrel, over all requests. Not what the client read: Kestrel discards writes to a connection the client closed
    /// until it notices, so this can run far past the client's limit.
    /// </summary>
    public long BytesWritten => Interlocked.Read(ref _written);

    /// <summary>Whether the client aborted the response.</summary>
    public bool Aborted => Volatile.Read(ref _aborted) == 1;

    /// <summary>Whether the whole body was written and the client kept the connection open afterwards.</summary>
    public bool Completed => Volatile.Read(ref _completed) == 1;

    /// <inheritdoc/>
    public async ValueTask<bool> TryHandleAsync(HttpContext context)
    {
        if (!(context.Request.Path.Value ?? string.Empty).Contains(_pathContains, StringComparison.Ordinal))
        {
            return false;
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/vnd.oci.image.manifest.v1+json";
        if (_declareLength)
        {
            context.Response.ContentLength = _totalBytes;
        }

        if (HttpMethods.IsHead(context.Request.Method))
        {
            return true;
        }

        var chunk = new byte[64 * 1024];
        Array.Fill(chunk, (byte)' ');
        try
        {
            // Kestrel may discard writes to a connection the client closed without failing them: watch RequestAborted.
            // Every request gets the whole body (a retry or a later review must see the same oversized answer).
            long sent = 0;
            while (sent < _totalBytes && !context.RequestAborted.IsCancellationRequested)
            {
                var size = (int)Math.Min(chunk.Length, _totalBytes - sent);
                await context.Response.Body.WriteAsync(chunk.AsMemory(0, size), context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                sent += size;
                Interlocked.Add(ref _written, size);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
        }

        if (!context.RequestAborted.IsCancellationRequested)
        {
            // Everything was "written", but possibly into a connection the client already closed: give Kestrel time to notice.
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(3), context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
            }
        }

        Volatile.Write(ref context.RequestAborted.IsCancellationRequested ? ref _aborted : ref _completed, 1);
        return true;
    }
}
