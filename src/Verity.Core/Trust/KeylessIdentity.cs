using System.Text.RegularExpressions;

namespace Verity.Core.Trust;

/// <summary>
/// The identity a keyless (Fulcio) certificate must carry: OIDC issuer and subject, each exact or a regex.
/// </summary>
/// <remarks>
/// Regular expressions are anchored at both ends when compiled (Connaisseur passes them unanchored, so
/// <c>alice@example.com</c> as a regex also matches <c>alice@example.com.evil</c>).
/// </remarks>
public sealed record KeylessIdentity
{
    /// <summary>The exact OIDC issuer, or null when <see cref="IssuerRegex"/> is used.</summary>
    public string? Issuer { get; init; }

    /// <summary>The issuer regex, anchored.</summary>
    public Regex? IssuerRegex { get; init; }

    /// <summary>The exact subject (SAN), or null when <see cref="SubjectRegex"/> is used.</summary>
    public string? Subject { get; init; }

    /// <summary>The subject regex, anchored.</summary>
    public Regex? SubjectRegex { get; init; }

    /// <summary>Whether the issuer and subject of a certificate match this identity.</summary>
    public bool Matches(string issuer, string subject)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        ArgumentNullException.ThrowIfNull(subject);
        bool issuerOk = Issuer is not null ? string.Equals(Issuer, issuer, StringComparison.Ordinal) : IssuerRegex!.IsMatch(issuer);
        bool subjectOk = Subject is not null ? string.Equals(Subject, subject, StringComparison.Ordinal) : SubjectRegex!.IsMatch(subject);
        return issuerOk && subjectOk;
    }

    /// <summary>Compiles a user regex anchored at both ends, with a match timeout.</summary>
    /// <remarks>
    /// The pattern is parsed on its own first: wrapped as <c>^(?:…)\z</c>, an unbalanced pattern such as <c>a)|(.*</c>
    /// would close the group early and make the anchors apply to one alternative only (<c>^(?:a)|(.*)\z</c> matches
    /// anything). Only a pattern that is a whole regular expression by itself is accepted.
    /// </remarks>
    /// <exception cref="ArgumentException">The pattern is not a regular expression on its own (e.g. unbalanced parentheses).</exception>
    /// <exception cref="NotSupportedException">The pattern uses a construct the non-backtracking engine does not support.</exception>
    public static Regex Anchored(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        _ = new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking, TimeSpan.FromMilliseconds(100));
        // The non-backtracking engine matches in linear time; the timeout only bounds huge inputs. Its automaton is
        // built lazily on first use, which under load can take longer than a match: build it here, at load, so that
        // a busy process does not time out (and deny) on the first signature it checks.
        var regex = new Regex(
            "^(?:" + pattern + @")\z",
            RegexOptions.CultureInvariant | RegexOptions.NonBacktracking,
            TimeSpan.FromSeconds(1));
        _ = regex.IsMatch("https://warm.up/identity@example.com");
        return regex;
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        return $"issuer {(Issuer ?? "~" + IssuerRegex)}, subject {(Subject ?? "~" + SubjectRegex)}";
    }
}
