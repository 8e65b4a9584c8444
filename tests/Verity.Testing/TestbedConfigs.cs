namespace Verity.Testing;

/// <summary>Verity configurations (YAML) that use the test bed's servers.</summary>
public static class TestbedConfigs
{
    /// <summary>
    /// A notaryv1 validator <c>testbed-notary</c> for the test bed's Notary server (its CA as <c>cert</c>, its root key as
    /// trust root <c>default</c>) for <c>&lt;TESTBED_REGISTRY&gt;/test/*</c>, and a static deny for every other image.
    /// </summary>
    /// <param name="notaryHost">Another Notary server URL (a fault server, a closed port), or null for the test bed's.</param>
    /// <param name="caPem">The CA certificate(s) that server's TLS certificate chains to, or null for the test bed's CA.</param>
    public static string NotaryV1(string? notaryHost = null, string? caPem = null)
    {
        var bed = Testbed.Current;
        return $"""
            application:
              validators:
                - name: deny
                  type: static
                  approve: false
                - name: testbed-notary
                  type: notaryv1
                  host: {notaryHost ?? bed["TESTBED_NOTARY_URL"]}
                  cert: |
            {Indent(caPem ?? bed.ReadFile("TESTBED_CA_CERT"), 8)}
                  trustRoots:
                    - name: default
                      key: |
            {Indent(bed.ReadFile("TESTBED_NOTARY_ROOT_PUB_PEM"), 12)}
              policy:
                - pattern: "*:*"
                  validator: deny
                - pattern: "{bed["TESTBED_REGISTRY"]}/test/*"
                  validator: testbed-notary
              logFormat: json
            """;
    }

    private static string Indent(string text, int spaces)
    {
        var pad = new string(' ', spaces);
        return string.Join('\n', text.Trim().Split('\n').Select(line => pad + line.TrimEnd('\r')));
    }
}
