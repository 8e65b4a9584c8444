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
/// still get the result. A flight is forgotten as soon as it ends, so an exception reaches the waiters of that flight
/// only and is never reused; outcomes are kept by the <see cref="VerdictCache"/>, not here.
/// </remarks>
/// <param name="timeout">How long one shared verification may take.</param>
internal sealed class VerificationFlights(TimeSpan timeout)
{
    private readonly ConcurrentDictionary<VerdictKey, Task<ValidationOutcome>> _flights = new();

    /// <summary>The number of verifications in flight.</summary>
    public int Count => _flights.Count;

    /// <summary>Joins the flight of <paramref name="key"/>, or starts it with <paramref name="verify"/>.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting.</exception>
    public Task<ValidationOutcome> RunAsync(VerdictKey key, Func<CancellationToken, ValueTask<ValidationOutcome>> verify, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_flights.TryGetValue(key, out var running))
            {
                return running.WaitAsync(cancellationToken);
            }

            var start = new TaskCompletionSource<ValidationOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (!_flights.TryAdd(key, start.Task))
            {
                continue;
            }

            _ = FlyAsync(key, verify, start);
            return start.Task.WaitAsync(cancellationToken);
        }
    }

    private async Task FlyAsync(VerdictKey key, Func<CancellationToken, ValueTask<ValidationOutcome>> verify, TaskCompletionSource<ValidationOutcome> result)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            result.SetResult(await verify(deadline.Token));
        }
        catch (OperationCanceledException e) when (deadline.IsCancellationRequested)
        {
            result.SetException(new ValidationException($"the verification did not finish within {timeout.TotalSeconds:0} s", e));
        }
        catch (Exception e)
        {
            result.SetException(e);
        }
        finally
        {
            _flights.TryRemove(new KeyValuePair<VerdictKey, Task<ValidationOutcome>>(key, result.Task));
        }
    }
}
