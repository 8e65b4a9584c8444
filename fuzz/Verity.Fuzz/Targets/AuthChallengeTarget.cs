using Verity.Registry.Auth;

namespace Verity.Fuzz.Targets;

/// <summary>
/// The <c>WWW-Authenticate</c> headers of a registry's or Notary server's 401 answer (one header per line), as the
/// registry client reads them before it asks a token endpoint for a token.
/// </summary>
internal sealed class AuthChallengeTarget : FuzzTarget
{
    public override string Name => "auth-challenge";

    public override string EntryPoint => "AuthChallenge.TryParse (after HttpClient's own header parsing)";

    public override string Outcomes => "true with a challenge, or false with an error";

    public override string Dictionary => "auth-challenge";

    public override void Run(ReadOnlySpan<byte> input)
    {
        using var response = new HttpResponseMessage(System.Net.HttpStatusCode.Unauthorized);
        foreach (var line in FuzzInput.Text(input).Split('\n'))
        {
            response.Headers.TryAddWithoutValidation("WWW-Authenticate", line);
        }

        if (!AuthChallenge.TryParse(response.Headers.WwwAuthenticate, out _, out var error, out _) && string.IsNullOrEmpty(error))
        {
            throw new FuzzInvariantException("TryParse failed without an error message");
        }
    }
}
