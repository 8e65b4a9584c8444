using Verity.Core.Images;
using Verity.Core.Policy;

namespace Verity.Fuzz.Targets;

/// <summary>
/// The policy pattern compiler (pattern → normalised globs → regular expressions) and the matcher the admission
/// path runs: the first line is a pattern, every further line an image matched against it and a catch-all rule.
/// </summary>
internal sealed class PolicyPatternTarget : FuzzTarget
{
    private static readonly PolicyPattern CatchAll = PolicyPattern.TryParse("*:*", out var p, out _) ? p : throw new InvalidOperationException("\"*:*\" does not parse");

    private static readonly string[] DefaultImages =
        ["nginx", "docker.io/acme/app:1.2", "registry.k8s.io/pause@sha256:" + new string('a', 64), "localhost:5000/a/b/c:v1"];

    public override string Name => "policy-pattern";

    public override string EntryPoint => "PolicyPattern.TryParse, PolicyPattern.IsMatch, ImagePolicy.FindRule";

    public override string Outcomes => "TryParse: false with an error, or a pattern; IsMatch and FindRule: an answer";

    public override string Dictionary => "policy-pattern";

    public override void Run(ReadOnlySpan<byte> input)
    {
        var lines = FuzzInput.Text(input).Split('\n');
        if (!PolicyPattern.TryParse(lines[0], out var pattern, out var error))
        {
            if (string.IsNullOrEmpty(error))
            {
                throw new FuzzInvariantException("TryParse failed without an error message");
            }

            return;
        }

        // A pattern must survive its own normalisation: the loader compares and reports rules by the normalised form.
        if (!PolicyPattern.TryParse(pattern.Normalized, out var again, out error) || again.Normalized != pattern.Normalized)
        {
            throw new FuzzInvariantException($"the normalised pattern \"{pattern.Normalized}\" of \"{pattern.Original}\" does not parse to itself: {error}");
        }

        var policy = new ImagePolicy(
        [
            new PolicyRule { Pattern = CatchAll, Validator = "catch-all", Index = 0 },
            new PolicyRule { Pattern = pattern, Validator = "fuzzed", Index = 1 },
        ]);
        foreach (var line in lines.Length > 1 ? lines.AsSpan(1) : DefaultImages)
        {
            if (!ImageReference.TryParse(line, out var image))
            {
                continue;
            }

            bool matches = pattern.IsMatch(image);
            var rule = policy.FindRule(image) ?? throw new FuzzInvariantException($"no rule for \"{image}\" although \"*:*\" matches every image");
            if (rule.Validator == "fuzzed" && !matches)
            {
                throw new FuzzInvariantException($"FindRule chose \"{pattern.Original}\" for \"{image}\", which it does not match");
            }
        }
    }
}
