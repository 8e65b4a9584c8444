using Verity.Core.Validation;

namespace Verity.Validators.Tests.Cosign;

/// <summary>Assertions on validator outcomes.</summary>
internal static class Outcome
{
    public static string Trusted(ValidationOutcome outcome)
    {
        if (outcome is ValidationOutcome.Denied denied)
        {
            Assert.Fail($"expected trusted, but denied: {denied.Reason}");
        }

        var digest = Assert.IsType<ValidationOutcome.Trusted>(outcome).Digest;
        Assert.NotNull(digest);
        return digest.Value.ToString();
    }

    public static string Denied(ValidationOutcome outcome)
    {
        if (outcome is ValidationOutcome.Trusted trusted)
        {
            Assert.Fail($"expected denied, but trusted: {trusted.Digest} ({trusted.Detail})");
        }

        return Assert.IsType<ValidationOutcome.Denied>(outcome).Reason;
    }
}
