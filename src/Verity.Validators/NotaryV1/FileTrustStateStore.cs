using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Verity.Validators.NotaryV1.Tuf;

namespace Verity.Validators.NotaryV1;

/// <summary>
/// An <see cref="ITrustStateStore"/> in files under a directory (<c>verity serve --state-dir</c>), so the rollback floor
/// and the last trusted root of each collection survive a restart of the process.
/// </summary>
/// <remarks>
/// <para>One file per Notary server URL and GUN (<c>&lt;sha256 of url and GUN&gt;.json</c>, holding both in clear so a
/// misplaced file is noticed), written atomically: a temporary file in the same directory, flushed to disk, then renamed
/// over the old one, so a crash leaves the old state or the new, never a torn file. Records of one process are
/// serialised; the directory is meant for one process (one replica, its own volume): replicas that must share a floor
/// need a shared store.</para>
/// <para>Bounded: at most <see cref="MaxCollections"/> files of at most <see cref="MaxFileBytes"/> each. When the
/// directory is full, new collections are remembered in memory only — an attacker who can make Verity validate many
/// collections cannot evict the floor of existing ones. A file that cannot be read (corrupt, too large, for another
/// collection) fails its validations closed, with its path in the error, until an operator removes it.</para>
/// </remarks>
[SuppressMessage("Reliability", "CA1001", Justification = "The semaphore's wait handle is never used, so it holds nothing to dispose; the store lives as long as the process.")]
internal sealed class FileTrustStateStore : ITrustStateStore
{
    /// <summary>The default bound on the number of collections kept on disk.</summary>
    public const int DefaultMaxCollections = 10_000;

    /// <summary>The largest state file read: a kept root in base64 and the versions of a few hundred roles.</summary>
    public const int MaxFileBytes = (TrustState.MaxRootBytes * 4 / 3) + (64 * 1024);

    private readonly string _directory;
    private readonly ConcurrentDictionary<TrustStateKey, TrustState> _states = new();
    private readonly SemaphoreSlim _writer = new(1, 1);
    private int _files = -1;

    /// <summary>Creates the store; the directory is created on the first write (no I/O here).</summary>
    public FileTrustStateStore(string directory, int maxCollections = DefaultMaxCollections)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentOutOfRangeException.ThrowIfNegative(maxCollections);
        _directory = Path.GetFullPath(directory);
        MaxCollections = maxCollections;
    }

    /// <summary>The most collections kept on disk.</summary>
    public int MaxCollections { get; }

    /// <inheritdoc/>
    public async ValueTask<TrustState> GetAsync(TrustStateKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key.Gun);
        if (_states.TryGetValue(key, out var state))
        {
            return state;
        }

        state = await ReadAsync(key, cancellationToken);
        return _states.GetOrAdd(key, state);
    }

    /// <inheritdoc/>
    public async ValueTask RecordAsync(TrustStateKey key, IReadOnlyDictionary<string, long> versions, ReadOnlyMemory<byte>? trustedRoot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key.Gun);
        ArgumentNullException.ThrowIfNull(versions);
        await _writer.WaitAsync(cancellationToken);
        try
        {
            var current = await GetAsync(key, cancellationToken);
            var merged = current.Merge(versions, trustedRoot);
            _states[key] = merged;
            var path = PathOf(key);
            if (!File.Exists(path))
            {
                if (_files < 0)
                {
                    _files = Directory.Exists(_directory) ? Directory.EnumerateFiles(_directory, "*.json").Count() : 0;
                }

                if (_files >= MaxCollections)
                {
                    return;
                }

                _files++;
            }

            await WriteAsync(path, Serialize(key, merged), cancellationToken);
        }
        finally
        {
            _writer.Release();
        }
    }

    private static byte[] Serialize(TrustStateKey key, TrustState state)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("server", key.ServerUrl);
            writer.WriteString("gun", key.Gun);
            writer.WriteStartObject("versions");
            foreach (var (role, version) in state.Versions.OrderBy(v => v.Key, StringComparer.Ordinal))
            {
                writer.WriteNumber(role, version);
            }

            writer.WriteEndObject();
            if (state.TrustedRoot is { } root)
            {
                writer.WriteBase64String("root", root.Span);
            }

            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private async Task WriteAsync(string path, byte[] content, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(_directory))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(_directory);
            }
            else
            {
                Directory.CreateDirectory(_directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        var temporary = Path.Combine(_directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
            {
                await stream.WriteAsync(content, cancellationToken);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private async Task<TrustState> ReadAsync(TrustStateKey key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        byte[] content;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                return TrustState.Empty;
            }

            if (info.Length > MaxFileBytes)
            {
                throw Corrupt(path, $"it is larger than {MaxFileBytes} bytes");
            }

            content = await File.ReadAllBytesAsync(path, cancellationToken);
        }
        catch (FileNotFoundException)
        {
            return TrustState.Empty;
        }

        try
        {
            using var document = JsonDocument.Parse(content, new JsonDocumentOptions { MaxDepth = 4, AllowDuplicateProperties = false });
            var root = document.RootElement;
            if (root.GetProperty("server").GetString() != key.ServerUrl || root.GetProperty("gun").GetString() != key.Gun)
            {
                throw Corrupt(path, "it belongs to another server or collection");
            }

            var versions = ImmutableDictionary.CreateBuilder<string, long>(StringComparer.Ordinal);
            foreach (var role in root.GetProperty("versions").EnumerateObject())
            {
                var version = role.Value.GetInt64();
                if (version < 1)
                {
                    throw Corrupt(path, $"it records version {version} for {role.Name}");
                }

                versions[role.Name] = version;
            }

            ReadOnlyMemory<byte>? trustedRoot = root.TryGetProperty("root", out var rootElement) ? rootElement.GetBytesFromBase64() : null;
            return new TrustState { Versions = versions.ToImmutable(), TrustedRoot = trustedRoot };
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or KeyNotFoundException)
        {
            throw Corrupt(path, e.Message, e);
        }
    }

    private string PathOf(TrustStateKey key)
    {
        var name = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key.ServerUrl + "\n" + key.Gun)));
        return Path.Combine(_directory, name + ".json");
    }

    private static InvalidDataException Corrupt(string path, string reason, Exception? inner = null) =>
        new($"the Notary trust state file {path} cannot be used ({reason}); remove it to start this collection's rollback protection afresh", inner);
}
