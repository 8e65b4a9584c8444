using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using static Verity.Tests.Admission.AdmissionRequests;

namespace Verity.Tests.Admission;

/// <summary>
/// A validator that cannot get or check its evidence (a server down) is an expected event: one warning line naming the
/// image and the cause, the stack trace only at Debug. A defect (any other exception) is logged as an error with its
/// stack trace. Either way the image is denied.
/// </summary>
public sealed class ValidatorFailureLoggingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ServerUnreachable_OneWarningLineNamingTheCause_NoStackTrace()
    {
        var (fixture, logs) = Start(LogLevel.Information);

        var response = await Decide(fixture, Pod("unavailable"));

        Assert.False(response["allowed"]!.GetValue<bool>());
        var entry = Assert.Single(logs, e => e.Message.StartsWith("validator mock", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, entry.Level);
        Assert.Null(entry.Exception);
        Assert.Equal("validator mock (mock) could not validate image unavailable: registry r.example could not be reached: Connection refused", entry.Message);
        Assert.DoesNotContain('\n', entry.Message);
    }

    [Fact]
    public async Task ServerUnreachable_AtDebug_TheStackTraceIsThere()
    {
        var (fixture, logs) = Start(LogLevel.Debug);

        await Decide(fixture, Pod("unavailable"));

        Assert.Contains(logs, e => e.Level == LogLevel.Debug && e.Exception is Verity.Core.Validation.ValidationException);
    }

    [Fact]
    public async Task InternalError_LoggedAsAnErrorWithTheException_DeniedWithoutTheDetail()
    {
        var (fixture, logs) = Start(LogLevel.Information);

        var response = await Decide(fixture, Pod("throws"));

        Assert.False(response["allowed"]!.GetValue<bool>());
        Assert.DoesNotContain("secret internal detail", response.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains(logs, e => e.Level == LogLevel.Error && e.Exception is InvalidOperationException);
    }

    private static (AdmissionFixture Fixture, ConcurrentQueue<Entry> Logs) Start(LogLevel minimum)
    {
        var logs = new ConcurrentQueue<Entry>();
        var fixture = new AdmissionFixture(MockConfig.WithFeatures(), configure: services =>
        {
            services.Replace(ServiceDescriptor.Singleton<ILoggerFactory>(new LoggerFactory([new Provider(logs)], new LoggerFilterOptions { MinLevel = minimum })));
            services.Replace(ServiceDescriptor.Singleton(typeof(ILogger<>), typeof(Logger<>)));
        });
        return (fixture, logs);
    }

    private static async Task<JsonNode> Decide(AdmissionFixture fixture, JsonNode review)
    {
        var result = await fixture.Handler.HandleAsync(Encoding.UTF8.GetBytes(review.ToJsonString()), null, Ct);
        return JsonNode.Parse(result.Body)!["response"]!;
    }

    private sealed record Entry(LogLevel Level, string Message, Exception? Exception);

    private sealed class Provider(ConcurrentQueue<Entry> entries) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(entries);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<Entry> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                entries.Enqueue(new Entry(logLevel, formatter(state, exception), exception));
        }
    }
}
