using System.Net;
using Verity.Registry.Http;

namespace Verity.Registry.Tests.Http;

public sealed class BoundedContentTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1000)]
    [InlineData(4 * 1024 * 1024)]
    public async Task ReadAsync_EndlessBody_ReadsAtMostTheLimitPlusOneByte(int limit)
    {
        var stream = new EndlessStream();
        using var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(stream, bufferSize: 1) };

        var e = await Assert.ThrowsAsync<RegistryException>(() => BoundedContent.ReadAsync(response, limit, "manifest \"x\"", Ct));

        Assert.Equal(RegistryErrorKind.TooLarge, e.Kind);
        Assert.Equal(limit + 1, stream.BytesRead);
    }

    [Fact]
    public async Task ReadAsync_DeclaredLengthOverLimit_ReadsNothing()
    {
        var stream = new EndlessStream();
        using var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(stream) };
        response.Content.Headers.ContentLength = 2000;

        await Assert.ThrowsAsync<RegistryException>(() => BoundedContent.ReadAsync(response, 1999, "manifest \"x\"", Ct));

        Assert.Equal(0, stream.BytesRead);
    }

    [Fact]
    public async Task ReadAsync_UnderstatedLength_IsStillBounded()
    {
        var stream = new EndlessStream();
        using var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(stream, bufferSize: 1) };
        response.Content.Headers.ContentLength = 10;

        await Assert.ThrowsAsync<RegistryException>(() => BoundedContent.ReadAsync(response, 100_000, "manifest \"x\"", Ct));

        Assert.Equal(100_001, stream.BytesRead);
    }

    [Fact]
    public async Task ReadAsync_BodyUnderLimit_ReturnsItExactly()
    {
        var body = new byte[70_000];
        Random.Shared.NextBytes(body);
        using var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(body) };

        var read = await BoundedContent.ReadAsync(response, 70_000, "blob", Ct);

        Assert.Equal(body, read);
    }

    /// <summary>A stream that never ends and counts what was read from it.</summary>
    private sealed class EndlessStream : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            // Hand out at most 8 KiB per read, like a socket would.
            var n = Math.Min(count, 8192);
            buffer.AsSpan(offset, n).Fill((byte)'x');
            BytesRead += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
