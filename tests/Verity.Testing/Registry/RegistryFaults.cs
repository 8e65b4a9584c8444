using System.Text;
using Microsoft.AspNetCore.Http;

namespace Verity.Testing.Registry;

/// <summary>Ready-made faults for <see cref="FakeRegistry.AddFault"/>.</summary>
public static class RegistryFaults
{
    /// <summary>Never answers requests whose path contains <paramref name="pathContains"/> (until the client gives up).</summary>
    public static CountingFault Stall(string pathContains = "/v2/")
    {
        return new CountingFault(pathContains, int.MaxValue, async context =>
        {
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
            }
        });
    }

    /// <summary>Holds requests whose path contains <paramref name="pathContains"/> for <paramref name="delay"/>, then serves them normally.</summary>
    public static DelayFault Delay(TimeSpan delay, string pathContains = "/v2/") => new(pathContains, delay);

    /// <summary>Answers <paramref name="status"/> (with <c>Retry-After</c> if given) to the first <paramref name="times"/> matching requests.</summary>
    public static CountingFault Status(int status, int times, string? retryAfter = null, string pathContains = "/v2/")
    {
        return new CountingFault(pathContains, times, async context =>
        {
            context.Response.StatusCode = status;
            if (retryAfter is not null)
            {
                context.Response.Headers.RetryAfter = retryAfter;
            }

            await context.Response.WriteAsync("{\"errors\":[{\"code\":\"UNAVAILABLE\",\"message\":\"injected fault\"}]}");
        });
    }

    /// <summary>Answers 401 with the given <c>WWW-Authenticate</c> (none if null) to matching requests.</summary>
    public static CountingFault Challenge(string? wwwAuthenticate, string pathContains = "/v2/")
    {
        return new CountingFault(pathContains, int.MaxValue, async context =>
        {
            context.Response.StatusCode = 401;
            if (wwwAuthenticate is not null)
            {
                context.Response.Headers.WWWAuthenticate = wwwAuthenticate;
            }

            await context.Response.WriteAsync("{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}");
        });
    }

    /// <summary>Redirects matching requests (<paramref name="status"/>) to the same path below <paramref name="target"/>.</summary>
    public static CountingFault Redirect(Uri target, string pathContains, int status = 307)
    {
        return new CountingFault(pathContains, int.MaxValue, context =>
        {
            context.Response.StatusCode = status;
            context.Response.Headers.Location = new Uri(target, context.Request.Path.Value!.TrimStart('/') + context.Request.QueryString).AbsoluteUri;
            return Task.CompletedTask;
        });
    }

    /// <summary>Answers matching requests with 200 and <paramref name="totalBytes"/> of body, declared in <c>Content-Length</c> or chunked.</summary>
    public static OversizedBodyFault OversizedBody(long totalBytes, bool declareLength, string pathContains = "/manifests/")
    {
        return new OversizedBodyFault(totalBytes, declareLength, pathContains);
    }

    /// <summary>
    /// Answers matching requests with 200 and a body that never ends: one byte every <paramref name="interval"/>
    /// (a server that drips, so every read makes progress and only a deadline on the whole exchange stops it).
    /// </summary>
    public static CountingFault Drip(TimeSpan interval, string pathContains = "/v2/")
    {
        return new CountingFault(pathContains, int.MaxValue, async context =>
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/vnd.oci.image.manifest.v1+json";
            try
            {
                await context.Response.Body.WriteAsync("{"u8.ToArray(), context.RequestAborted);
                while (!context.RequestAborted.IsCancellationRequested)
                {
                    await context.Response.Body.FlushAsync(context.RequestAborted);
                    await Task.Delay(interval, context.RequestAborted);
                    await context.Response.Body.WriteAsync(" "u8.ToArray(), context.RequestAborted);
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (IOException)
            {
            }
        });
    }

    /// <summary>Answers matching requests with 200, <paramref name="contentType"/> and bytes that are no document at all.</summary>
    public static CountingFault Garbage(string pathContains = "/v2/", string contentType = "application/vnd.oci.image.manifest.v1+json")
    {
        return new CountingFault(pathContains, int.MaxValue, async context =>
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = contentType;
            await context.Response.Body.WriteAsync((byte[])[0x00, 0xff, (byte)'{', (byte)'{', (byte)' ', (byte)'<', (byte)'h', (byte)'t', (byte)'m', (byte)'l', 0xed, 0xa0, 0x80, 0xfe]);
        });
    }

    /// <summary>Writes a distribution error document.</summary>
    internal static Task WriteErrorAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync($"{{\"errors\":[{{\"code\":\"{code}\",\"message\":\"{message}\"}}]}}", Encoding.UTF8);
    }
}
