using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Verity.Testing.Registry;

/// <summary>
/// A real Docker token service (Kestrel on 127.0.0.1) that signs JWTs the distribution 2.8 <c>token</c> access controller
/// accepts: <c>GET /token?service=…&amp;scope=repository:&lt;name&gt;:pull</c>, optionally with HTTP Basic.
/// </summary>
/// <remarks>
/// Token format (distribution <c>registry/auth/token/token.go</c> at v2.8.2, and the harness README): JWS compact
/// serialisation; header <c>alg</c> (<c>ES256</c>/<c>ES384</c>/<c>ES512</c> with raw r||s signatures, or <c>RS256</c>),
/// <c>kid</c> = libtrust key ID, and <c>x5c</c> when a certificate is given; claims <c>iss</c>, <c>sub</c>, <c>aud</c> (a
/// string), <c>exp</c>, <c>nbf</c>, <c>iat</c>, <c>jti</c>, <c>access</c>.
/// </remarks>
public sealed class DistributionTokenServer : IAsyncDisposable
{
    private readonly DistributionTokenServerOptions _options;
    private readonly string _keyId;
    private readonly string _algorithm;
    private TestHttpServer? _server;
    private int _issued;
    private int _refused;

    private DistributionTokenServer(DistributionTokenServerOptions options)
    {
        _options = options;
        _keyId = LibtrustKeyId(options.SigningKey);
        _algorithm = options.SigningKey switch
        {
            ECDsa ec => ec.KeySize switch { 256 => "ES256", 384 => "ES384", 521 => "ES512", _ => throw new NotSupportedException("EC key size " + ec.KeySize) },
            RSA => "RS256",
            _ => throw new NotSupportedException(options.SigningKey.GetType().Name),
        };
    }

    /// <summary>The token endpoint.</summary>
    public Uri Realm => new(Server.BaseUri, "token");

    /// <summary>Every request received.</summary>
    public IReadOnlyList<RecordedRequest> Requests => Server.Requests;

    /// <summary>How many tokens were issued.</summary>
    public int TokensIssued => Volatile.Read(ref _issued);

    /// <summary>How many requests were refused for bad credentials.</summary>
    public int Refused => Volatile.Read(ref _refused);

    private TestHttpServer Server => _server ?? throw new InvalidOperationException("not started");

    /// <summary>Starts a server.</summary>
    public static async Task<DistributionTokenServer> StartAsync(DistributionTokenServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var server = new DistributionTokenServer(options);
        server._server = await TestHttpServer.StartAsync(server.HandleAsync, options.TlsCertificate, options.Port);
        return server;
    }

