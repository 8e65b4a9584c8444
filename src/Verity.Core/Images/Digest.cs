using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Verity.Core.Images;

/// <summary>
/// A content digest in the OCI form <c>algorithm:hex</c>, e.g. <c>sha256:…</c>.
/// </summary>
/// <remarks>
/// Only the algorithms registered by the OCI image specification (descriptor.md, "Registered algorithms")
/// are accepted: <c>sha256</c> (64 hex characters) and <c>sha512</c> (128), plus <c>sha384</c> (96), which
/// go-digest also accepts. The hex part must be lower case, as the specification requires. An instance is
/// always valid: the only ways to get one are <see cref="Parse"/>, <c>TryParse</c> and
/// <see cref="Compute(ReadOnlySpan{byte})"/>.
/// </remarks>
public readonly struct Digest : IEquatable<Digest>
{
    private readonly string? _value;

    private Digest(string value, int separator)
    {
        _value = value;
        Separator = separator;
    }

    private int Separator { get; }

    /// <summary>The algorithm, e.g. <c>sha256</c>.</summary>
    public string Algorithm => Value[..Separator];

    /// <summary>The lower-case hex encoded value.</summary>
    public string Hex => Value[(Separator + 1)..];

    /// <summary>The digest as <c>algorithm:hex</c>.</summary>
    public string Value => _value ?? throw new InvalidOperationException("A default Digest has no value.");

    /// <summary>Whether this is the default (empty) value rather than a parsed digest.</summary>
    public bool IsEmpty => _value is null;

    /// <summary>Parses a digest or throws <see cref="FormatException"/> with the reason.</summary>
    public static Digest Parse(string value)
    {
        return TryParse(value, out var digest, out var error) ? digest : throw new FormatException(error);
    }

    /// <summary>Parses a digest; on failure <paramref name="error"/> says why.</summary>
    public static bool TryParse(
        [NotNullWhen(true)] string? value, out Digest digest, [NotNullWhen(false)] out string? error)
    {
        digest = default;
        if (string.IsNullOrEmpty(value))
        {
            error = "digest is empty";
            return false;
        }

        var separator = value.IndexOf(':', StringComparison.Ordinal);
        if (separator <= 0)
        {
            error = $"digest \"{value}\" has no algorithm (expected algorithm:hex)";
            return false;
        }

        var algorithm = value.AsSpan(0, separator);
        int expected = algorithm switch
        {
            "sha256" => 64,
            "sha384" => 96,
            "sha512" => 128,
            _ => 0,
        };
        if (expected == 0)
        {
            error = $"digest \"{value}\" uses unsupported algorithm \"{algorithm}\" (sha256, sha384 or sha512)";
            return false;
        }

        var hex = value.AsSpan(separator + 1);
        if (hex.Length != expected)
        {
            error = $"digest \"{value}\" must have {expected} hex characters after \"{algorithm}:\", not {hex.Length}";
            return false;
        }

        foreach (var c in hex)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                error = $"digest \"{value}\" must be lower-case hex";
                return false;
            }
        }

        digest = new Digest(value, separator);
        error = null;
        return true;
    }

    /// <summary>Parses a digest; returns false on failure.</summary>
    public static bool TryParse([NotNullWhen(true)] string? value, out Digest digest)
    {
        return TryParse(value, out digest, out _);
    }

    /// <summary>Computes the sha256 digest of <paramref name="content"/>.</summary>
    public static Digest Compute(ReadOnlySpan<byte> content)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(content, hash);
        return FromSha256(hash);
    }

    /// <summary>Builds a sha256 digest from the raw 32-byte hash.</summary>
    public static Digest FromSha256(ReadOnlySpan<byte> hash)
    {
        if (hash.Length != SHA256.HashSizeInBytes)
        {
            throw new ArgumentException("A sha256 hash has 32 bytes.", nameof(hash));
        }

        return new Digest("sha256:" + Convert.ToHexStringLower(hash), 6);
    }

    /// <summary>Whether <paramref name="content"/> hashes to this digest, with this digest's algorithm.</summary>
    public bool Matches(ReadOnlySpan<byte> content)
    {
        Span<byte> hash = stackalloc byte[64];
        int written = Algorithm switch
        {
            "sha256" => SHA256.HashData(content, hash),
            "sha384" => SHA384.HashData(content, hash),
            "sha512" => SHA512.HashData(content, hash),
            _ => throw new InvalidOperationException($"unsupported algorithm {Algorithm}"),
        };
        Span<byte> expected = stackalloc byte[written];
        Convert.FromHexString(Hex, expected, out _, out _);
        return CryptographicOperations.FixedTimeEquals(hash[..written], expected);
    }

    /// <inheritdoc/>
    public bool Equals(Digest other) => string.Equals(_value, other._value, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Digest other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => _value is null ? 0 : StringComparer.Ordinal.GetHashCode(_value);

    /// <inheritdoc/>
    public override string ToString() => _value ?? string.Empty;

    public static bool operator ==(Digest left, Digest right) => left.Equals(right);

    public static bool operator !=(Digest left, Digest right) => !left.Equals(right);
}
