using System.Collections.Immutable;
using System.Text.Json;
using Verity.Core.Images;
using Verity.Core.Trust;
using Verity.Testing;

namespace Verity.Validators.Tests.NotaryV1;

/// <summary>A <c>notaryv1</c> entry of the test bed's expected verdicts (<c>TESTBED_VERDICTS</c>).</summary>
/// <param name="Id">A readable case id: image, trust root and delegations.</param>
/// <param name="Image">The image reference.</param>
/// <param name="TrustRoot">The trust root's name: <c>notary-root</c> or <c>notary-wrong-root</c>.</param>
/// <param name="Delegations">The rule's delegations with the <c>targets/</c> prefix (as the configuration loader adds it).</param>
/// <param name="Admit">Whether the image is to be admitted.</param>
/// <param name="ResolvedDigest">The digest it is to be pinned to, when admitted.</param>
internal sealed record TestbedVerdict(string Id, string Image, string TrustRoot, ImmutableArray<string> Delegations, bool Admit, string? ResolvedDigest)
{
    /// <summary>The parsed <see cref="Image"/>.</summary>
    public ImageReference Reference => ImageReference.Parse(Image);

    /// <summary>Every notaryv1 case.</summary>
    public static IReadOnlyList<TestbedVerdict> All()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Testbed.Current["TESTBED_VERDICTS"]));
        var verdicts = new List<TestbedVerdict>();
        foreach (var entry in document.RootElement.EnumerateArray())
        {
            if (entry.GetProperty("verifier").GetString() != "notaryv1")
            {
                continue;
            }

            var policy = entry.GetProperty("policy");
            var delegations = policy.TryGetProperty("delegations", out var d) ? d.EnumerateArray().Select(e => e.GetString()!).ToArray() : [];
            var image = entry.GetProperty("image").GetString()!;
            var trustRoot = policy.GetProperty("trustRoot").GetString()!;
            verdicts.Add(new TestbedVerdict(
                $"{image} trustRoot={trustRoot}" + (delegations.Length > 0 ? $" delegations={string.Join(",", delegations)}" : string.Empty),
                image,
                trustRoot,
                [.. delegations.Select(x => x.StartsWith("targets/", StringComparison.Ordinal) ? x : "targets/" + x)],
                entry.GetProperty("expect").GetString() == "admit",
                entry.TryGetProperty("resolvedDigest", out var digest) && digest.ValueKind == JsonValueKind.String ? digest.GetString() : null));
        }

        return verdicts;
    }

    /// <summary>The case ids, for <c>MemberData</c>.</summary>
    public static TheoryData<string> Ids()
    {
        var ids = new TheoryData<string>();
        foreach (var verdict in All())
        {
            ids.Add(verdict.Id);
        }

        return ids;
    }

    /// <summary>The case with this id.</summary>
    public static TestbedVerdict Get(string id) => All().Single(v => v.Id == id);

    /// <summary>The test bed's trust root of this name.</summary>
    public static PublicKeyTrustRoot TrustRootNamed(string name) => name switch
    {
        "notary-root" => new(name, VerificationKey.Parse(Testbed.Current.ReadFile("TESTBED_NOTARY_ROOT_PUB_PEM"))),
        "notary-wrong-root" => new(name, VerificationKey.Parse(Testbed.Current.ReadFile("TESTBED_NOTARY_WRONG_ROOT_PUB_PEM"))),
        _ => throw new ArgumentException($"unknown trust root {name}", nameof(name)),
    };
}
