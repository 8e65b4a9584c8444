namespace Verity.Registry.Http;

/// <summary>Reads a response body into memory without ever holding more than the limit plus one byte.</summary>
/// <remarks>
/// A declared <c>Content-Length</c> above the limit fails before any byte is read. Otherwise the body is read as a
/// stream into a buffer that grows up to <c>limit + 1</c> bytes; reaching that size proves the body is too large and
/// the read stops there. The caller then disposes the response, which aborts the connection rather than draining it.
/// </remarks>
internal static class BoundedContent
{
    private const int InitialBuffer = 16 * 1024;

    /// <summary>Reads the body.</summary>
    /// <exception cref="RegistryException"><see cref="RegistryErrorKind.TooLarge"/>, naming <paramref name="subject"/>.</exception>
    public static async Task<byte[]> ReadAsync(HttpResponseMessage response, long limit, string subject, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(limit, (long)Array.MaxLength);
        var declared = response.Content.Headers.ContentLength;
        if (declared > limit)
        {
            throw TooLarge(subject, limit, declared);
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[(int)Math.Max(1, Math.Min(limit + 1, declared ?? InitialBuffer))];
        var total = 0;
        while (true)
        {
            if (total == buffer.Length)
            {
                if (total > limit)
                {
                    throw TooLarge(subject, limit, declared: null);
                }

                Array.Resize(ref buffer, (int)Math.Min(limit + 1, (long)buffer.Length * 2));
            }

            var read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        if (total > limit)
        {
            throw TooLarge(subject, limit, declared: null);
        }

        return total == buffer.Length ? buffer : buffer[..total];
    }

    /// <summary>Reads at most <paramref name="limit"/> bytes, silently ignoring the rest (for error bodies).</summary>
    public static async Task<byte[]> ReadPrefixAsync(HttpResponseMessage response, int limit, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[limit];
        var total = 0;
        while (total < limit)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return buffer[..total];
    }

    private static RegistryException TooLarge(string subject, long limit, long? declared)
    {
        var size = declared is { } d ? $" ({d} bytes)" : string.Empty;
        return new RegistryException(RegistryErrorKind.TooLarge, $"{subject} is larger than the limit of {limit} bytes{size}");
    }
}
