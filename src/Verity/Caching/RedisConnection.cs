using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using StackExchange.Redis;
using Verity.Logging;

namespace Verity.Caching;

/// <summary>
/// The one connection to the shared cache's Redis server, and the rule every use of it follows: an operation that cannot
/// be done (not connected, an error, slower than <see cref="RedisOptions.OperationTimeout"/>) gives the caller's
/// fallback (a miss), marks the cache degraded and is logged once; it never reaches a verdict.
/// </summary>
/// <remarks>
/// <para>Nothing is done in the constructor: the host connects at start (<see cref="ConnectAsync"/>); an operation before
/// that connects first. The multiplexer reconnects in the background; commands fail fast while it is disconnected
/// (<see cref="BacklogPolicy.FailFast"/>) instead of queueing into the admission deadline, and after an operation failed on
/// a connection that still looks up (a stalled server), the cache is left alone for <see cref="RedisOptions.RetryAfter"/>.</para>
/// <para>With <see cref="RedisOptions.CaFile"/> the connection is TLS, and the server's certificate must chain to the
/// certificates in that file (the only roots trusted, as Connaisseur pins its Redis certificate) and name the host.</para>
/// </remarks>
internal sealed class RedisConnection : IHostedService, IAsyncDisposable, IDisposable
{
    private readonly RedisOptions _options;
    private readonly SharedCacheHealth _health;
    private readonly TimeProvider _time;
    private readonly ILogger<RedisConnection> _logger;
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private ConnectionMultiplexer? _multiplexer;
    private long _pausedUntil;
    private bool _disposed;
    private int _disposeCalls;

    public RedisConnection(RedisOptions options, SharedCacheHealth health, TimeProvider time, ILogger<RedisConnection> logger)
    {
        _options = options;
        _health = health;
        _time = time;
        _logger = logger;
    }

    /// <summary>The options.</summary>
    public RedisOptions Options => _options;

    /// <summary>Connects (once); the cache stays degraded if the server cannot be reached, and the multiplexer keeps
    /// trying in the background.</summary>
    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        if (_multiplexer is not null)
        {
            return;
        }

        await _connecting.WaitAsync(cancellationToken);
        try
        {
            if (_multiplexer is not null || _disposed)
            {
                return;
            }

            var configuration = Configure();
            var multiplexer = await ConnectionMultiplexer.ConnectAsync(configuration, TextWriter.Null).WaitAsync(cancellationToken);
            multiplexer.ConnectionFailed += (_, e) => Degrade($"{e.FailureType}: {e.Exception?.Message ?? "connection lost"}");
            multiplexer.ConnectionRestored += (_, _) => Restore();
            _multiplexer = multiplexer;
            if (multiplexer.IsConnected)
            {
                Restore();
            }
            else
            {
                Degrade("cannot connect");
            }
        }
        finally
        {
            _connecting.Release();
        }
    }

    /// <summary>Connects before the server takes requests, so the first ones can already share verdicts; a server that cannot
    /// be reached delays the start by at most <see cref="RedisOptions.ConnectTimeout"/>, and never stops it.</summary>
    async Task IHostedService.StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ConnectAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
        {
            Degrade(e.Message);
        }
    }

    Task IHostedService.StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs <paramref name="operation"/> against the database, or gives <paramref name="fallback"/> when the cache
    /// cannot be used; only the caller's cancellation is thrown.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async ValueTask<T> RunAsync<T>(Func<IDatabase, Task<T>> operation, T fallback, CancellationToken cancellationToken)
    {
        if (_time.GetUtcNow().UtcTicks < Interlocked.Read(ref _pausedUntil))
        {
            return fallback;
        }

        try
        {
            await ConnectAsync(cancellationToken);
            var multiplexer = _multiplexer;
            if (multiplexer is null || !multiplexer.IsConnected)
            {
                Degrade("not connected");
                return fallback;
            }

            var result = await operation(multiplexer.GetDatabase()).WaitAsync(_options.OperationTimeout, _time, cancellationToken);
            Restore();
            return result;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (RedisServerException e)
        {
            // The server answered, with an error about this one key (say, a key of another type): a miss, the cache is fine.
            Log.SharedCacheValueUnreadable(_logger, "(one operation)", e.Message);
            return fallback;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Whatever went wrong (unreachable, refused AUTH, bad CA file, a stalled server) is a miss, never a verdict.
            Interlocked.Exchange(ref _pausedUntil, (_time.GetUtcNow() + _options.RetryAfter).UtcTicks);
            Degrade(e is TimeoutException ? $"no answer within {_options.OperationTimeout.TotalMilliseconds:0} ms" : e.Message);
            return fallback;
        }
    }

    /// <summary>Closes the connection; safe to call more than once (the container and the host both may).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposeCalls, 1) != 0)
        {
            return;
        }

        // The semaphore is left undisposed: it never allocates a wait handle, and a late ConnectAsync must not throw.
        await _connecting.WaitAsync();
        try
        {
            _disposed = true;
            if (_multiplexer is { } multiplexer)
            {
                _multiplexer = null;
                await multiplexer.CloseAsync(allowCommandsToComplete: false);
                await multiplexer.DisposeAsync();
            }
        }
        finally
        {
            _connecting.Release();
        }
    }

    /// <summary>Closes the connection at once (a container disposed synchronously); safe to call more than once.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposeCalls, 1) != 0)
        {
            return;
        }

        _disposed = true;
        var multiplexer = Interlocked.Exchange(ref _multiplexer, null);
        multiplexer?.Dispose();
    }

    private void Degrade(string reason)
    {
        if (_health.MarkDegraded(reason))
        {
            Log.SharedCacheUnavailable(_logger, _options.Server, reason);
        }
    }

    private void Restore()
    {
        Interlocked.Exchange(ref _pausedUntil, 0);
        if (_health.MarkHealthy())
        {
            Log.SharedCacheRestored(_logger, _options.Server);
        }
    }

    private ConfigurationOptions Configure()
    {
        var configuration = new ConfigurationOptions
        {
            EndPoints = { { _options.Host, _options.Port } },
            Password = string.IsNullOrEmpty(_options.Password) ? null : _options.Password,
            AbortOnConnectFail = false,
            BacklogPolicy = BacklogPolicy.FailFast,
            ConnectTimeout = (int)_options.ConnectTimeout.TotalMilliseconds,
            ConnectRetry = 1,
            AsyncTimeout = (int)Math.Max(1000, _options.OperationTimeout.TotalMilliseconds * 2),
            SyncTimeout = (int)Math.Max(1000, _options.OperationTimeout.TotalMilliseconds * 2),
            KeepAlive = 10,
            ReconnectRetryPolicy = new LinearRetry(1000),
            ClientName = "verity",
            // No CLIENT, CONFIG, INFO or cluster commands beyond what connecting needs; Connaisseur's Redis renames
            // FLUSHALL and FLUSHDB away and Verity uses neither.
            CommandMap = CommandMap.Create(new HashSet<string> { "FLUSHALL", "FLUSHDB", "KEYS" }, available: false),
        };
        if (_options.CaFile is { Length: > 0 } caFile)
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(caFile);
            configuration.Ssl = true;
            configuration.SslHost = _options.Host;
            configuration.SslProtocols = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13;
            configuration.CertificateValidation += (_, certificate, _, errors) => IsTrusted(certificate, errors, roots);
        }

        return configuration;
    }

    /// <summary>The server's certificate must name the host and chain to one of <paramref name="roots"/>, and only those.</summary>
    internal static bool IsTrusted(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2Collection roots)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return false;
        }

        using var presented = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        try
        {
            return chain.Build(presented);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
