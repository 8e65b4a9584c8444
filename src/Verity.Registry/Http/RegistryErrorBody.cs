using System.Text;
using System.Text.Json;

namespace Verity.Registry.Http;

/// <summary>Describes a distribution error body (<c>{"errors":[{"code","message"}]}</c>, OCI distribution spec "Error Codes").</summary>
internal static class RegistryErrorBody
{
    /// <summary>
    /// <c>message (CODE)</c> of the first error, sanitised and shortened, or null if the body is not an error document.
    /// Only the registry's own code and message are quoted, never the <c>detail</c>.
    /// </summary>
    public static string? Describe(ReadOnlyMemory<byte> body)
    {
        if (body.IsEmpty)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("errors", out var errors)
                && errors.ValueKind == JsonValueKind.Array
                && errors.GetArrayLength() > 0
                && errors[0].ValueKind == JsonValueKind.Object)
            {
                var first = errors[0];
                var code = first.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? Clean(c.GetString()!) : null;
                var message = first.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? Clean(m.GetString()!) : null;
                return (message, code) switch
                {
                    (not null, not null) => $"{message} ({code})",
                    (not null, null) => message,
                    (null, not null) => code,
                    _ => null,
                };
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }

    private static string Clean(string text)
    {
        var builder = new StringBuilder(Math.Min(text.Length, 200));
        foreach (var c in text)
        {
            if (builder.Length == 200)
            {
                builder.Append('…');
                break;
            }

            builder.Append(char.IsControl(c) ? ' ' : c);
        }

        return builder.ToString();
    }
}
