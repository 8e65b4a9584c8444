using System.Diagnostics.CodeAnalysis;
using Verity.Core.Images;

namespace Verity.Core.Policy;

/// <summary>
/// A rule's image pattern: a glob over the normalised image reference, anchored at both ends.
/// </summary>
/// <remarks>
/// <para>
/// A pattern has the shape of an image reference, <c>name[:tag][@digest]</c>, where each part is a
/// <see cref="Glob"/>. The name part is normalised the way an image reference is, so that a pattern and
/// the images it is meant for are compared in the same form:
/// </para>
/// <list type="bullet">
/// <item>a first component with a wildcard (<c>*/*</c>, <c>docker.i*/s*</c>) is taken as written and may
/// match any registry;</item>
/// <item>a first component with <c>.</c> or <c>:</c>, or <c>localhost</c>, is a registry;
/// <c>index.docker.io</c> becomes <c>docker.io</c>;</item>
/// <item>otherwise the pattern is a Docker Hub repository: <c>acme/*</c> → <c>docker.io/acme/*</c>,
/// <c>nginx</c> → <c>docker.io/library/nginx</c>, <c>docker.io/redis:*</c> → <c>docker.io/library/redis:*</c>
/// (only when the repository part has no wildcard: <c>docker.io/*</c> stays all of Docker Hub);</item>
/// <item>a pattern of only <c>*</c> matches every name.</item>
/// </list>
/// <para>
/// Matching: the name glob must match the image's <c>registry/repository</c> entirely. Without a tag part,
/// any tag (or none) matches; a tag part of only <c>*</c> also matches a reference with a digest and no
/// tag; any other tag part needs a tag that matches it. A digest part needs a digest that matches it.
/// </para>
/// <para>
/// Unlike Connaisseur, which wraps every pattern in <c>*…*</c> and so lets <c>docker.io/acme/*</c> match
/// <c>evil.example/docker.io/acme/x:1</c>, nothing here matches in the middle of a name.
/// </para>
/// </remarks>
public sealed class PolicyPattern
{
    private PolicyPattern(string original, string normalized, Glob name, Glob? tag, Glob? digest)
    {
        Original = original;
        Normalized = normalized;
        NameGlob = name;
        TagGlob = tag;
        DigestGlob = digest;
        Components = normalized.Split('/');
    }

    /// <summary>The pattern as written in the configuration.</summary>
    public string Original { get; }

    /// <summary>The pattern after normalisation, e.g. <c>docker.io/library/nginx:*</c>.</summary>
    public string Normalized { get; }

    internal Glob NameGlob { get; }

    internal Glob? TagGlob { get; }

    internal Glob? DigestGlob { get; }

    /// <summary>The normalised pattern split at <c>/</c>, for specificity.</summary>
    internal string[] Components { get; }

    /// <summary>Parses and normalises a pattern; on failure <paramref name="error"/> names the problem.</summary>
    public static bool TryParse(
        string? pattern, [NotNullWhen(true)] out PolicyPattern? result, [NotNullWhen(false)] out string? error)
    {
        result = null;
        if (string.IsNullOrEmpty(pattern))
        {
            error = "the pattern is empty";
            return false;
        }

        if (pattern.Any(char.IsWhiteSpace))
        {
            error = $"the pattern \"{pattern}\" contains white space";
            return false;
        }

        int at = IndexOfTopLevel(pattern, '@', 0, pattern.Length);
        string beforeDigest = at < 0 ? pattern : pattern[..at];
        string? digestPart = at < 0 ? null : pattern[(at + 1)..];
        int lastSlash = LastIndexOfTopLevel(beforeDigest, '/');
        int colon = IndexOfTopLevel(beforeDigest, ':', lastSlash + 1, beforeDigest.Length);
        string namePart = colon < 0 ? beforeDigest : beforeDigest[..colon];
        string? tagPart = colon < 0 ? null : beforeDigest[(colon + 1)..];

        if (namePart.Length == 0)
        {
            error = $"the pattern \"{pattern}\" has no name before \":\" or \"@\"";
            return false;
        }

        if (tagPart is { Length: 0 })
        {
            error = $"the pattern \"{pattern}\" has an empty tag after \":\"";
            return false;
        }

        if (digestPart is { Length: 0 })
        {
            error = $"the pattern \"{pattern}\" has an empty digest after \"@\"";
            return false;
        }

        string normalizedName = NormalizeName(namePart);
        if (!Glob.TryCreate(normalizedName, out var nameGlob, out error)
            || !TryCreateOptional(tagPart, out var tagGlob, out error)
            || !TryCreateOptional(digestPart, out var digestGlob, out error))
        {
            error = $"the pattern \"{pattern}\" is not a valid glob: {error}";
            return false;
        }

        string normalized = normalizedName
            + (tagPart is null ? string.Empty : ":" + tagPart)
            + (digestPart is null ? string.Empty : "@" + digestPart);
        result = new PolicyPattern(pattern, normalized, nameGlob, tagGlob, digestGlob);
        return true;
    }

