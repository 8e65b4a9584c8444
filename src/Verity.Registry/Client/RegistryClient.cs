// Over 300 lines on purpose. The whole OCI distribution surface Verity uses (resolve, manifests, referrers API and tag schema, blobs),
// each call with its digest check and byte limit beside it; splitting it would separate a fetch from its check.
using System.Collections.Immutable;
using System.Net;
using System.Text.Json;
using Verity.Core.Images;
using Verity.Registry.Http;
using Verity.Registry.Manifests;
using Verity.Registry.Referrers;

namespace Verity.Registry.Client;

/// <summary>The <see cref="IRegistryClient"/> of one validator; see the interface for the contract.</summary>
internal sealed class RegistryClient : IRegistryClient
{
    private const int MaxPages = 32;

    private readonly RegistryTransport _transport;
    private readonly InsecureHosts _insecure;

    public RegistryClient(RegistryTransport transport, InsecureHosts insecure)
    {
        _transport = transport;
        _insecure = insecure;
    }

    /// <inheritdoc/>
    public async ValueTask<Digest> ResolveAsync(ImageReference image, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Digest is { } pinned)
        {
            return pinned;
        }

        var request = ManifestRequest(image, HttpMethod.Head, maxBytes);
        var response = await _transport.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            throw NotFound(request, response);
        }

        if (response.IsSuccess && Digest.TryParse(response.DockerContentDigest?.Trim(), out var digest))
        {
            return digest;
        }

        // HEAD without a usable Docker-Content-Digest, or not supported: fetch and hash the manifest.
        var manifest = await FetchManifestAsync(image, maxBytes, throwIfMissing: true, cancellationToken);
        return manifest!.Digest;
    }

    /// <inheritdoc/>
    public async ValueTask<RegistryManifest> GetManifestAsync(ImageReference image, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        return (await FetchManifestAsync(image, maxBytes, throwIfMissing: true, cancellationToken))!;
    }

    /// <inheritdoc/>
    public ValueTask<RegistryManifest?> TryGetManifestAsync(ImageReference image, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        return FetchManifestAsync(image, maxBytes, throwIfMissing: false, cancellationToken);
    }

    /// <inheritdoc/>
    public async ValueTask<ReadOnlyMemory<byte>> GetBlobAsync(ImageReference repository, Digest digest, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var request = new RegistryRequest
        {
            Method = HttpMethod.Get,
            Endpoint = Endpoint(repository),
            Repository = repository.Repository,
            PathAndQuery = $"v2/{repository.Repository}/blobs/{digest.Value}",
            FollowRedirects = true,
            MaxBytes = maxBytes,
            Subject = $"blob \"{repository.Name}@{digest.Value}\"",
            Operation = "blob",
        };
        var response = await _transport.SendAsync(request, cancellationToken);
        EnsureSuccess(request, response);
        if (!digest.Matches(response.Body.Span))
        {
            throw new RegistryException(
                RegistryErrorKind.DigestMismatch,
                $"{request.Subject}: registry {repository.Registry} sent content whose digest is {Digest.Compute(response.Body.Span)}");
        }

        return response.Body;
    }

    /// <inheritdoc/>
    public async ValueTask<ReferrerList> GetReferrersAsync(
        ImageReference repository, Digest subject, string? artifactType, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var endpoint = Endpoint(repository);
        var description = $"referrers of \"{repository.Name}@{subject.Value}\"";
        var path = $"v2/{repository.Repository}/referrers/{subject.Value}"
            + (artifactType is null ? string.Empty : "?artifactType=" + Uri.EscapeDataString(artifactType));
        var referrers = ImmutableArray.CreateBuilder<Descriptor>();
        var filtered = true;
        var remaining = maxBytes;
        for (var page = 0; ; page++)
        {
            var request = new RegistryRequest
            {
                Method = HttpMethod.Get,
                Endpoint = endpoint,
                Repository = repository.Repository,
                PathAndQuery = path,
                Accept = ManifestMediaTypes.OciIndex,
                MaxBytes = remaining,
                Subject = description,
                Operation = "referrers",
            };
            var response = await _transport.SendAsync(request, cancellationToken);
            if (page == 0 && (response.StatusCode == HttpStatusCode.NotFound || (response.IsSuccess && !IsJson(response.ContentType))))
            {
                // OCI distribution spec 1.1: a registry without the referrers API answers 404; fall back to the tag schema.
                return await GetReferrersFromTagAsync(repository, subject, artifactType, maxBytes, cancellationToken);
            }

            EnsureSuccess(request, response);
            remaining -= response.Body.Length;
            try
            {
                referrers.AddRange(ManifestParser.ParseIndexManifests(response.Body));
            }
            catch (FormatException e)
            {
                throw new RegistryException(RegistryErrorKind.ProtocolError, $"{description}: the registry's answer is not a valid index: {e.Message}", e);
            }

            filtered &= artifactType is not null && response.FiltersApplied?.Contains("artifactType", StringComparison.OrdinalIgnoreCase) == true;
            if (response.NextLink is null || page + 1 >= MaxPages)
            {
                break;
            }

            path = NextPath(endpoint, response.NextLink, description);
        }

        return new ReferrerList
        {
            Subject = subject,
            Referrers = Filter(referrers.ToImmutable(), artifactType, alreadyFiltered: filtered),
            Source = ReferrersSource.Api,
        };
    }

    /// <inheritdoc/>
    public async ValueTask PingAsync(ImageReference repository, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var request = new RegistryRequest
        {
            Method = HttpMethod.Get,
            Endpoint = Endpoint(repository),
            Repository = repository.Repository,
            PathAndQuery = "v2/",
            Accept = "application/json",
            MaxBytes = 64 * 1024,
            Subject = $"the version check of {repository.Registry}",
            Operation = "ping",
        };
        await _transport.SendAsync(request, cancellationToken);
    }

    /// <inheritdoc/>
    public async ValueTask<ImmutableArray<string>> ListTagsAsync(ImageReference repository, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var endpoint = Endpoint(repository);
        var description = $"tags of \"{repository.Name}\"";
        var path = $"v2/{repository.Repository}/tags/list";
        var tags = ImmutableArray.CreateBuilder<string>();
        var remaining = maxBytes;
        for (var page = 0; page < MaxPages; page++)
        {
            var request = new RegistryRequest
            {
                Method = HttpMethod.Get,
                Endpoint = endpoint,
                Repository = repository.Repository,
                PathAndQuery = path,
                Accept = "application/json",
                MaxBytes = remaining,
                Subject = description,
                Operation = "tags",
            };
            var response = await _transport.SendAsync(request, cancellationToken);
            EnsureSuccess(request, response);
            remaining -= response.Body.Length;
            tags.AddRange(ParseTags(response.Body, description));
            if (response.NextLink is null)
            {
                break;
            }

            path = NextPath(endpoint, response.NextLink, description);
        }

        return tags.ToImmutable();
    }

    private async ValueTask<RegistryManifest?> FetchManifestAsync(
        ImageReference image, long maxBytes, bool throwIfMissing, CancellationToken cancellationToken)
    {
        var request = ManifestRequest(image, HttpMethod.Get, maxBytes);
        var response = await _transport.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return throwIfMissing ? throw NotFound(request, response) : null;
        }

        EnsureSuccess(request, response);
        var body = response.Body;
        Digest digest;
        if (image.Digest is { } requested)
        {
            if (!requested.Matches(body.Span))
            {
                throw new RegistryException(
                    RegistryErrorKind.DigestMismatch,
                    $"{request.Subject}: registry {image.Registry} sent content whose digest is {Digest.Compute(body.Span)}");
            }

            digest = requested;
        }
        else
        {
            digest = Digest.Compute(body.Span);
            if (response.DockerContentDigest is { } headerText)
            {
                if (!Digest.TryParse(headerText.Trim(), out var header, out var error))
                {
                    throw new RegistryException(RegistryErrorKind.ProtocolError, $"{request.Subject}: the registry's Docker-Content-Digest is invalid: {error}");
                }

                if (!header.Matches(body.Span))
                {
                    throw new RegistryException(
                        RegistryErrorKind.DigestMismatch,
                        $"{request.Subject}: registry {image.Registry} says its digest is {header} (Docker-Content-Digest) but the content's digest is {digest}");
                }
            }
        }

        try
        {
            return ManifestParser.Parse(body, digest, response.ContentType);
        }
        catch (FormatException e)
        {
            throw new RegistryException(RegistryErrorKind.ProtocolError, $"{request.Subject} is not a valid manifest: {e.Message}", e);
        }
    }

    private async ValueTask<ReferrerList> GetReferrersFromTagAsync(
        ImageReference repository, Digest subject, string? artifactType, long maxBytes, CancellationToken cancellationToken)
    {
        var tag = repository.WithTag(ReferrersTag.For(subject));
        var index = await FetchManifestAsync(tag, maxBytes, throwIfMissing: false, cancellationToken);
        if (index is null)
        {
            return new ReferrerList { Subject = subject, Referrers = [], Source = ReferrersSource.None };
        }

        if (!index.IsIndex)
        {
            throw new RegistryException(
                RegistryErrorKind.ProtocolError, $"the referrers tag \"{tag}\" holds a {index.MediaType}, not an image index");
        }

        return new ReferrerList
        {
            Subject = subject,
            Referrers = Filter(index.Manifests, artifactType, alreadyFiltered: false),
            Source = ReferrersSource.TagSchema,
        };
    }

    private RegistryRequest ManifestRequest(ImageReference image, HttpMethod method, long maxBytes)
    {
        var reference = image.Digest?.Value ?? image.Tag!;
        var separator = image.Digest is null ? ":" : "@";
        return new RegistryRequest
        {
            Method = method,
            Endpoint = Endpoint(image),
            Repository = image.Repository,
            PathAndQuery = $"v2/{image.Repository}/manifests/{reference}",
            Accept = ManifestMediaTypes.AcceptHeader,
            MaxBytes = maxBytes,
            Subject = $"manifest \"{image.Name}{separator}{reference}\"",
            Operation = "manifest",
        };
    }

    private RegistryEndpoint Endpoint(ImageReference image) => RegistryEndpoint.For(image.Registry, _insecure);

    private static ImmutableArray<Descriptor> Filter(ImmutableArray<Descriptor> descriptors, string? artifactType, bool alreadyFiltered)
    {
        if (artifactType is null || alreadyFiltered)
        {
            return descriptors;
        }

        return descriptors.RemoveAll(d => !string.Equals(d.ArtifactType, artifactType, StringComparison.Ordinal));
    }

    private static string NextPath(RegistryEndpoint endpoint, string link, string description)
    {
        if (!Uri.TryCreate(endpoint.BaseUri, link, out var next) || !endpoint.IsSameOrigin(next))
        {
            throw new RegistryException(RegistryErrorKind.ProtocolError, $"{description}: the registry's next-page link points to another host");
        }

        return next.PathAndQuery.TrimStart('/');
    }

    private static bool IsJson(string? contentType)
    {
        return contentType is null || contentType.EndsWith("json", StringComparison.OrdinalIgnoreCase);
    }

    private static ImmutableArray<string> ParseTags(ReadOnlyMemory<byte> body, string description)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                if (!document.RootElement.TryGetProperty("tags", out var tags) || tags.ValueKind == JsonValueKind.Null)
                {
                    return [];
                }

                if (tags.ValueKind == JsonValueKind.Array)
                {
                    return [.. tags.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()!)];
                }
            }
        }
        catch (JsonException)
        {
        }

        throw new RegistryException(RegistryErrorKind.ProtocolError, $"{description}: the registry's answer is not a tag list");
    }

    private static void EnsureSuccess(RegistryRequest request, RegistryResponse response)
    {
        if (response.IsSuccess)
        {
            return;
        }

        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            throw NotFound(request, response);
        }

        var detail = RegistryErrorBody.Describe(response.Body);
        throw new RegistryException(
            RegistryErrorKind.ProtocolError,
            $"{request.Subject}: registry {request.Endpoint.Registry} answered HTTP {(int)response.StatusCode}{(detail is null ? string.Empty : ": " + detail)}")
        { StatusCode = (int)response.StatusCode };
    }

    private static RegistryException NotFound(RegistryRequest request, RegistryResponse response)
    {
        var detail = RegistryErrorBody.Describe(response.Body);
        return new RegistryException(
            RegistryErrorKind.NotFound,
            $"{request.Subject} not found in registry {request.Endpoint.Registry}{(detail is null ? string.Empty : ": " + detail)}")
        { StatusCode = 404 };
    }
}
