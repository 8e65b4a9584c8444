using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Verity.Core.Configuration;
using Verity.Core.Images;
using Verity.Core.Validation;
using Verity.Testing;
using Verity.Testing.Notary;
using Verity.Testing.Registry;
using Verity.Validators.NotaryV1.Tuf;

namespace Verity.Validators.Tests.NotaryV1;

/// <summary>
/// The notaryv1 validator against a <see cref="FakeNotaryServer"/> serving the test bed's real trust data (copied from
/// its notary-server at test time), for what the real server cannot be made to do: authentication, outages, stalls,
/// errors, and served bytes an attacker chose.
/// </summary>
[Trait("Category", "Integration")]
public sealed class NotaryV1ValidatorServerTests : IClassFixture<TestbedTrustData>, IDisposable
{
    private const string Password = "notary-pa55word-that-must-not-leak";

    private readonly TestbedTrustData _data;
    private readonly TestPki _pki = TestPki.Create();

    public NotaryV1ValidatorServerTests(TestbedTrustData data)
    {
        _data = data;
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Gun => TestbedTrustData.Gun;

    private static string SignedDigest => Testbed.Current["TESTBED_DIGEST_SIGNED"];

    public void Dispose() => _pki.Dispose();

    [Fact]
    public async Task Validate_TokenAuthServer_AnswersTheChallengeWithAPullTokenForTheGun()
    {
        await using var server = await StartAsync(FakeRegistryAuth.Bearer);
        using var host = new NotaryTestHost();

        var outcome = await Validator(host, server).ValidateAsync(Image("signed"), NotaryTestHost.Rule(), Ct);

        Assert.Equal(SignedDigest, Assert.IsType<ValidationOutcome.Trusted>(outcome).Digest?.Value);
        var requests = server.Requests;
        Assert.Equal($"/v2/{Gun}/_trust/tuf/root.json", requests[0].Path);
        Assert.Null(requests[0].Authorization);
        Assert.Equal($"/token?service={FakeNotaryServer.Service}&scope={Uri.EscapeDataString($"repository:{Gun}:pull")}", requests[1].PathAndQuery);
        Assert.Equal(1, server.TokensIssued);

        // Root alone first, so the three other top-level roles go out in parallel with the token already in hand.
        Assert.Equal($"/v2/{Gun}/_trust/tuf/root.json", requests[2].Path);
        Assert.Equal(
            ["snapshot", "targets", "timestamp"],
            requests.Skip(3).Take(3).Select(r => RoleOf(r.Path)).Order(StringComparer.Ordinal));
        Assert.Equal("targets/releases", RoleOf(requests[6].Path));
        Assert.Equal(7, requests.Count);
        Assert.All(requests.Skip(2), r => Assert.StartsWith("Bearer ", r.Authorization, StringComparison.Ordinal));
        Assert.Equal(6, host.Count("notary"));
        Assert.Equal(1, host.Count("token"));
    }

    [Fact]
    public async Task Validate_SecondValidation_ReusesTheTokenAndTheConnections()
    {
        await using var server = await StartAsync(FakeRegistryAuth.Bearer);
        using var host = new NotaryTestHost();
        var validator = Validator(host, server);
        Assert.IsType<ValidationOutcome.Trusted>(await validator.ValidateAsync(Image("signed"), NotaryTestHost.Rule(), Ct));
        var connections = server.Requests.Select(r => r.ConnectionId).ToHashSet();
        server.ClearRequests();
        host.ResetCount();

        // A validator rebuilt by a configuration reload shares the pool, the token cache and the verified trust data
        // too: the timestamp alone, on a pooled connection with the token in hand, shows that nothing changed.
        var rebuilt = Validator(host, server);
        Assert.IsType<ValidationOutcome.Trusted>(await rebuilt.ValidateAsync(Image("signed"), NotaryTestHost.Rule(), Ct));

        Assert.Equal($"/v2/{Gun}/_trust/tuf/timestamp.json", Assert.Single(server.Requests).Path);
        Assert.Equal(1, host.RequestCount);
        Assert.Equal(1, server.TokensIssued);
        Assert.StartsWith("Bearer ", server.Requests[0].Authorization, StringComparison.Ordinal);

        // The first validation sent root alone, then three requests in parallel: HTTP/1.1 needs at most three connections,
        // and the second validation opens none. (The pool may finish opening one for the parallel requests after they are
        // served elsewhere, so the second request can go out on a pooled connection that carried nothing before.)
        Assert.InRange(connections.Union(server.Requests.Select(r => r.ConnectionId)).Count(), 1, 3);
    }

    [Fact]
    public async Task Validate_ConcurrentValidationsOfOneGun_ShareOneRefresh()
    {
        await using var server = await StartAsync();
        server.AddFault(RegistryFaults.Delay(TimeSpan.FromMilliseconds(200), "/_trust/"));
        using var host = new NotaryTestHost();
        var validator = Validator(host, server);
        string[] tags = ["signed", "docker", "retagged"];
        async Task ValidateManyAsync()
        {
            var outcomes = await Task.WhenAll(Enumerable.Range(0, 9).Select(i =>
                validator.ValidateAsync(Image(tags[i % tags.Length]), NotaryTestHost.Rule(), Ct).AsTask()));
            Assert.All(outcomes, o => Assert.IsType<ValidationOutcome.Trusted>(o));
        }

        await ValidateManyAsync();

        // Nine admissions at once, one download of the collection: root, the three other top-level roles, targets/releases.
        Assert.Equal(
            ["root", "snapshot", "targets", "targets/releases", "timestamp"],
            server.Requests.Select(r => RoleOf(r.Path)).Order(StringComparer.Ordinal));
        server.ClearRequests();

        await ValidateManyAsync();

        Assert.Equal("timestamp", RoleOf(Assert.Single(server.Requests).Path));
    }

    [Fact]
    public async Task Validate_CredentialsWithoutRegistry_GoOnlyToTheNotaryHostsTokenService()
    {
        await using var server = await StartAsync(FakeRegistryAuth.Bearer, username: "alice");
        using var host = new NotaryTestHost();

        // Connaisseur's secret.yaml without "registry": the credentials are for the Notary host.
        var outcome = await Validator(host, server, new RegistryAuth { Username = "alice", Password = Password })
            .ValidateAsync(Image("signed"), NotaryTestHost.Rule(), Ct);

        Assert.IsType<ValidationOutcome.Trusted>(outcome);
        var basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:" + Password));
        Assert.All(server.Requests, r => Assert.Equal(r.Path == "/token", r.Authorization == basic));
    }

    [Fact]
    public async Task Validate_RefusedCredentials_FailClosedNamingServerAndGun()
    {
        await using var server = await StartAsync(FakeRegistryAuth.Bearer, username: "alice");
        using var host = new NotaryTestHost();

        var e = await Assert.ThrowsAsync<ValidationException>(async () =>
            await Validator(host, server, new RegistryAuth { Username = "alice", Password = "wrong" })
                .ValidateAsync(Image("signed"), NotaryTestHost.Rule(), Ct));

        Assert.Equal(
            $"token service {server.TokenRealm.AbsoluteUri} (for repository:{Gun}:pull on Notary server {server.Authority}) refused user alice with HTTP 401",
            e.Message);
        Assert.DoesNotContain("wrong", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_WithCredentialsAndTokens_LogsNeither()
    {
        await using var server = await StartAsync(FakeRegistryAuth.Bearer, username: "alice");
        server.AddFault(RegistryFaults.Status(503, times: 1, pathContains: "/_trust/"));
        var logs = new CollectingLoggerProvider();
        using var host = new NotaryTestHost(logs: logs);

        var outcome = await Validator(host, server, new RegistryAuth { Username = "alice", Password = Password })
            .ValidateAsync(Image("signed"), NotaryTestHost.Rule(), Ct);

        Assert.IsType<ValidationOutcome.Trusted>(outcome);
        var text = logs.Text;
        Assert.Contains("retrying", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:" + Password)), text, StringComparison.Ordinal);
        var tokens = server.Requests.Select(r => r.Authorization).Where(a => a?.StartsWith("Bearer ", StringComparison.Ordinal) == true).Select(a => a![7..]).Distinct().ToList();
        Assert.Single(tokens);
        Assert.DoesNotContain(tokens[0], text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_NotaryDown_FailsClosedQuicklyNamingServerAndGun()
    {
        var closed = ClosedPort();
        using var host = new NotaryTestHost();
        var validator = host.Validator(new Uri($"https://127.0.0.1:{closed}"), _pki.CaCertificate, [TestbedVerdict.TrustRootNamed("notary-root")], name: "down");
        var watch = Stopwatch.StartNew();

        var e = await Assert.ThrowsAsync<ValidationException>(async () =>
            await validator.ValidateAsync(Image("signed"), NotaryTestHost.Rule("notary-root"), Ct));

        Assert.StartsWith($"root.json of GUN \"{Gun}\": could not reach Notary server 127.0.0.1:{closed}: Connection refused", e.Message, StringComparison.Ordinal);
        Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5));
        Assert.Equal(3, host.RequestCount);
    }

    [Fact]
    public async Task Validate_NotaryStalls_FailsClosedAfterItsRequestTimeout()
    {
        await using var server = await StartAsync();
        server.AddFault(RegistryFaults.Stall("/_trust/"));
        using var host = new NotaryTestHost(o =>
        {
            o.RequestTimeout = TimeSpan.FromMilliseconds(300);
            o.MaxAttempts = 2;
        });
        var watch = Stopwatch.StartNew();

        var e = await Assert.ThrowsAsync<ValidationException>(async () =>
            await Validator(host, server).ValidateAsync(Image("signed"), NotaryTestHost.Rule(), Ct));

        Assert.Equal($"root.json of GUN \"{Gun}\": Notary server {server.Authority} did not answer within 0.3 s (2 attempts)", e.Message);
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(540), TimeSpan.FromSeconds(4));
    }

    [Fact]
    public async Task Validate_NotaryStallsPastTheValidationTimeout_FailsClosedNamingServerAndGun()
    {
        await using var server = await StartAsync();
        server.AddFault(RegistryFaults.Stall("/snapshot.json"));
        using var host = new NotaryTestHost(o => o.RequestTimeout = TimeSpan.FromSeconds(30), timeout: TimeSpan.FromSeconds(1));
        var watch = Stopwatch.StartNew();

        var e = await Assert.ThrowsAsync<ValidationException>(async () =>
            await Validator(host, server).ValidateAsync(Image("signed"), NotaryTestHost.Rule(), Ct));

        Assert.Equal($"Notary server {server.Authority} did not deliver the trust data of GUN \"{Gun}\" within 1 s", e.Message);
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(900), TimeSpan.FromSeconds(4));
    }

    [Fact]
    public async Task Validate_CallersDeadlinePasses_IsCancellationNotAnError()
    {
        await using var server = await StartAsync();
        server.AddFault(RegistryFaults.Stall("/_trust/"));
        using var host = new NotaryTestHost();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            await Validator(host, server).ValidateAsync(Image("signed"), NotaryTestHost.Rule(), deadline.Token));
    }

    [Fact]
    public async Task Validate_Notary503Once_IsRetriedAndTrusts()
    {
        await using var server = await StartAsync();
        var fault = server.AddFault(RegistryFaults.Status(503, times: 1, pathContains: "/_trust/"));
        using var host = new NotaryTestHost();

        var outcome = await Validator(host, server).ValidateAsync(Image("signed"), NotaryTestHost.Rule(), Ct);

        Assert.Equal(SignedDigest, Assert.IsType<ValidationOutcome.Trusted>(outcome).Digest?.Value);
        Assert.Equal(1, fault.Served);
        Assert.Equal(6, server.Requests.Count);
    }

    [Fact]
    public async Task Validate_NotaryKeepsAnswering500_FailsClosedAfterTheRetries()
    {
        await using var server = await StartAsync();
        server.AddFault(RegistryFaults.Status(500, times: int.MaxValue, pathContains: "/_trust/"));
        using var host = new NotaryTestHost();

        var e = await Assert.ThrowsAsync<ValidationException>(async () =>
            await Validator(host, server).ValidateAsync(Image("signed"), NotaryTestHost.Rule(), Ct));

        Assert.Equal($"root.json of GUN \"{Gun}\": Notary server {server.Authority} answered HTTP 500 (3 attempts)", e.Message);
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task Validate_TargetsMissing_DeniesNoTrustData()
    {
        await using var server = await StartAsync();
        server.Remove(Gun, "targets");
        using var host = new NotaryTestHost();

        var outcome = await Validator(host, server).ValidateAsync(Image("signed"), NotaryTestHost.Rule(), Ct);

        Assert.Equal(
            $"no trust data for GUN \"{Gun}\" on Notary server {server.Authority}: there is no targets.json (the repository is not signed)",
            Assert.IsType<ValidationOutcome.Denied>(outcome).Reason);
    }

    [Fact]
    public async Task Validate_EndlessDelegation_IsCutOffAtTheLengthTheSnapshotLists()
    {
        await using var server = await StartAsync();
        var releases = _data.Files["targets/releases"];
        server.Put(Gun, "targets/releases", [.. releases, .. Encoding.ASCII.GetBytes(new string(' ', 1024 * 1024))]);
        using var host = new NotaryTestHost();

        var outcome = await Validator(host, server).ValidateAsync(Image("signed"), NotaryTestHost.Rule(), Ct);

        Assert.Equal(
            $"targets/releases of \"{Gun}\" is longer than the {releases.Length} bytes the snapshot lists",
            Assert.IsType<ValidationOutcome.Denied>(outcome).Reason);
    }

    [Fact]
    public async Task Validate_OversizedTimestamp_IsRefusedAtItsLimit()
    {
        await using var server = await StartAsync();
        server.Put(Gun, "timestamp", Encoding.ASCII.GetBytes(new string(' ', 100 * 1024)));
        using var host = new NotaryTestHost();

        var e = await Assert.ThrowsAsync<ValidationException>(async () =>
            await Validator(host, server).ValidateAsync(Image("signed"), NotaryTestHost.Rule(), Ct));

        Assert.StartsWith($"timestamp.json of GUN \"{Gun}\" is larger than the limit of 65536 bytes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_MixAndMatchedDelegations_Denied()
    {
        // Alice's validly signed file served as targets/releases: each file is authentic, the combination is not.
        await using var server = await StartAsync();
        server.Put(Gun, "targets/releases", _data.Files["targets/alice"]);
        using var host = new NotaryTestHost();

        var outcome = await Validator(host, server).ValidateAsync(Image("multi"), NotaryTestHost.Rule(), Ct);

        Assert.IsType<ValidationOutcome.Denied>(outcome);
    }

    [Fact]
    public async Task Validate_RollbackAfterConfigurationReload_Denied()
    {
        // Rollback state lives in the factory, so a validator rebuilt on reload still remembers version 2.
        using var collection = new ForgedCollection();
        collection.Targets["signed"] = ForgedCollection.Manifest("signed");
        collection.Versions[TufRoles.Timestamp] = 2;
        var current = collection.Build();
        collection.Versions[TufRoles.Timestamp] = 1;
        var old = collection.Build();
        await using var server = await StartAsync(files: current, gun: ForgedCollection.Gun);
        using var host = new NotaryTestHost(time: new FakeTimeProvider(ForgedCollection.Now));
        var image = ImageReference.Parse(ForgedCollection.Gun + ":signed");
        IValidator Build() => host.Validator(server.BaseUri, _pki.CaCertificate, [collection.RootKey.AsTrustRoot("default")]);

        Assert.IsType<ValidationOutcome.Trusted>(await Build().ValidateAsync(image, NotaryTestHost.Rule(), Ct));
        server.PutAll(ForgedCollection.Gun, old);
        var outcome = await Build().ValidateAsync(image, NotaryTestHost.Rule(), Ct);

        Assert.Equal(
            $"timestamp of \"{ForgedCollection.Gun}\" has version 1, older than version 2 seen before (rollback)",
            Assert.IsType<ValidationOutcome.Denied>(outcome).Reason);
    }

    private static ImageReference Image(string tag) => NotaryTestHost.TestbedImage("test/app:" + tag);

    private static string RoleOf(string path) => path[(path.IndexOf("/_trust/tuf/", StringComparison.Ordinal) + "/_trust/tuf/".Length)..^".json".Length];

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private async Task<FakeNotaryServer> StartAsync(
        FakeRegistryAuth auth = FakeRegistryAuth.None, string? username = null, IReadOnlyDictionary<string, byte[]>? files = null, string? gun = null)
    {
        var server = await FakeNotaryServer.StartAsync(new FakeNotaryServerOptions
        {
            Certificate = _pki.ServerCertificate,
            Auth = auth,
            Username = username,
            Password = username is null ? null : Password,
        });
        server.PutAll(gun ?? Gun, files ?? _data.Files);
        return server;
    }

    private IValidator Validator(NotaryTestHost host, FakeNotaryServer server, RegistryAuth? auth = null)
    {
        return host.Validator(
            server.BaseUri,
            _pki.CaCertificate,
            [new("default", TestbedVerdict.TrustRootNamed("notary-root").Key)],
            auth);
    }
}
