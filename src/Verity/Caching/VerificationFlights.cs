using System.Collections.Concurrent;
using Verity.Core.Validation;

namespace Verity.Caching;

/// <summary>
/// Coalesces identical concurrent verifications (same <see cref="VerdictKey"/>) into one per process: the Pods of a
/// scaled-up Deployment arriving at once cost one validation, not one each.
/// </summary>
/// <remarks>
/// The shared verification runs under its own deadline (<paramref name="timeout"/>, the admission deadline), not under any one
/// waiter's: a waiter that gives up (its request's deadline, a closed connection) stops waiting, and the others
/// still get the result. Only when every waiter has given up is the verification cancelled (nobody is left to use it), and
/// a later request starts a new one. A flight is forgotten as soon as it ends, so an exception reaches the waiters of that
/// flight only and is never reused; outcomes are kept by the <see cref="VerdictCache"/>, not here.
/// </remarks>
/// <param name="timeout">How long one shared verification may take.</param>
internal sealed class VerificationFlights(TimeSpan timeout)
{
    private readonly ConcurrentDictionary<VerdictKey, Flight> _flights = new();

    /// <summary>The number of verifications in flight.</summary>
    public int Count => _flights.Count;

    /// <summary>Joins the flight of <paramref name="key"/>, or starts it with <paramref name="verify"/>.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting.</exception>
    public async Task<ValidationOutcome> RunAsync(VerdictKey key, Func<CancellationToken, ValueTask<ValidationOutcome>> verify, CancellationToken cancellationToken)
    {
        Flight flight;
        while (true)
        {
            if (_flights.TryGetValue(key, out var running))
            {
                if (running.TryJoin())
                {
                    flight = running;
                    break;
                }

                // Abandoned by all its waiters and being cancelled: it is removed, a new one starts below.
                _flights.TryRemove(new KeyValuePair<VerdictKey, Flight>(key, running));
                continue;
            }

            var started = new Flight(timeout);
            if (_flights.TryAdd(key, started))
            {
                started.TryJoin();
                flight = started;
                _ = FlyAsync(key, started, verify);
                break;
            }

            started.Dispose();
        }

        try
        {
            return await flight.Result.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            if (flight.Leave())
            {
                _flights.TryRemove(new KeyValuePair<VerdictKey, Flight>(key, flight));
            }

            throw;
        }
    }

    private async Task FlyAsync(VerdictKey key, Flight flight, Func<CancellationToken, ValueTask<ValidationOutcome>> verify)
    {
        try
        {
            flight.Complete(await verify(flight.Token));
        }
        catch (OperationCanceledException e) when (flight.Token.IsCancellationRequested)
        {
            if (flight.Abandoned)
            {
                // Nobody waits any more: a cancelled task, which nobody needs to observe.
                flight.Cancel();
            }
            else
            {
                flight.Fail(new ValidationException($"the verification did not finish within {timeout.TotalSeconds:0} s", e));
            }
        }
        catch (Exception e)
        {
            flight.Fail(e);
        }
        finally
        {
            _flights.TryRemove(new KeyValuePair<VerdictKey, Flight>(key, flight));
            flight.Dispose();
        }
    }

    /// <summary>One shared verification: its result, its own deadline, and how many requests wait for it.</summary>
    private sealed class Flight : IDisposable
    {
        private readonly TaskCompletionSource<ValidationOutcome> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly CancellationTokenSource _cancellation;
        private readonly Lock _lock = new();
        private int _waiters;
        private bool _abandoned;
        private bool _disposed;

        public Flight(TimeSpan timeout)
        {
            _cancellation = new CancellationTokenSource(timeout);
            Token = _cancellation.Token;
        }

        public Task<ValidationOutcome> Result => _result.Task;

        public CancellationToken Token { get; }

        /// <summary>Whether every waiter gave up before it ended.</summary>
        public bool Abandoned
        {
            get
            {
                lock (_lock)
                {
                    return _abandoned;
                }
            }
        }

        public bool TryJoin()
        {
            lock (_lock)
            {
                if (_abandoned)
                {
                    return false;
                }

                _waiters++;
                return true;
            }
        }

        /// <summary>One waiter gave up; true (and the verification is cancelled) when it was the last and the flight
        /// has not ended.</summary>
        public bool Leave()
        {
            lock (_lock)
            {
                if (--_waiters > 0 || _result.Task.IsCompleted || _disposed)
                {
                    return false;
                }

                _abandoned = true;
            }

            // Outside the lock: cancellation runs the validator's callbacks, and the flight may end (and be disposed) meanwhile.
            try
            {
                _cancellation.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }

            return true;
        }

        public void Complete(ValidationOutcome outcome) => _result.TrySetResult(outcome);

        public void Fail(Exception e) => _result.TrySetException(e);

        public void Cancel() => _result.TrySetCanceled(Token);

        public void Dispose()
        {
            lock (_lock)
            {
                if (!_disposed)
                {
                    _disposed = true;
                    _cancellation.Dispose();
                }
            }
        }
    }
}
