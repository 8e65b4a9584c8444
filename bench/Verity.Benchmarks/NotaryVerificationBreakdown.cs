using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Verity.Core.Trust;
using Verity.Validators.NotaryV1.Tuf;

namespace Verity.Benchmarks;

/// <summary>
/// Where the CPU of one first verification of the test bed's collection goes, from memory (no HTTP): the whole
/// verification and its parts, each repeated in a random order per round (so load on a shared machine falls on all
/// alike); medians.
/// </summary>
internal static class NotaryVerificationBreakdown
{
    private static readonly string[] Files = ["root", "timestamp", "snapshot", "targets", "targets/releases"];

    public static async Task RunAsync(int rounds)
    {
        var bench = new NotaryColdPathBenchmarks();
        bench.LoadFilesOnly();
        var files = bench.Files;
        var pinned = bench.PinnedKeys;
        var root = MetadataReader.ReadRoot(files["root"]);
        var targets = MetadataReader.ReadTargets(files["targets"], "targets");
        var releases = MetadataReader.ReadTargets(files["targets/releases"], "targets/releases");

        // The keys one verification uses: root's certificate key, the three top-level keys, the delegation's certificate.
        var usedKeys = new List<TufKey>();
        foreach (var role in new[] { "root", "timestamp", "snapshot", "targets" })
        {
            usedKeys.AddRange(root.RoleFor(role).Keys.Values);
        }

        usedKeys.AddRange(targets.Delegations.RoleFor(targets.Delegations.Find("targets/releases")!).Keys.Values);
        var signed = new List<(TufMetadata Metadata, VerificationKey Key)>
        {
            (root, pinned[0].Key),
        };
        signed.Add((root, root.RoleFor("root").Keys.Values.Single().Key!));
        signed.Add((MetadataReader.ReadTimestamp(files["timestamp"]), root.RoleFor("timestamp").Keys.Values.Single().Key!));
        signed.Add((MetadataReader.ReadSnapshot(files["snapshot"]), root.RoleFor("snapshot").Keys.Values.Single().Key!));
        signed.Add((targets, root.RoleFor("targets").Keys.Values.Single().Key!));
        signed.Add((releases, targets.Delegations.RoleFor(targets.Delegations.Find("targets/releases")!).Keys.Values.Single().Key!));
        var spkis = usedKeys.Select(k => k.Key!.SubjectPublicKeyInfo.ToArray()).ToArray();

        var cases = new (string Name, Func<Task> Run)[]
        {
            ("whole verification (NotaryTrustVerifier)", () => bench.FirstVerificationFromMemory().AsTask()),
            ("TrustedMetadataSet, 5 files, nothing else", () =>
            {
                var set = TrustedMetadataSet.LoadPinnedRoot(bench.Gun, files["root"], pinned, DateTimeOffset.UtcNow);
                set.UpdateTimestamp(files["timestamp"]);
                set.UpdateSnapshot(files["snapshot"]);
                set.UpdateTargets(files["targets"]);
                set.UpdateDelegatedTargets(files["targets/releases"], "targets/releases");
                return Task.CompletedTask;
            }),
            ("LoadPinnedRoot", () =>
            {
                _ = TrustedMetadataSet.LoadPinnedRoot(bench.Gun, files["root"], pinned, DateTimeOffset.UtcNow);
                return Task.CompletedTask;
            }),
            ("X.509 load + SPKI export, 2 certificates", () =>
            {
                foreach (var key in usedKeys.Where(k => k.IsCertificate))
                {
                    var pem = System.Text.Encoding.ASCII.GetString(key.PublicBytes);
                    System.Security.Cryptography.PemEncoding.TryFind(pem, out var fields);
                    using var certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(Convert.FromBase64String(pem[fields.Base64Data]));
                    _ = certificate.PublicKey.ExportSubjectPublicKeyInfo();
                    _ = certificate.SubjectName.EnumerateRelativeDistinguishedNames().Count();
                }

                return Task.CompletedTask;
            }),
            ("ECDsa import only, 5 keys", () =>
            {
                foreach (var spki in spkis)
                {
                    using var ecdsa = System.Security.Cryptography.ECDsa.Create();
                    ecdsa.ImportSubjectPublicKeyInfo(spki, out _);
                }

                return Task.CompletedTask;
            }),
            ("ECDsa import + first verify, 5 keys", () =>
            {
                for (var i = 0; i < 5; i++)
                {
                    using var ecdsa = System.Security.Cryptography.ECDsa.Create();
                    ecdsa.ImportSubjectPublicKeyInfo(spkis[i], out _);
                    var (metadata, _) = signed[i + 1];
                    _ = ecdsa.VerifyData(metadata.SignedBytes.Span, metadata.Signatures[0].Value, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
                }

                return Task.CompletedTask;
            }),
            ("JsonDocument.Parse, 5 files", () =>
            {
                foreach (var role in Files)
                {
                    using var document = JsonDocument.Parse(files[role], MetadataJson.DocumentOptions);
                }

                return Task.CompletedTask;
            }),
            ("canonical JSON of signed (incl. parse), 5 files", () =>
            {
                foreach (var role in Files)
                {
                    using var document = JsonDocument.Parse(files[role], MetadataJson.DocumentOptions);
                    _ = OlpcCanonicalJson.Serialize(document.RootElement.GetProperty("signed"));
                }

                return Task.CompletedTask;
            }),
            ("MetadataReader (parse, canonical, key ids), 5 files", () =>
            {
                _ = MetadataReader.ReadRoot(files["root"]);
                _ = MetadataReader.ReadTimestamp(files["timestamp"]);
                _ = MetadataReader.ReadSnapshot(files["snapshot"]);
                _ = MetadataReader.ReadTargets(files["targets"], "targets");
                _ = MetadataReader.ReadTargets(files["targets/releases"], "targets/releases");
                return Task.CompletedTask;
            }),
            ("key import, 5 keys (2 certificates) from TufKey", () =>
            {
                foreach (var key in usedKeys)
                {
                    _ = TufKey.Create(key.KeyType, key.PublicBytes).Key;
                }

                return Task.CompletedTask;
            }),
            ("key import, the same 5 keys from their SPKI", () =>
            {
                foreach (var spki in spkis)
                {
                    _ = VerificationKey.TryFromSubjectPublicKeyInfo(spki, out _, out _);
                }

                return Task.CompletedTask;
            }),
            ("6 signature checks, keys imported before", () =>
            {
                foreach (var (metadata, key) in signed)
                {
                    var signature = metadata.Signatures[0];
                    if (!SignatureMethods.Verify(key, signature.Method, metadata.SignedBytes.Span, signature.Value))
                    {
                        throw new InvalidOperationException("bad signature");
                    }
                }

                return Task.CompletedTask;
            }),
        };

        for (var i = 0; i < 20; i++)
        {
            foreach (var c in cases)
            {
                await c.Run();
            }
        }

        var times = cases.Select(_ => new List<double>()).ToArray();
        var random = new Random(14);
        var gcBefore = GC.CollectionCount(0);
        for (var round = 0; round < rounds; round++)
        {
            foreach (var i in Enumerable.Range(0, cases.Length).OrderBy(_ => random.Next()))
            {
                var clock = Stopwatch.StartNew();
                await cases[i].Run();
                times[i].Add(clock.Elapsed.TotalMilliseconds);
            }
        }

        var whole = Median(times[0]);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{rounds} rounds, interleaved; median [p25–p75], share of the whole verification; gen0 GCs {GC.CollectionCount(0) - gcBefore}"));
        for (var i = 0; i < cases.Length; i++)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {cases[i].Name,-52} {Median(times[i]),7:F3} ms [{Quantile(times[i], 0.25):F3}–{Quantile(times[i], 0.75):F3}]  {Median(times[i]) / whole:F2}"));
        }

        // Allocation of one whole verification.
        var before = GC.GetAllocatedBytesForCurrentThread();
        await bench.FirstVerificationFromMemory();
        Console.WriteLine($"  allocated by one whole verification (this thread): {(GC.GetAllocatedBytesForCurrentThread() - before) / 1024.0:F1} KiB");
    }

    private static double Median(List<double> values) => Quantile(values, 0.5);

    private static double Quantile(IEnumerable<double> values, double q)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
    }
}
