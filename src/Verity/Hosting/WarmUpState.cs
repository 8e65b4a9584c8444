namespace Verity.Hosting;

/// <summary>Whether the start-up warm-up (<see cref="StartupWarmUp"/>) has finished: <c>GET /ready</c> answers 503 until it has.</summary>
internal sealed class WarmUpState
{
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>True once the warm-up finished (successfully or not: a failed step never holds readiness back).</summary>
    public bool IsDone => _done.Task.IsCompleted;

    /// <summary>Completes when the warm-up has finished.</summary>
    public Task Done => _done.Task;

    /// <summary>Marks the warm-up finished.</summary>
    public void Complete() => _done.TrySetResult();
}
