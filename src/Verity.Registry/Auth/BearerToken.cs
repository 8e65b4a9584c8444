namespace Verity.Registry.Auth;

/// <summary>A bearer token and when Verity stops using it (its expiry minus a safety margin).</summary>
internal sealed record BearerToken(string Value, DateTimeOffset UseUntil)
{
    /// <summary>The token itself is never printed.</summary>
    public override string ToString() => $"bearer token (redacted) usable until {UseUntil:O}";
}
