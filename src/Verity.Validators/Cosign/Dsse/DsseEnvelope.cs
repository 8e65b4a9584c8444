using System.Collections.Immutable;
using System.Text.Json;
using Verity.Validators.Cosign.Json;

namespace Verity.Validators.Cosign.Dsse;

/// <summary>A DSSE envelope (DSSE protocol v1.0.0, envelope.md), as carried in a Sigstore bundle.</summary>
internal sealed record DsseEnvelope
{
    /// <summary>The in-toto media type of a statement payload.</summary>
    public const string InTotoPayloadType = "application/vnd.in-toto+json";

    /// <summary>The payload type, e.g. <see cref="InTotoPayloadType"/>.</summary>
    public required string PayloadType { get; init; }

    /// <summary>The payload bytes (decoded from base64).</summary>
    public required ReadOnlyMemory<byte> Payload { get; init; }

    /// <summary>The signatures (decoded from base64).</summary>
    public required ImmutableArray<ReadOnlyMemory<byte>> Signatures { get; init; }

    /// <summary>The bytes the signatures are over: <see cref="Pae.Encode"/> of type and payload.</summary>
    public byte[] SignedBytes() => Pae.Encode(PayloadType, Payload.Span);

    /// <summary>Reads an envelope object; throws <see cref="FormatException"/>.</summary>
    public static DsseEnvelope Read(JsonElement envelope, string path)
    {
        JsonInput.RequireObject(envelope, path);
        var signatures = ImmutableArray.CreateBuilder<ReadOnlyMemory<byte>>();
        int i = 0;
        foreach (var signature in JsonInput.Array(envelope, "signatures", path).EnumerateArray())
        {
            signatures.Add(JsonInput.Base64(JsonInput.RequireObject(signature, $"{path}.signatures[{i}]"), "sig", $"{path}.signatures[{i}]"));
            i++;
        }

        return new DsseEnvelope
        {
            PayloadType = JsonInput.String(envelope, "payloadType", path),
            Payload = JsonInput.Base64(envelope, "payload", path),
            Signatures = signatures.ToImmutable(),
        };
    }
}
