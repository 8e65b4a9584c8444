using Microsoft.AspNetCore.Http;

namespace Verity.Testing.Registry;

/// <summary>A misbehaviour of a <see cref="FakeRegistry"/>, consulted before every request is served normally.</summary>
public interface IRegistryFault
{
    /// <summary>Handles the request and returns true, or returns false to let the registry serve it.</summary>
    ValueTask<bool> TryHandleAsync(HttpContext context);
}
