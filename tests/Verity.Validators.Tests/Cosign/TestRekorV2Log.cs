using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Verity.Validators.Tests.Cosign.Rekor;

namespace Verity.Validators.Tests.Cosign;

/// <summary>
/// A Rekor v2 (tile-based) log for tests: entries are Merkle leaves, checkpoints are C2SP signed notes whose origin and signer
/// name are the log's host, signed by a key of the chosen kind with the key ID rekor-tiles uses, optionally cosigned by witnesses.
/// The log ID is the full hash the key ID is cut from, as rekor-tiles sets it.
/// </summary>
internal sealed class TestRekorV2Log(string kind, string host = "log2026.rekor.verity.test") : IDisposable
{
    public TestLogKey Key { get; } = TestLogKey.Create(kind);

    public string Host { get; } = host;

    public byte[] LogId => Key.LogId(Host);

    /// <summary>
    /// Logs <paramref name="body"/> at <paramref name="index"/> of a tree of <paramref name="treeSize"/> leaves. The checkpoint is signed
    /// by <paramref name="signer"/> (default: the log's key) under the key ID <paramref name="keyId"/> (default: the signer's), unless
    /// <paramref name="logSigns"/> is false; each witness adds its cosignature; <paramref name="tamper"/> edits the signed text afterwards.
    /// </summary>
    public LoggedEntry Log(
        byte[] body,
        int index = 3,
        int treeSize = 5,
        IEnumerable<TestWitness>? witnesses = null,
        TestLogKey? signer = null,
        byte[]? keyId = null,
        bool logSigns = true,
        Func<string, string>? tamper = null,
        byte[]? leafInTree = null)
    {
        var leaves = Enumerable.Range(0, treeSize).Select(i => i == index ? leafInTree ?? body : RandomNumberGenerator.GetBytes(40)).ToList();
        var root = ReferenceMerkle.Root(leaves);
        var proof = ReferenceMerkle.Path(index, leaves);
        var text = string.Create(CultureInfo.InvariantCulture, $"{Host}\n{treeSize}\n{Convert.ToBase64String(root)}\n");
        var lines = string.Concat((witnesses ?? []).Select(w => w.Cosign(text)));
        if (logSigns)
        {
            var key = signer ?? Key;
            lines += TestLogKey.NoteLine(Host, keyId ?? key.KeyId(Host), key.Sign(text));
        }

        var checkpoint = (tamper?.Invoke(text) ?? text) + "\n" + lines;
        return new LoggedEntry(body, LogId, index, 0, [], index, treeSize, root, [.. proof.Select(p => p.ToArray())], checkpoint);
    }

    /// <summary>The log as a v0.2 trusted root's <c>tlogs[]</c> item, with a <c>checkpointKeyId</c> and an <c>operator</c> when given.</summary>
    public JsonObject TrustedRootJson(byte[]? checkpointKeyId = null, string? @operator = null)
    {
        var log = new JsonObject
        {
            ["baseUrl"] = "https://" + Host,
            ["hashAlgorithm"] = "SHA2_256",
            ["publicKey"] = new JsonObject
            {
                ["rawBytes"] = Convert.ToBase64String(Key.Spki),
                ["keyDetails"] = Key.KeyDetails,
                ["validFor"] = new JsonObject { ["start"] = "2025-01-01T00:00:00Z" },
            },
            ["logId"] = new JsonObject { ["keyId"] = Convert.ToBase64String(LogId) },
        };
        if (checkpointKeyId is not null)
        {
            log["checkpointKeyId"] = new JsonObject { ["keyId"] = Convert.ToBase64String(checkpointKeyId) };
        }

        if (@operator is not null)
        {
            log["operator"] = @operator;
        }

        return log;
    }

    public void Dispose() => Key.Dispose();
}
