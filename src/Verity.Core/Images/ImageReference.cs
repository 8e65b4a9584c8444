using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Verity.Core.Images;

/// <summary>
/// A parsed and normalised container image reference: <c>registry/repository[:tag][@digest]</c>.
/// </summary>
/// <remarks>
/// <para>
/// Parsing follows the reference grammar of the distribution project (<c>distribution/reference</c>,
/// <c>ParseNormalizedNamed</c>), which Docker and containerd share:
/// </para>
/// <list type="bullet">
/// <item>The first path component is a registry when it contains <c>.</c> or <c>:</c>, is <c>localhost</c>,
/// or contains an upper-case letter; otherwise the image is on Docker Hub (<c>docker.io</c>).</item>
/// <item><c>index.docker.io</c> is the legacy name of <c>docker.io</c> and is rewritten to it.</item>
/// <item>A Docker Hub repository with one component gets the <c>library/</c> prefix.</item>
/// <item>The tag <c>latest</c> is added only when the reference has neither tag nor digest;
/// <c>repo:tag@digest</c> keeps both.</item>
/// <item>Repository names are lower case, at most 255 characters with the registry; a bare 64-character
/// hex string is refused as a name (it would be mistaken for an image ID); digests must be valid
/// (see <see cref="Images.Digest"/>).</item>
/// </list>
/// <para>
/// Example: <c>nginx</c> → <c>docker.io/library/nginx:latest</c>;
/// <c>index.docker.io/acme/app:1@sha256:…</c> → <c>docker.io/acme/app:1@sha256:…</c>.
/// </para>
/// </remarks>
public sealed partial class ImageReference : IEquatable<ImageReference>
{
    /// <summary>The registry every Docker Hub image is normalised to.</summary>
    public const string DockerHub = "docker.io";

    private const string LegacyDockerHub = "index.docker.io";
    private const int MaxNameLength = 255;

    private ImageReference(string original, string registry, string repository, string? tag, Digest? digest)
    {
        Original = original;
        Registry = registry;
        Repository = repository;
        Tag = tag;
        Digest = digest;
        Name = registry + "/" + repository;
        Canonical = Name + (tag is null ? string.Empty : ":" + tag) + (digest is { } d ? "@" + d.Value : string.Empty);
    }

    /// <summary>The string the reference was parsed from, as written in the workload.</summary>
    public string Original { get; }

    /// <summary>The registry host, with port if any, e.g. <c>docker.io</c> or <c>registry.example:5000</c>.</summary>
    public string Registry { get; }

    /// <summary>The repository path inside the registry, e.g. <c>library/nginx</c>.</summary>
    public string Repository { get; }

    /// <summary>The tag, or null when the reference names only a digest.</summary>
    public string? Tag { get; }

    /// <summary>The digest, if the reference has one.</summary>
    public Digest? Digest { get; }

    /// <summary><c>registry/repository</c>, e.g. <c>docker.io/library/nginx</c>.</summary>
    public string Name { get; }

    /// <summary>The canonical form <c>registry/repository[:tag][@digest]</c>.</summary>
    public string Canonical { get; }

    /// <summary>Parses a reference or throws <see cref="FormatException"/> naming the problem.</summary>
    public static ImageReference Parse(string reference)
    {
        return TryParse(reference, out var image, out var error) ? image : throw new FormatException(error);
    }

    /// <summary>Parses a reference; returns false on failure.</summary>
    public static bool TryParse([NotNullWhen(true)] string? reference, [NotNullWhen(true)] out ImageReference? image)
    {
        return TryParse(reference, out image, out _);
    }

    /// <summary>Parses a reference; on failure <paramref name="error"/> is a sentence naming the problem.</summary>
    public static bool TryParse(
        [NotNullWhen(true)] string? reference,
        [NotNullWhen(true)] out ImageReference? image,
        [NotNullWhen(false)] out string? error)
    {
        image = null;
        if (string.IsNullOrEmpty(reference))
        {
            error = "invalid image reference \"\": the reference is empty";
            return false;
        }

        if (reference.Length > 4096)
        {
            error = $"invalid image reference \"{reference[..64]}…\": the reference is longer than 4096 characters";
            return false;
        }

        if (IdentifierRegex().IsMatch(reference))
        {
            error = $"invalid image reference \"{reference}\": a 64-character hex string is an image ID, not a repository name";
            return false;
        }

        // splitDockerDomain
        string registry;
        string remainder;
        int slash = reference.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !LooksLikeRegistry(reference.AsSpan(0, slash)))
        {
            registry = DockerHub;
            remainder = reference;
        }
        else
        {
            registry = reference[..slash];
            remainder = reference[(slash + 1)..];
        }

