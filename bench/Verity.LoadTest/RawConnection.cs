using System.Buffers.Text;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

/// <summary>
/// One keep-alive HTTP/1.1 connection over TLS that sends prepared request bytes and reads the answer with as little
/// work as an HTTP client can do (status line, <c>Content-Length</c>, body): the load generator's own share of the two
/// cores stays small, so more of them is left to the server under test. For answers with a <c>Content-Length</c> only
/// (every endpoint of Verity's sets it); anything else is counted as an error.
/// </summary>
internal sealed class RawConnection : IAsyncDisposable
{
    private static readonly byte[] HeaderEnd = "\r\n\r\n"u8.ToArray();
    private static readonly byte[] ContentLength = "\r\ncontent-length:"u8.ToArray();

    private readonly TcpClient _tcp;
    private readonly SslStream _tls;
    private byte[] _buffer = new byte[16 * 1024];

    private RawConnection(TcpClient tcp, SslStream tls)
    {
        _tcp = tcp;
        _tls = tls;
    }

    /// <summary>The hash of the certificate the server presented.</summary>
    public string? CertificateHash => _tls.RemoteCertificate?.GetCertHashString();

    /// <summary>Connects to <paramref name="server"/>, trusting the certificate it presents if <paramref name="pin"/> is
    /// null or has the same hash.</summary>
    public static async Task<RawConnection> OpenAsync(Uri server, string? pin)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(server.Host, server.Port);
        var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, certificate, _, _) => pin is null || certificate?.GetCertHashString() == pin);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = server.Host });
        return new RawConnection(tcp, tls);
    }

    /// <summary>The bytes of a request to <paramref name="path"/> on <paramref name="server"/>: a GET without
    /// <paramref name="body"/>, else a POST of JSON.</summary>
    public static byte[] Request(Uri server, string path, byte[]? body)
    {
        var head = body is null
            ? $"GET {path} HTTP/1.1\r\nHost: {server.Authority}\r\n\r\n"
            : $"POST {path} HTTP/1.1\r\nHost: {server.Authority}\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n";
        return [.. Encoding.ASCII.GetBytes(head), .. body ?? []];
    }

    /// <summary>Sends <paramref name="request"/> and returns the status and the body (valid until the next call).</summary>
    public async Task<(int Status, ReadOnlyMemory<byte> Body)> SendAsync(byte[] request)
    {
        await _tls.WriteAsync(request);
        int filled = 0;
        int headerEnd;
        while ((headerEnd = _buffer.AsSpan(0, filled).IndexOf(HeaderEnd)) < 0)
        {
            filled += await ReadMoreAsync(filled);
        }

        var head = _buffer.AsSpan(0, headerEnd);
        if (head.Length < 12 || !Utf8Parser.TryParse(head[9..12], out int status, out _))
        {
            throw new IOException("not an HTTP/1.1 status line");
        }

        int at = IndexOfIgnoringCase(head, ContentLength);
        if (at < 0)
        {
            throw new IOException("the answer has no Content-Length");
        }

        var value = head[(at + ContentLength.Length)..].TrimStart((byte)' ');
        if (!Utf8Parser.TryParse(value, out int length, out _))
        {
            throw new IOException("the answer's Content-Length is not a number");
        }

        int total = headerEnd + HeaderEnd.Length + length;
        if (total > _buffer.Length)
        {
            Array.Resize(ref _buffer, total);
        }

        while (filled < total)
        {
            filled += await ReadMoreAsync(filled);
        }

        return (status, _buffer.AsMemory(headerEnd + HeaderEnd.Length, length));
    }

    public async ValueTask DisposeAsync()
    {
        await _tls.DisposeAsync();
        _tcp.Dispose();
    }

    private async Task<int> ReadMoreAsync(int filled)
    {
        if (filled == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        int read = await _tls.ReadAsync(_buffer.AsMemory(filled));
        return read > 0 ? read : throw new IOException("the server closed the connection");
    }

    private static int IndexOfIgnoringCase(ReadOnlySpan<byte> text, ReadOnlySpan<byte> lowerCaseNeedle)
    {
        for (int i = 0; i + lowerCaseNeedle.Length <= text.Length; i++)
        {
            if (Ascii.EqualsIgnoreCase(text.Slice(i, lowerCaseNeedle.Length), lowerCaseNeedle))
            {
                return i;
            }
        }

        return -1;
    }
}