    /// <summary>
    /// Starts the token server the harness's token-auth registry points to (<c>TESTBED_TOKEN_*</c>): on
    /// <c>TESTBED_TOKEN_SERVER</c>, with its TLS certificate, signing with <c>TESTBED_TOKEN_KEY</c>, accepting
    /// <c>TESTBED_TOKEN_USER</c>/<c>PASSWORD</c>.
    /// </summary>
    public static Task<DistributionTokenServer> StartForTestbedAsync(Testbed testbed, bool allowAnonymousPull = false, bool sendCertificate = true)
    {
        ArgumentNullException.ThrowIfNull(testbed);
        var endpoint = testbed["TESTBED_TOKEN_SERVER"];
        var port = int.Parse(endpoint[(endpoint.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        using var tls = X509Certificate2.CreateFromPemFile(testbed["TESTBED_TOKEN_SERVER_TLS_CERT"], testbed["TESTBED_TOKEN_SERVER_TLS_KEY"]);
        return StartAsync(new DistributionTokenServerOptions
        {
            Port = port,
            TlsCertificate = X509CertificateLoader.LoadPkcs12(tls.Export(X509ContentType.Pkcs12), null),
            Issuer = testbed["TESTBED_TOKEN_ISSUER"],
            Service = testbed["TESTBED_TOKEN_SERVICE"],
            SigningKey = LoadKey(testbed["TESTBED_TOKEN_KEY"]),
            SigningCertificate = sendCertificate ? X509CertificateLoader.LoadCertificateFromFile(testbed["TESTBED_TOKEN_CERT"]) : null,
            Users = new Dictionary<string, string> { [testbed["TESTBED_TOKEN_USER"]] = testbed["TESTBED_TOKEN_PASSWORD"] },
            AllowAnonymousPull = allowAnonymousPull,
        });
    }

    /// <summary>Loads an unencrypted PEM private key (EC or RSA).</summary>
    public static AsymmetricAlgorithm LoadKey(string pemFile)
    {
        var pem = File.ReadAllText(pemFile);
        var ec = ECDsa.Create();
        try
        {
            ec.ImportFromPem(pem);
            return ec;
        }
        catch (CryptographicException)
        {
            ec.Dispose();
        }

        var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        return rsa;
    }

    /// <summary>The libtrust key ID: base32 of the first 30 bytes of sha256(SPKI DER), in 12 groups of 4 joined by colons.</summary>
    public static string LibtrustKeyId(AsymmetricAlgorithm key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var spki = key switch
        {
            ECDsa ec => ec.ExportSubjectPublicKeyInfo(),
            RSA rsa => rsa.ExportSubjectPublicKeyInfo(),
            _ => throw new NotSupportedException(key.GetType().Name),
        };
        var hash = SHA256.HashData(spki).AsSpan(0, 30);
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var base32 = new StringBuilder(48);
        for (var i = 0; i < hash.Length; i += 5)
        {
            ulong block = 0;
            for (var j = 0; j < 5; j++)
            {
                block = (block << 8) | hash[i + j];
            }

            for (var shift = 35; shift >= 0; shift -= 5)
            {
                base32.Append(alphabet[(int)((block >> shift) & 31)]);
            }
        }

        return string.Join(':', Enumerable.Range(0, 12).Select(g => base32.ToString(g * 4, 4)));
    }

    /// <summary>Mints a token for <paramref name="subject"/> with the given access entries (<c>repository:name:actions</c>).</summary>
    public string Mint(string subject, IEnumerable<string> scopes, TimeSpan lifetime)
    {
        var header = new JsonObject { ["typ"] = "JWT", ["alg"] = _algorithm, ["kid"] = _keyId };
        if (_options.SigningCertificate is { } certificate)
        {
            header["x5c"] = new JsonArray(Convert.ToBase64String(certificate.RawData));
        }

        var access = new JsonArray();
        foreach (var scope in scopes)
        {
            var first = scope.IndexOf(':', StringComparison.Ordinal);
            var last = scope.LastIndexOf(':');
            if (first < 0 || last <= first)
            {
                continue;
            }

            access.Add(new JsonObject
            {
                ["type"] = scope[..first],
                ["name"] = scope[(first + 1)..last],
                ["actions"] = new JsonArray([.. scope[(last + 1)..].Split(',').Select(a => (JsonNode?)JsonValue.Create(a))]),
            });
        }

        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = new JsonObject
        {
            ["iss"] = _options.Issuer,
            ["sub"] = subject,
            ["aud"] = _options.Service,
            ["exp"] = now + (long)lifetime.TotalSeconds,
            ["nbf"] = now - 10,
            ["iat"] = now,
            ["jti"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            ["access"] = access,
        };
        var signingInput = Base64Url(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + Base64Url(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        var data = Encoding.ASCII.GetBytes(signingInput);
        var signature = _options.SigningKey switch
        {
            // IEEE P1363 (r||s) is .NET's default signature format, as JWS requires.
            ECDsa ec => ec.SignData(data, ec.KeySize switch { 256 => HashAlgorithmName.SHA256, 384 => HashAlgorithmName.SHA384, _ => HashAlgorithmName.SHA512 }),
            RSA rsa => rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            _ => throw new NotSupportedException(),
        };
        return signingInput + "." + Base64Url(signature);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private async Task HandleAsync(HttpContext context)
    {
        if (context.Request.Path != "/token")
        {
            context.Response.StatusCode = 404;
            return;
        }

        var header = context.Request.Headers.Authorization.ToString();
        string? user = null;
        if (header.Length > 0)
        {
            if (!TryBasic(header, out user, out var password)
                || !_options.Users.TryGetValue(user, out var expected)
                || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(password)))
            {
                Interlocked.Increment(ref _refused);
                context.Response.StatusCode = 401;
                context.Response.Headers.WWWAuthenticate = "Basic realm=\"token\"";
                await context.Response.WriteAsync("{\"details\":\"invalid credentials\"}");
                return;
            }
        }

        if (context.Request.Query["service"] != _options.Service)
        {
            context.Response.StatusCode = 400;
            await context.Response.WriteAsync("{\"details\":\"unknown service\"}");
            return;
        }

        var grant = user is not null || _options.AllowAnonymousPull;
        var scopes = grant
            ? context.Request.Query["scope"].Where(s => s is not null).SelectMany(s => s!.Split(' ')).Where(s => s.StartsWith("repository:", StringComparison.Ordinal))
                .Select(s => s[..(s.LastIndexOf(':') + 1)] + "pull")
            : [];
        var token = Mint(user ?? string.Empty, scopes, TimeSpan.FromSeconds(_options.ExpiresInSeconds));
        Interlocked.Increment(ref _issued);
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(new JsonObject
        {
            ["token"] = token,
            ["access_token"] = token,
            ["expires_in"] = _options.ExpiresInSeconds,
            ["issued_at"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
        }.ToJsonString());
    }

    private static bool TryBasic(string header, out string user, out string password)
    {
        user = password = string.Empty;
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                return false;
            }

            user = decoded[..colon];
            password = decoded[(colon + 1)..];
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
