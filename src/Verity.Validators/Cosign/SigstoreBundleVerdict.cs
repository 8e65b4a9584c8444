namespace Verity.Validators.Cosign;

/// <summary>The result of <see cref="SigstoreBundleVerification.Verify"/>.</summary>
/// <param name="Verified">Whether the bundle verifies for the trust root over the artifact.</param>
/// <param name="Message">When verified, who signed and what vouches for the time (e.g.
/// <c>signed by https://github.com/acme/app/... (issuer https://token.actions.githubusercontent.com)</c>); otherwise why not.</param>
public sealed record SigstoreBundleVerdict(bool Verified, string Message);
