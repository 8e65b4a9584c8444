using Verity.Registry.Client;
using System.CommandLine;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Verity.Core.Configuration;
using Verity.Core.Images;
using Verity.Logging;
using Verity.Registry;
using Verity.Validators.NotaryV1;

namespace Verity.Cli;

/// <summary><c>verity notary</c>: Notary v1 helpers; <c>root-key</c> prints a collection's root key for a trust root.</summary>
internal static class NotaryCommand
{
    private const long RootBytes = 1024 * 1024;

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    public static Command Create(TextWriter output, TextWriter errors, TextReader input)
    {
        return new Command("notary", "Notary v1 (Docker Content Trust) helpers")
        {
            RootKey(output, errors, input),
        };
    }

    private static Command RootKey(TextWriter output, TextWriter errors, TextReader input)
    {
        var server = new Option<string>("--server")
        {
            Description = "The Notary server, e.g. https://notary.docker.io (https:// is added when no scheme is given)",
            Required = true,
        };
        var gun = new Argument<string>("gun")
        {
            Description = "The collection (GUN): the image name without tag, e.g. docker.io/library/nginx or registry.example/team/app",
        };
        var ca = new Option<FileInfo?>("--ca") { Description = "PEM CA bundle that replaces the system roots for the server" };
        var username = new Option<string?>("--username", "-u") { Description = "User name for the Notary server (with --password-stdin)" };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password (or token) from the first line of standard input" };
        var command = new Command(
            "root-key",
            "Fetch a collection's root.json, check that it is signed by the root key(s) it declares, and print the root public key as PEM for a notaryv1 trust root. "
            + "Compare the key with what the publisher announced before you pin it. Exit 0 printed, 1 no usable root, 2 usage error")
        {
            server, gun, ca, username, passwordStdin,
        };
        command.Validators.Add(result =>
        {
            if ((result.GetValue(username) is null) != !result.GetValue(passwordStdin))
            {
                result.AddError("--username and --password-stdin must be given together");
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var serverText = parse.GetValue(server)!;
            var withScheme = serverText.Contains("://", StringComparison.Ordinal) ? serverText : "https://" + serverText;
            if (!Uri.TryCreate(withScheme, UriKind.Absolute, out var host) || host.Scheme is not ("http" or "https") || string.IsNullOrEmpty(host.Host))
            {
                await errors.WriteLineAsync($"verity: --server: \"{serverText}\" is not an http(s) URL such as https://notary.docker.io");
                return VerityCli.UsageError;
            }

            var gunText = parse.GetValue(gun)!;
            if (!ImageReference.TryParse(gunText, out var image, out var problem) || image.Digest is not null)
            {
                await errors.WriteLineAsync($"verity: \"{gunText}\" is not a GUN (an image name such as docker.io/library/nginx){(problem is null ? string.Empty : ": " + problem)}");
                return VerityCli.UsageError;
            }

            X509Certificate2Collection? caCertificates = null;
            if (parse.GetValue(ca) is { } caFile)
            {
                try
                {
                    caCertificates = [];
                    caCertificates.ImportFromPemFile(caFile.FullName);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
                {
                    await errors.WriteLineAsync($"verity: --ca: cannot read certificates from {caFile.FullName}: {e.Message}");
                    return VerityCli.UsageError;
                }

                if (caCertificates.Count == 0)
                {
                    await errors.WriteLineAsync($"verity: --ca: {caFile.FullName} holds no PEM certificate");
                    return VerityCli.UsageError;
                }
            }

            RegistryAuth? auth = null;
            if (parse.GetValue(username) is { } user)
            {
                var password = (await input.ReadLineAsync(cancellationToken))?.TrimEnd('\r');
                if (string.IsNullOrEmpty(password))
                {
                    await errors.WriteLineAsync("verity: --password-stdin: standard input holds no password");
                    return VerityCli.UsageError;
                }

                auth = new RegistryAuth { Username = user, Password = password, Registry = host.Authority };
            }

            return await PrintRootKeyAsync(host, image.Name, caCertificates, auth, output, errors, cancellationToken);
        });
        return command;
    }

    private static async Task<int> PrintRootKeyAsync(
        Uri host, string gun, X509Certificate2Collection? caCertificates, RegistryAuth? auth, TextWriter output, TextWriter errors, CancellationToken cancellationToken)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => VerityLogging.Configure(logging, "error", "json", toStandardError: true));
        services.AddVerityRegistry();
        await using var provider = services.BuildServiceProvider();
        var settings = new RegistryClientSettings
        {
            Name = "notary-root-key",
            Auth = auth,
            CaCertificates = caCertificates,
            UnscopedCredentialsRegistry = host.Authority,
            InsecureHttpRegistries = host.Scheme == Uri.UriSchemeHttp ? [host.Authority] : [],
        };
        var client = provider.GetRequiredService<IAuthenticatedServerClientFactory>()
            .Create(settings, new AuthenticatedServer { BaseUri = host, Kind = "Notary server", Operation = "notary" });
        var server = "Notary server " + client.BaseUri.Authority;

        ReadOnlyMemory<byte>? root;
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            deadline.CancelAfter(Deadline);
            try
            {
                root = await client.GetAsync($"v2/{gun}/_trust/tuf/root.json", gun, RootBytes, $"root.json of GUN \"{gun}\"", deadline.Token);
            }
            catch (RegistryException e)
            {
                await errors.WriteLineAsync($"verity: {e.Message}");
                return VerityCli.Denied;
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                await errors.WriteLineAsync($"verity: {server} did not send root.json of GUN \"{gun}\" within {Deadline.TotalSeconds:0} s");
                return VerityCli.Denied;
            }
        }

        if (root is not { } bytes)
        {
            await errors.WriteLineAsync($"verity: no trust data for GUN \"{gun}\" on {server}: there is no root.json (the repository is not signed)");
            return VerityCli.Denied;
        }

        if (!NotaryRootKeys.TryReadSelfSigned(bytes, out var keys, out var error))
        {
            await errors.WriteLineAsync($"verity: root.json of GUN \"{gun}\" on {server} cannot be trusted: {error}");
            return VerityCli.Denied;
        }

        foreach (var key in keys)
        {
            await output.WriteAsync(key.Key.ToPem() + "\n");
        }

        if (keys.Length > 1)
        {
            await errors.WriteLineAsync($"verity: root.json of GUN \"{gun}\" is signed by {keys.Length} root keys ({string.Join(", ", keys.Select(k => k.KeyId[..12]))}); pin each as a trust root, or the one you trust");
        }

        return VerityCli.Ok;
    }
}
