using System.Collections.Immutable;
using Verity.Core.Images;
using Verity.Core.Policy;
using Verity.Core.Trust;
using Verity.Core.Validation;
using Verity.Registry;
using Verity.Validators.NotaryV1.Tuf;

namespace Verity.Validators.NotaryV1;

/// <summary>
/// <c>type: notaryv1</c>: trusts an image when its Docker Content Trust data on the validator's Notary server,
/// signed under a pinned root key, names its digest.
/// </summary>
/// <remarks>
/// <para>For an image <c>registry/repository[:tag][@digest]</c> the collection (GUN) is <c>registry/repository</c>
/// (Docker Hub images: <c>docker.io/&lt;repository&gt;</c>, as <c>docker trust</c> names them). Steps:</para>
/// <para>Verifies and resolves with <see cref="NotaryTrustVerifier"/> (TUF checks, rollback protection across
/// requests through the factory's shared <see cref="ITrustStateStore"/>, Connaisseur's delegation rules, verified
/// trust data kept between validations in the factory's shared <see cref="NotaryTrustCache"/>). A tag resolves to
/// the digest the trust data names, whatever the registry's tag points to now, and the workload is pinned to it; a
/// digest reference must be one of the signed digests. The registry is never contacted.</para>
/// <para>The first validation of a collection fetches <c>root.json</c> alone (it answers the server's authentication
/// challenge and opens a connection once; a repository without trust data costs one request), then the three other
/// top-level roles in parallel, then the delegations searched (and their parents). Later validations fetch
/// <c>timestamp.json</c>, and only the roles that changed since. Everything is bounded: per-role size limits (<see cref="NotaryLimits"/>), the registry
/// client's per-request timeout and retries, <see cref="NotaryV1ValidatorFactory.DefaultTimeout"/> for the whole
/// download, and the caller's deadline. An unreachable, slow or failing server is a <see cref="ValidationException"/>
/// naming the server and the GUN (the caller denies: fail closed); a missing collection or tag is a
/// <see cref="ValidationOutcome.Denied"/>.</para>
/// </remarks>
public sealed class NotaryV1Validator : IValidator, IValidatorWarmUp
{
    private readonly NotaryV1ValidatorDefinition _definition;
    private readonly IAuthenticatedServerClient _client;
    private readonly NotaryTrustVerifier _verifier;
    private readonly TimeProvider _time;
    private readonly TimeSpan _timeout;
    private readonly ImmutableArray<PublicKeyTrustRoot> _trustRoots;
    private readonly string _server;

    internal NotaryV1Validator(
        NotaryV1ValidatorDefinition definition,
        ImmutableArray<PublicKeyTrustRoot> trustRoots,
        IAuthenticatedServerClient client,
        NotaryTrustVerifier verifier,
        TimeProvider time,
        TimeSpan timeout)
    {
        _definition = definition;
        _trustRoots = trustRoots;
        _client = client;
        _verifier = verifier;
        _time = time;
        _timeout = timeout;
        _server = "Notary server " + client.BaseUri.Authority;
    }

    /// <inheritdoc/>
    public string Name => _definition.Name;

    /// <inheritdoc/>
    public string Type => NotaryV1ValidatorType.TypeName;

    /// <inheritdoc/>
    public bool IsCacheable => true;

    /// <inheritdoc/>
    public async ValueTask<ValidationOutcome> ValidateAsync(ImageReference image, RuleOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(options);
        var notaryOptions = options as NotaryV1RuleOptions ?? NotaryV1RuleOptions.Default with { Mode = options.Mode };
        if (!TrustRootSelection.TrySelect(_definition.TrustRoots, notaryOptions, out var selection, out _))
        {
            // The configuration loader refuses such rules; this guards snapshots built some other way.
            return new ValidationOutcome.Denied($"validator \"{Name}\" has no trust root \"{notaryOptions.TrustRoot ?? TrustRootSelection.DefaultTrustRoot}\"");
        }

        var trustRoots = _trustRoots.Where(r => selection.TrustRoots.Any(s => s.Name == r.Name)).ToImmutableArray();

        var gun = image.Name;
        var request = new NotaryTrustRequest
        {
            Gun = gun,
            TrustRoots = trustRoots,
            Tag = image.Tag,
            Digest = image.Digest,
            Delegations = notaryOptions.Delegations,
            Server = _server,
            ServerUrl = _client.BaseUri.AbsoluteUri,
        };
        var fetch = new NotaryTrustDataFetch(_client, gun);
        using var timeout = new CancellationTokenSource(_timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            return await _verifier.VerifyAsync(request, fetch.FetchAsync, linked.Token);
        }
        catch (RegistryException e)
        {
            // The message names the role, the GUN and the server, and carries no credentials or bodies.
            throw new ValidationException(e.Message, e);
        }
        catch (OperationCanceledException e) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new ValidationException(
                $"{_server} did not deliver the trust data of GUN \"{gun}\" within {_timeout.TotalSeconds:0.###} s", e);
        }
        finally
        {
            // A delegation fetched early that the verifier never asked for (the verdict came first) stops here
            // instead of running on after the validation.
            await linked.CancelAsync();
        }
    }

    /// <summary>
    /// Prepares the first validation: opens <see cref="WarmUpConnections"/> connections to the Notary server (TLS
    /// handshakes included) through the client every validation of this validator uses, as many as the parallel stage of
    /// a first validation needs, so it finds them in the pool (<c>GET /_notary_server/health</c>, which notary-server
    /// answers without authentication; any answer will do); and verifies a kept collection in memory
    /// (<see cref="NotaryWarmUp"/>) so the TUF and crypto code is ready. A failure is reported, not thrown.
    /// </summary>
    public async ValueTask<string> WarmUpAsync(IReadOnlyCollection<ImageReference> images, CancellationToken cancellationToken)
    {
        var verification = Task.Run(async () => await NotaryWarmUp.VerifyAsync(cancellationToken), cancellationToken);
        var connections = await Task.WhenAll(Enumerable.Range(0, WarmUpConnections).Select(async _ =>
        {
            try
            {
                await _client.GetAsync("_notary_server/health", "_notary_server", 4096, "health check", cancellationToken);
                return null;
            }
            catch (RegistryException e) when (e.StatusCode is not null)
            {
                return null;
            }
            catch (RegistryException e)
            {
                return e.Message;
            }
        }));
        var verified = await verification;
        var failure = connections.FirstOrDefault(c => c is not null);
        return (failure is null ? $"{WarmUpConnections} connections to {_server}" : $"could not connect to {_server}: {failure}")
            + (verified ? ", verification code ready" : ", the warm-up collection did not verify");
    }

    /// <summary>Connections opened at warm-up: timestamp, snapshot and targets travel in parallel on a first validation.</summary>
    internal const int WarmUpConnections = 3;

    /// <inheritdoc/>
    public override string ToString() => $"notaryv1 validator \"{Name}\" ({_server})";
}
