using System.Net.Http.Headers;
using Verity.Registry.Http;

namespace Verity.Registry.Tests.Http;

public sealed class RetryDelayTests
{
    [Theory]
    [InlineData(1, 100, 200)]
    [InlineData(2, 200, 400)]
    [InlineData(3, 400, 800)]
    [InlineData(10, 1000, 2000)]
    public void Backoff_DoublesWithJitterUpToTheCap(int attempt, int minMs, int maxMs)
    {
        for (var i = 0; i < 50; i++)
        {
            var delay = RetryDelay.Backoff(attempt, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(2));

            Assert.InRange(delay.TotalMilliseconds, minMs, maxMs);
        }
    }

    [Fact]
    public void FromRetryAfter_Seconds_IsTheDelta()
    {
        Assert.Equal(TimeSpan.FromSeconds(3), RetryDelay.FromRetryAfter(new RetryConditionHeaderValue(TimeSpan.FromSeconds(3)), DateTimeOffset.UnixEpoch));
    }

    [Fact]
    public void FromRetryAfter_HttpDate_IsTheTimeUntilThen()
    {
        var now = new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

        Assert.Equal(TimeSpan.FromSeconds(90), RetryDelay.FromRetryAfter(new RetryConditionHeaderValue(now.AddSeconds(90)), now));
        Assert.Equal(TimeSpan.Zero, RetryDelay.FromRetryAfter(new RetryConditionHeaderValue(now.AddSeconds(-5)), now));
    }

    [Fact]
    public void FromRetryAfter_Absent_IsNull()
    {
        Assert.Null(RetryDelay.FromRetryAfter(null, DateTimeOffset.UnixEpoch));
    }
}
