using System.Text.Json;

namespace Verity.Admission;

/// <summary>
/// The fields of an <c>AdmissionReview.request</c> (admission.k8s.io v1 and v1beta1) Verity reads.
/// </summary>
/// <remarks>
/// Read leniently: a missing field is null, so a malformed request still gets a well-formed answer. The
/// <see cref="JsonElement"/>s point into the caller's <see cref="JsonDocument"/>, which must outlive this.
/// </remarks>
internal sealed record AdmissionRequest
{
    public string Uid { get; init; } = string.Empty;

    public string? Kind { get; init; }

    public string? Group { get; init; }

    public string? SubResource { get; init; }

    public string? Operation { get; init; }

    public string? Namespace { get; init; }

    public string? Name { get; init; }

    public string? User { get; init; }

    public bool DryRun { get; init; }

    public JsonElement? Object { get; init; }

    public JsonElement? OldObject { get; init; }

    public static AdmissionRequest Read(JsonElement request)
    {
        JsonElement? kind = Property(request, "kind"u8);
        var obj = Property(request, "object"u8);
        return new AdmissionRequest
        {
            Uid = String(request, "uid"u8) ?? string.Empty,
            Kind = kind is { } k ? String(k, "kind"u8) : null,
            Group = kind is { } g ? String(g, "group"u8) : null,
            SubResource = String(request, "subResource"u8),
            Operation = String(request, "operation"u8),
            Namespace = String(request, "namespace"u8),
            Name = String(request, "name"u8) ?? (obj is { } o ? ObjectName(o) : null),
            User = Property(request, "userInfo"u8) is { } user ? String(user, "username"u8) : null,
            DryRun = Property(request, "dryRun"u8) is { ValueKind: JsonValueKind.True },
            Object = obj,
            OldObject = Property(request, "oldObject"u8),
        };
    }

    /// <summary>Whether an object carries <c>metadata.deletionTimestamp</c>.</summary>
    public static bool IsMarkedForDeletion(JsonElement? obj)
    {
        return obj is { ValueKind: JsonValueKind.Object } o
            && Property(o, "metadata"u8) is { } metadata
            && Property(metadata, "deletionTimestamp"u8) is { ValueKind: JsonValueKind.String };
    }

    private static string? ObjectName(JsonElement obj)
    {
        var metadata = Property(obj, "metadata"u8);
        return metadata is { } m ? String(m, "name"u8) ?? String(m, "generateName"u8) : null;
    }

    private static JsonElement? Property(JsonElement element, ReadOnlySpan<byte> name)
    {
        return element.ValueKind == JsonValueKind.Object
            && element.TryGetProperty(name, out var value)
            && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined)
            ? value
            : null;
    }

    private static string? String(JsonElement element, ReadOnlySpan<byte> name)
    {
        return Property(element, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;
    }
}
