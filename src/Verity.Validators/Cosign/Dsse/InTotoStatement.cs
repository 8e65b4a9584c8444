using System.Collections.Immutable;
using Verity.Core.Images;
using Verity.Validators.Cosign.Json;

namespace Verity.Validators.Cosign.Dsse;

/// <summary>
/// The parts of an in-toto statement (in-toto attestation framework, statement.md v1 and v0.1) that bind it
/// to an artifact: its subjects' digests and its predicate type.
/// </summary>
internal sealed record InTotoStatement
{
    private static readonly string[] StatementTypes = ["https://in-toto.io/Statement/v1", "https://in-toto.io/Statement/v0.1"];

    /// <summary>The predicate type, e.g. <c>https://slsa.dev/provenance/v1</c>.</summary>
    public required string PredicateType { get; init; }

    /// <summary>Each subject's digests, as algorithm → lower-case hex.</summary>
    public required ImmutableArray<ImmutableDictionary<string, string>> SubjectDigests { get; init; }

    /// <summary>Whether a subject has <paramref name="digest"/> under its algorithm.</summary>
    public bool HasSubject(Digest digest)
    {
        foreach (var subject in SubjectDigests)
        {
            if (subject.TryGetValue(digest.Algorithm, out var hex) && string.Equals(hex, digest.Hex, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Reads a statement; throws <see cref="FormatException"/>.</summary>
    public static InTotoStatement Parse(ReadOnlyMemory<byte> json)
    {
        using var document = JsonInput.Parse(json, "the in-toto statement");
        var root = JsonInput.RequireObject(document.RootElement, "statement");
        var type = JsonInput.String(root, "_type", "statement");
        if (!StatementTypes.Contains(type))
        {
            throw new FormatException($"statement._type \"{type}\" is not an in-toto statement type");
        }

        var subjects = ImmutableArray.CreateBuilder<ImmutableDictionary<string, string>>();
        int i = 0;
        foreach (var subject in JsonInput.Array(root, "subject", "statement").EnumerateArray())
        {
            var path = $"statement.subject[{i++}]";
            var digests = JsonInput.Object(JsonInput.RequireObject(subject, path), "digest", path);
            var map = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
            foreach (var entry in digests.EnumerateObject())
            {
                map[entry.Name] = entry.Value.ValueKind == System.Text.Json.JsonValueKind.String
                    ? entry.Value.GetString()!
                    : throw new FormatException($"{path}.digest.{entry.Name} must be a string");
            }

            subjects.Add(map.ToImmutable());
        }

        return new InTotoStatement
        {
            PredicateType = JsonInput.String(root, "predicateType", "statement"),
            SubjectDigests = subjects.ToImmutable(),
        };
    }
}
