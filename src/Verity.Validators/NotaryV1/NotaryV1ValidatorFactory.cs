using Microsoft.Extensions.Logging;
using System.Collections.Immutable;
using Verity.Core.Configuration;
using Verity.Core.Trust;
using Verity.Core.Validation;
using Verity.Registry;
using Verity.Validators.NotaryV1.Tuf;

namespace Verity.Validators.NotaryV1;

/// <summary>Builds <see cref="NotaryV1Validator"/>s.</summary>
/// <remarks>
/// One instance per process (a singleton): every validator it builds, across configuration reloads, shares its
/// rollback state (an <see cref="InMemoryTrustStateStore"/>, or a <see cref="FileTrustStateStore"/> with a state directory,
/// with floors shared by every replica when the host registers an <see cref="IRollbackFloorStore"/>), so a reload cannot be used to roll a collection back,
/// and its <see cref="NotaryTrustCache"/> of verified trust data, so a reload does not make every collection cost a
/// full download again, and its <see cref="TufKeyCache"/>, so a key that many collections list (a pinned root key in each
/// collection's root certificate, a signer's delegation certificate) is read once.
/// Each validator's Notary client uses the validator's <c>auth</c> (credentials without a registry apply to the
/// Notary host) and <c>cert</c>; a host given as <c>http://</c> is spoken to over plain HTTP, as Connaisseur does.
/// </remarks>
public sealed class NotaryV1ValidatorFactory
{
    /// <summary>The longest one validation may spend downloading trust data: well inside the 28 s admission deadline,
    /// so a stalled server gives a denial that names it rather than a request timeout.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    private readonly IAuthenticatedServerClientFactory _clients;
    private readonly TimeProvider _time;
    private readonly ITrustStateStore _store;
    private readonly NotaryTrustCache _cache;
    private readonly TufKeyCache _keyCache;
    private readonly TimeSpan _timeout;
    private readonly ILogger? _logger;

    /// <summary>Creates the factory: rollback state (the floor and last trusted root of each collection) in files under
    /// <c>&lt;state directory&gt;/notaryv1</c> when <paramref name="state"/> names a directory (<see cref="FileTrustStateStore"/>,
    /// survives restarts), else in memory (<see cref="InMemoryTrustStateStore"/>, for the life of the process); with
    /// <paramref name="sharedFloors"/> (the host's shared cache), the rollback floors are also shared with every replica
    /// (<see cref="SharedFloorTrustStateStore"/>).</summary>
    public NotaryV1ValidatorFactory(
        IAuthenticatedServerClientFactory clients,
        TimeProvider time,
        ILoggerFactory? loggers = null,
        ValidatorStateOptions? state = null,
        IRollbackFloorStore? sharedFloors = null)
        : this(clients, time, CreateStore(state, sharedFloors), DefaultTimeout)
    {
        _logger = loggers?.CreateLogger<NotaryTrustVerifier>();
    }

    internal NotaryV1ValidatorFactory(
        IAuthenticatedServerClientFactory clients,
        TimeProvider time,
        ITrustStateStore store,
        TimeSpan timeout,
        NotaryTrustCache? cache = null,
        TufKeyCache? keyCache = null)
    {
        _clients = clients ?? throw new ArgumentNullException(nameof(clients));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _cache = cache ?? new NotaryTrustCache();
        _keyCache = keyCache ?? new TufKeyCache();
        _timeout = timeout;
    }

    /// <summary>Where rollback state is kept.</summary>
    internal ITrustStateStore Store => _store;

    /// <summary>The verified trust data every validator of this factory shares.</summary>
    internal NotaryTrustCache Cache => _cache;

    /// <summary>Builds the validator of <paramref name="notary"/>; does no I/O.</summary>
    /// <exception cref="ConfigurationException">The definition cannot be used.</exception>
    public IValidator Create(NotaryV1ValidatorDefinition notary)
    {
        ArgumentNullException.ThrowIfNull(notary);

        var roots = ImmutableArray.CreateBuilder<PublicKeyTrustRoot>(notary.TrustRoots.Length);
        foreach (var root in notary.TrustRoots)
        {
            roots.Add(root as PublicKeyTrustRoot
                ?? throw new ConfigurationException($"validator \"{notary.Name}\": trust root \"{root.Name}\" must be a public key (key:) for notaryv1"));
        }

        if (roots.Count == 0)
        {
            throw new ConfigurationException($"validator \"{notary.Name}\": no trust roots provided; add trustRoots with the Notary root public key");
        }

        var host = notary.Host;
        var settings = new RegistryClientSettings
        {
            Name = notary.Name,
            Auth = notary.Auth,
            CaCertificates = notary.CaCertificates,
            UnscopedCredentialsRegistry = host.Authority,
            InsecureHttpRegistries = host.Scheme == Uri.UriSchemeHttp ? [host.Authority] : [],
        };
        IAuthenticatedServerClient client;
        try
        {
            client = _clients.Create(settings, new AuthenticatedServer { BaseUri = host, Kind = "Notary server", Operation = "notary" });
        }
        catch (ArgumentException e)
        {
            throw new ConfigurationException($"validator \"{notary.Name}\": {e.Message}", e);
        }

        return new NotaryV1Validator(notary, roots.ToImmutable(), client, new NotaryTrustVerifier(_store, _time, cache: _cache, logger: _logger, keyCache: _keyCache), _time, _timeout);
    }

    private static ITrustStateStore CreateStore(ValidatorStateOptions? state, IRollbackFloorStore? sharedFloors)
    {
        ITrustStateStore local = state?.Directory is { Length: > 0 } directory
            ? new FileTrustStateStore(Path.Combine(directory, NotaryV1ValidatorType.TypeName))
            : new InMemoryTrustStateStore();
        return sharedFloors is null ? local : new SharedFloorTrustStateStore(local, sharedFloors);
    }
}
