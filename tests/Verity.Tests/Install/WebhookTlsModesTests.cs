using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s.Models;
using Verity.Install;

namespace Verity.Tests.Install;

/// <summary>
/// The webhook's certificate in each of its three modes: generated (the default; see
/// <see cref="ManifestsStructureTests.Webhook_CaBundleVerifiesTheServingCertificateWhichNamesTheService"/>), the user's own
/// (<c>kubernetes.deployment.tls.{cert,key,caBundle}</c>), and cert-manager's, where a Certificate for the Service's names
/// replaces the Secret and cainjector fills <c>caBundle</c> from it.
/// </summary>
public sealed class WebhookTlsModesTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("verity-tls-modes-");

    public void Dispose() => _dir.Delete(recursive: true);

    public static TheoryData<string> WithCertManager() => InstallCases.Where(id => InstallCases.Renderer(id).CertManager);

    public static TheoryData<string> WithOwnCertificate() =>
        InstallCases.Where(id => InstallCases.Values(id).Get("kubernetes.deployment.tls.cert") is not null);

    [Fact]
    public void Cases_IncludeEachMode()
    {
        Assert.NotEmpty(WithCertManager());
        Assert.NotEmpty(WithOwnCertificate());
    }

    [Theory]
    [MemberData(nameof(WithCertManager))]
    public void Webhook_WithCertManager_CaIsInjectedFromTheCertificateTheDeploymentMounts(string id) =>
        AssertCertManager(InstallCases.Typed(InstallCases.Manifests(id)), ownCa: true);

    [Fact]
    public void Webhook_WithCertManagerAndAClusterIssuer_UsesItAndMakesNoCa()
    {
        var objects = Render("""
            kubernetes:
              deployment:
                tls:
                  certManager:
                    enabled: true
                    issuerRef:
                      name: corporate-ca
                      kind: ClusterIssuer
                    duration: 720h
                    renewBefore: 240h
            """);
        var certificate = AssertCertManager(objects, ownCa: false);
        Assert.Equal(("corporate-ca", "ClusterIssuer", "cert-manager.io"), (certificate.Spec.IssuerRef.Name, certificate.Spec.IssuerRef.Kind, certificate.Spec.IssuerRef.Group));
        Assert.Equal(("720h", "240h"), (certificate.Spec.Duration, certificate.Spec.RenewBefore));
    }

    private static CertManagerCertificate AssertCertManager(List<object> objects, bool ownCa)
    {
        var ns = InstallCases.Namespace;
        var webhook = Assert.Single(objects.OfType<V1MutatingWebhookConfiguration>());
        Assert.All(webhook.Webhooks, h => Assert.Null(h.ClientConfig.CaBundle));
        var inject = webhook.Metadata.Annotations[ManifestRenderer.InjectCaAnnotation].Split('/');
        Assert.Equal(ns, inject[0]);

        // The injected Certificate is the one whose Secret the Deployment mounts at /app/certs; the chart renders no such Secret.
        var certificate = Assert.Single(objects.OfType<CertManagerCertificate>(), c => c.Metadata.Name == inject[1]);
        Assert.Equal(ns, certificate.Metadata.NamespaceProperty);
        var deployment = Assert.Single(objects.OfType<V1Deployment>(), d => d.Metadata.Name == "verity");
        var mount = Assert.Single(Assert.Single(deployment.Spec.Template.Spec.Containers).VolumeMounts, m => m.MountPath == "/app/certs");
        Assert.Equal(certificate.Spec.SecretName, Assert.Single(deployment.Spec.Template.Spec.Volumes, v => v.Name == mount.Name).Secret.SecretName);
        Assert.DoesNotContain(objects.OfType<V1Secret>(), s => s.Metadata.Name == certificate.Spec.SecretName);

        // It names the Service the webhook calls, for serving.
        var service = Assert.Single(objects.OfType<V1Service>(), s => s.Metadata.Name == "verity-svc");
        Assert.All(webhook.Webhooks, h => Assert.Equal(service.Metadata.Name, h.ClientConfig.Service.Name));
        Assert.Equal(ServingCertificate.DnsNames(service.Metadata.Name, ns), certificate.Spec.DnsNames);
        Assert.Contains("server auth", certificate.Spec.Usages!);
        Assert.NotEqual(true, certificate.Spec.IsCA);
        Assert.Equal("Always", certificate.Spec.PrivateKey?.RotationPolicy);

        var issuers = objects.OfType<CertManagerIssuer>().ToList();
        if (ownCa)
        {
            // A CA of the release's own: self-signed Issuer → CA Certificate → CA Issuer → the serving Certificate.
            var caIssuer = Assert.Single(issuers, i => i.Metadata.Name == certificate.Spec.IssuerRef.Name && certificate.Spec.IssuerRef.Kind == "Issuer");
            var caCertificate = Assert.Single(objects.OfType<CertManagerCertificate>(), c => c.Spec.SecretName == caIssuer.Spec.Ca?.SecretName);
            Assert.True(caCertificate.Spec.IsCA);
            var root = Assert.Single(issuers, i => i.Metadata.Name == caCertificate.Spec.IssuerRef.Name);
            Assert.NotNull(root.Spec.SelfSigned);
            Assert.All(issuers, i => Assert.Equal(ns, i.Metadata.NamespaceProperty));
        }
        else
        {
            Assert.Empty(issuers);
            Assert.Single(objects.OfType<CertManagerCertificate>());
        }

        return certificate;
    }

    [Theory]
    [MemberData(nameof(WithOwnCertificate))]
    public void Webhook_WithOwnCertificate_ServesItAndTrustsTheGivenCa(string id)
    {
        var values = InstallCases.Values(id);
        var installed = InstallCases.Typed(InstallCases.Manifests(id));
        var secret = Assert.Single(installed.OfType<V1Secret>(), s => s.Metadata.Name == "verity-tls");
        Assert.Equal(Verity.Install.HelmValues.GoString(values.Get("kubernetes.deployment.tls.cert")), Encoding.UTF8.GetString(secret.Data["tls.crt"]));
        Assert.Equal(Verity.Install.HelmValues.GoString(values.Get("kubernetes.deployment.tls.caBundle")), Encoding.UTF8.GetString(secret.Data["ca.crt"]));
        foreach (var hook in Assert.Single(installed.OfType<V1MutatingWebhookConfiguration>()).Webhooks)
        {
            Assert.Equal(secret.Data["ca.crt"], hook.ClientConfig.CaBundle);
        }

        using var ca = X509Certificate2.CreateFromPem(Encoding.UTF8.GetString(secret.Data["ca.crt"]));
        using var serving = X509Certificate2.CreateFromPem(Encoding.UTF8.GetString(secret.Data["tls.crt"]));
        ManifestsStructureTests.AssertChainsAndNames(ca, serving, InstallCases.Namespace);
    }

    private List<object> Render(string values)
    {
        var file = Path.Combine(_dir.FullName, "values.yaml");
        File.WriteAllText(file, values);
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var code = Verity.Cli.ManifestsCommand.Run(new FileInfo(file), InstallCases.Namespace, output, errors, TimeProvider.System);
        Assert.True(code == 0, errors.ToString());
        return InstallCases.Typed(output.ToString());
    }
}