        if (registry == LegacyDockerHub)
        {
            registry = DockerHub;
        }

        if (registry == DockerHub && !remainder.Contains('/', StringComparison.Ordinal))
        {
            remainder = "library/" + remainder;
        }

        var match = ReferenceRegex().Match(registry + "/" + remainder);
        if (!match.Success)
        {
            var lower = (registry + "/" + remainder).ToLowerInvariant();
            error = ReferenceRegex().IsMatch(lower)
                ? $"invalid image reference \"{reference}\": the repository name must be lower case"
                : $"invalid image reference \"{reference}\": {DescribeFormatError(reference)}";
            return false;
        }

        var name = match.Groups["name"].Value;
        if (name.Length > MaxNameLength)
        {
            error = $"invalid image reference \"{reference}\": the repository name is longer than {MaxNameLength} characters";
            return false;
        }

        // The regex was matched on registry + "/" + remainder, so the registry is exactly the prefix.
        var repository = name[(registry.Length + 1)..];
        string? tag = match.Groups["tag"].Success ? match.Groups["tag"].Value : null;
        Digest? digest = null;
        if (match.Groups["digest"].Success)
        {
            if (!Images.Digest.TryParse(match.Groups["digest"].Value, out var parsed, out var digestError))
            {
                error = $"invalid image reference \"{reference}\": {digestError}";
                return false;
            }

            digest = parsed;
        }

        if (tag is null && digest is null)
        {
            tag = "latest";
        }

        image = new ImageReference(reference, registry, repository, tag, digest);
        error = null;
        return true;
    }

    /// <summary>This image pinned to <paramref name="digest"/>: <c>registry/repository@digest</c>, tag dropped.</summary>
    public ImageReference PinnedTo(Digest digest)
    {
        return new ImageReference(Original, Registry, Repository, tag: null, digest);
    }

    /// <summary>This image with <paramref name="digest"/> added, keeping the tag: <c>name:tag@digest</c>.</summary>
    public ImageReference WithDigest(Digest digest)
    {
        return new ImageReference(Original, Registry, Repository, Tag, digest);
    }

    /// <inheritdoc/>
    public bool Equals(ImageReference? other) => other is not null && Canonical == other.Canonical;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as ImageReference);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Canonical);

    /// <summary>The canonical form, see <see cref="Canonical"/>.</summary>
    public override string ToString() => Canonical;

    private static bool LooksLikeRegistry(ReadOnlySpan<char> component)
    {
        if (component.ContainsAny('.', ':') || component.SequenceEqual("localhost"))
        {
            return true;
        }

        foreach (var c in component)
        {
            if (char.IsAsciiLetterUpper(c))
            {
                return true;
            }
        }

        return false;
    }

    private static string DescribeFormatError(string reference)
    {
        if (reference.Any(char.IsWhiteSpace))
        {
            return "it contains white space";
        }

        var at = reference.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            var digest = reference[(at + 1)..];
            if (!Images.Digest.TryParse(digest, out _, out var digestError))
            {
                return digestError;
            }
        }

        var lastSlash = reference.LastIndexOf('/');
        var colon = reference.IndexOf(':', lastSlash + 1);
        if (colon >= 0)
        {
            var end = at > colon ? at : reference.Length;
            var tag = reference[(colon + 1)..end];
            if (tag.Length == 0)
            {
                return "the tag after \":\" is empty";
            }

            if (tag.Length > 128)
            {
                return "the tag is longer than 128 characters";
            }
        }

        return "it does not match the reference grammar registry/repository[:tag][@digest]";
    }

    // distribution/reference regexp.go: domain and port, path components, tag, digest.
    [GeneratedRegex(
        """
        ^(?<name>(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)(?::(?<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@(?<digest>[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?\z
        """,
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex ReferenceRegex();

    [GeneratedRegex(@"^[a-f0-9]{64}\z", RegexOptions.CultureInvariant)]
    private static partial Regex IdentifierRegex();
}
