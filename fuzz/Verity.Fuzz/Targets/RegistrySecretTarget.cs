using Verity.Registry.Auth;

namespace Verity.Fuzz.Targets;

/// <summary>
/// The registry credentials of a Kubernetes secret (read per request through the cluster port): the input is read both
/// as Connaisseur's <c>secret.yaml</c> and as a Docker <c>config.json</c> / <c>.dockercfg</c>.
/// </summary>
internal sealed class RegistrySecretTarget : FuzzTarget
{
    public override string Name => "registry-secret";

    public override string EntryPoint => "RegistryCredentialStore.FromConnaisseurSecret, RegistryCredentialStore.FromDockerConfig";

    public override string Outcomes => "a credential store, or a FormatException";

    public override string Dictionary => "registry-secret";

    public override void Run(ReadOnlySpan<byte> input)
    {
        try
        {
            RegistryCredentialStore.FromConnaisseurSecret(FuzzInput.Text(input), "registry.example");
        }
        catch (FormatException)
        {
        }

        try
        {
            RegistryCredentialStore.FromDockerConfig(input);
        }
        catch (FormatException)
        {
        }
    }
}
