namespace Verity.Tests.Faults;

/// <summary>Counts this machine's open TCP connections to a loopback port, for the socket-leak checks of the fault tests.</summary>
internal static class OpenConnections
{
    /// <summary>TCP connections of this machine to 127.0.0.1:<paramref name="port"/> that are not closed or in TIME_WAIT.</summary>
    public static int To(int port)
    {
        var hex = port.ToString("X4", System.Globalization.CultureInfo.InvariantCulture);
        return new[] { "/proc/net/tcp", "/proc/net/tcp6" }
            .Where(File.Exists)
            .SelectMany(File.ReadLines)
            .Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Count(fields => fields.Length > 3 && fields[2].EndsWith(":" + hex, StringComparison.Ordinal) && fields[3] is not "06" and not "07" and not "0A");
    }

    /// <summary>
    /// Asserts that no more connections to <paramref name="port"/> are open than <paramref name="baseline"/> (plus one
    /// that may be mid-close), waiting up to 5 s for connections being torn down: a leak stays, a close completes.
    /// </summary>
    public static async Task AssertNoMoreThanAsync(int port, int baseline, string when)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (To(port) > baseline + 1 && DateTime.UtcNow < until)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.True(To(port) <= baseline + 1, $"connections to port {port} grew from {baseline} to {To(port)} {when}");
    }
}
