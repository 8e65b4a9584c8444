using System.Collections.Immutable;
using Microsoft.AspNetCore.Http;

namespace Verity.Testing.Registry;

/// <summary>The injected faults of a fake server, consulted in order before normal handling.</summary>
public sealed class FaultList
{
    private readonly Lock _lock = new();
    private ImmutableArray<IRegistryFault> _faults = [];

    /// <summary>Adds a fault and returns it.</summary>
    public T Add<T>(T fault)
        where T : IRegistryFault
    {
        lock (_lock)
        {
            _faults = _faults.Add(fault);
        }

        return fault;
    }

    /// <summary>Removes all faults.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _faults = [];
        }
    }

    /// <summary>Whether a fault answered the request.</summary>
    public async Task<bool> TryHandleAsync(HttpContext context)
    {
        foreach (var fault in _faults)
        {
            if (await fault.TryHandleAsync(context))
            {
                return true;
            }
        }

        return false;
    }
}
