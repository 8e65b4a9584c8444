namespace Verity.Cluster;

/// <summary>
/// The first handler of the Kubernetes API client: reads each answer whole, within the caller's token and
/// <see cref="MaxResponseBytes"/>, before KubernetesClient sees it, and refuses redirects.
/// </summary>
/// <remarks>
/// <para>KubernetesClient deserialises a 2xx body synchronously from the network stream and reads an error body with
/// no token and no limit: a server that drips would hold a thread past every deadline, one that oversends would fill
/// the memory. Here the body is read asynchronously with the caller's token (the admission deadline) into at most
/// <see cref="MaxResponseBytes"/> + 1 bytes; a cancelled or oversized read disposes the response, which aborts the
/// exchange instead of draining it. Kubernetes objects are below etcd's 1.5 MiB request limit.</para>
/// <para>Verity makes no watch requests (their answers never end); one added later would have to bypass this
/// handler and bound its reads itself.</para>
/// <para>The primary handler has <c>AllowAutoRedirect = false</c>; an API server answering 3xx fails the call here,
/// so that the bearer token never leaves for the host a redirect names.</para>
/// </remarks>
internal sealed class BoundedKubernetesHandler : DelegatingHandler
{
    /// <summary>The largest answer read.</summary>
    public const int MaxResponseBytes = 4 << 20;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        try
        {
            var status = (int)response.StatusCode;
            if (status is >= 300 and < 400)
            {
                throw new HttpRequestException(
                    $"the API server answered HTTP {status}, a redirect, which is not followed (the request carries the service account's token)",
                    null,
                    response.StatusCode);
            }

            var body = await ReadAsync(response.Content, cancellationToken);
            var content = new ByteArrayContent(body);
            foreach (var (name, values) in response.Content.Headers)
            {
                if (!name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    content.Headers.TryAddWithoutValidation(name, values);
                }
            }

            response.Content.Dispose();
            response.Content = content;
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private static async Task<byte[]> ReadAsync(HttpContent content, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > MaxResponseBytes)
        {
            throw TooLarge();
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[(int)Math.Min(MaxResponseBytes + 1L, Math.Max(1L, content.Headers.ContentLength ?? 16 * 1024))];
        var total = 0;
        while (true)
        {
            if (total == buffer.Length)
            {
                if (total > MaxResponseBytes)
                {
                    throw TooLarge();
                }

                Array.Resize(ref buffer, (int)Math.Min(MaxResponseBytes + 1L, buffer.Length * 2L));
            }

            var read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken);
            if (read == 0)
            {
                return buffer[..total];
            }

            total += read;
        }
    }

    private static HttpRequestException TooLarge() =>
        new($"the API server's answer is larger than the limit of {MaxResponseBytes} bytes");
}
