namespace Verity.Tests.Admission;

/// <summary>
/// A configuration for webhook tests: every image goes to the mock validator (alice's image trusted, busybox
/// denied), and <c>my.reg/deny-me:*</c> to a static deny.
/// </summary>
internal static class MockConfig
{
    /// <summary>The configuration with <paramref name="features"/> (indented by two spaces) under <c>features:</c>.</summary>
    public static string WithFeatures(string features = "") => $"""
        validators:
          - name: mock
            type: static
            approve: false
          - name: deny
            type: static
            approve: false
        policy:
          - pattern: "*:*"
            validator: mock
          - pattern: "my.reg/deny-me:*"
            validator: deny
        features:
        {features}
        """;
}