    /// <summary>Whether the image matches this pattern (see the remarks on <see cref="PolicyPattern"/>).</summary>
    public bool IsMatch(ImageReference image)
    {
        if (!NameGlob.IsMatch(image.Name))
        {
            return false;
        }

        if (TagGlob is not null)
        {
            bool tagMatches = image.Tag is null ? TagGlob.IsMatchAll : TagGlob.IsMatch(image.Tag);
            if (!tagMatches)
            {
                return false;
            }
        }

        if (DigestGlob is not null)
        {
            if (image.Digest is not { } digest || !DigestGlob.IsMatch(digest.Value))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc/>
    public override string ToString() => Original;

    private static string NormalizeName(string name)
    {
        int slash = IndexOfTopLevel(name, '/', 0, name.Length);
        if (slash < 0)
        {
            // A single component: Docker Hub's official images, unless it is a pure wildcard.
            return name.AsSpan().IndexOfAnyExcept('*') < 0 ? name : ImageReference.DockerHub + "/library/" + name;
        }

        var first = name.AsSpan(0, slash);
        if (Glob.HasMeta(first))
        {
            return name;
        }

        if (first.ContainsAny('.', ':') || first.SequenceEqual("localhost"))
        {
            string registry = first.SequenceEqual("index.docker.io") ? ImageReference.DockerHub : first.ToString();
            string rest = name[(slash + 1)..];
            if (registry == ImageReference.DockerHub && !rest.Contains('/', StringComparison.Ordinal) && !Glob.HasMeta(rest))
            {
                rest = "library/" + rest;
            }

            return registry + "/" + rest;
        }

        return ImageReference.DockerHub + "/" + name;
    }

    private static bool TryCreateOptional(string? part, out Glob? glob, out string? error)
    {
        glob = null;
        error = null;
        if (part is null)
        {
            return true;
        }

        if (!Glob.TryCreate(part, out var created, out error))
        {
            return false;
        }

        glob = created;
        return true;
    }

    // Finds c outside [...] and {...} and not escaped.
    private static int IndexOfTopLevel(string s, char c, int start, int end)
    {
        int depth = 0;
        bool inClass = false;
        for (int i = start; i < end; i++)
        {
            char x = s[i];
            if (x == '\\')
            {
                i++;
                continue;
            }

            if (inClass)
            {
                inClass = x != ']';
                continue;
            }

            switch (x)
            {
                case '[':
                    inClass = true;
                    break;
                case '{':
                    depth++;
                    break;
                case '}' when depth > 0:
                    depth--;
                    break;
                default:
                    if (x == c && depth == 0)
                    {
                        return i;
                    }

                    break;
            }
        }

        return -1;
    }

    private static int LastIndexOfTopLevel(string s, char c)
    {
        int last = -1;
        int from = 0;
        while (true)
        {
            int next = IndexOfTopLevel(s, c, from, s.Length);
            if (next < 0)
            {
                return last;
            }

            last = next;
            from = next + 1;
        }
    }
}
