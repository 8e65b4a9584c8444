using System.Collections.Immutable;
using Verity.Core.Images;

namespace Verity.Core.Policy;

/// <summary>
/// The ordered list of policy rules and the choice of the most specific rule for an image.
/// </summary>
/// <remarks>
/// <para>
/// Specificity follows Connaisseur (<c>internal/policy/match.go</c>), computed on the normalised pattern
/// <c>P</c> and the canonical image <c>I</c>, both split at <c>/</c> into components:
/// </para>
/// <list type="number">
/// <item>More components win. The tag is part of the last component: <c>a/b:tag</c> has 2.</item>
/// <item>On equal counts, the first component (left to right) whose literal common prefix with the
/// image's component is longer wins; a wildcard ends the common prefix.</item>
/// <item>Then the first component that is longer wins.</item>
/// <item>On a full tie, the later rule in the list wins.</item>
/// </list>
/// <para>
/// Example, image <c>docker.io/securesystemsengineering/sample:v1</c>: <c>*/*</c> beats <c>*:*</c>
/// (2 components against 1); <c>docker.io/*</c> beats <c>docker.i*/s*</c> (common prefix 9 against 8 in
/// component 0); <c>*/sam*/*</c> beats <c>*/*/sample:v1</c> (common prefixes <c>[0,1,0]</c> against
/// <c>[0,0,9]</c>: the left-most difference decides, so a literal start in a middle component outweighs a
/// longer literal further right); and <c>securesystemsengineering/sample:v*</c> beats
/// <c>securesystemsengineering/sample:*</c>
/// (prefix 8 against 7 in the last component).
/// </para>
/// </remarks>
public sealed class ImagePolicy
{
    /// <summary>Creates a policy from rules in configuration order.</summary>
    public ImagePolicy(ImmutableArray<PolicyRule> rules)
    {
        Rules = rules;
    }

    /// <summary>The rules in configuration order.</summary>
    public ImmutableArray<PolicyRule> Rules { get; }

    /// <summary>The most specific rule whose pattern matches <paramref name="image"/>, or null if none does.</summary>
    public PolicyRule? FindRule(ImageReference image)
    {
        ArgumentNullException.ThrowIfNull(image);
        string canonical = image.Canonical;
        PolicyRule? best = null;
        foreach (var rule in Rules)
        {
            if (!rule.Pattern.IsMatch(image))
            {
                continue;
            }

            if (best is null || Compare(rule.Pattern, best.Pattern, canonical) >= 0)
            {
                best = rule;
            }
        }

        return best;
    }

    /// <summary>
    /// Compares the specificity of two patterns for one image: positive when <paramref name="a"/> is more
    /// specific, negative when <paramref name="b"/> is, 0 on a tie.
    /// </summary>
    public static int Compare(PolicyPattern a, PolicyPattern b, string image)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(image);
        var ac = a.Components;
        var bc = b.Components;
        if (ac.Length != bc.Length)
        {
            return ac.Length.CompareTo(bc.Length);
        }

        for (int i = 0; i < ac.Length; i++)
        {
            var imageComponent = ImageComponent(image, i);
            int byPrefix = CommonPrefix(ac[i], imageComponent).CompareTo(CommonPrefix(bc[i], imageComponent));
            if (byPrefix != 0)
            {
                return byPrefix;
            }
        }

        for (int i = 0; i < ac.Length; i++)
        {
            int byLength = ac[i].Length.CompareTo(bc[i].Length);
            if (byLength != 0)
            {
                return byLength;
            }
        }

        return 0;
    }

    private static ReadOnlySpan<char> ImageComponent(string image, int index)
    {
        var rest = image.AsSpan();
        for (int i = 0; i < index; i++)
        {
            int slash = rest.IndexOf('/');
            if (slash < 0)
            {
                return [];
            }

            rest = rest[(slash + 1)..];
        }

        int end = rest.IndexOf('/');
        return end < 0 ? rest : rest[..end];
    }

    private static int CommonPrefix(ReadOnlySpan<char> pattern, ReadOnlySpan<char> image)
    {
        return pattern.CommonPrefixLength(image);
    }
}
