using System.Collections.Immutable;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Verity.Core.Alerting;

/// <summary>
/// An alert payload template, checked when the configuration loads and rendered for each alert exactly as Connaisseur
/// renders its templates.
/// </summary>
/// <remarks>
/// <para>Connaisseur (internal/alert/template.go, channel.go) rewrites every match of <c>{{[^{}]*}}</c> into the Go
/// action <c>{{ .ToCamel(match) }}</c>, executes the result as a Go <c>text/template</c> with every string value
/// JSON-escaped, and then, unless the output is exactly empty or <c>{}</c>, reads it as a JSON object, sets the
/// receiver's <c>payloadFields</c> over its top-level keys and writes it back with <c>json.Marshal</c> (compact,
/// keys sorted, HTML characters escaped). This class implements exactly that subset: a placeholder names one of the
/// <see cref="AlertValues"/> (see <see cref="StrCase"/>); nothing else of Go's template language is reachable once
/// every placeholder has been rewritten.</para>
/// <para>What fails in Connaisseur at send time is refused here, when the configuration loads: a placeholder that
/// names no value (<c>{{ connaisseur_podsss }}</c>), a <c>{{</c> that does not start a placeholder (triple or
/// mismatched braces, <c>{{{ priority }}</c>: Go's <c>unexpected "{" in command</c>), and a template whose output is
/// not a JSON object for values both empty and full of characters JSON must escape. Single braces are text
/// (<c>{ priority }</c>).</para>
/// </remarks>
public sealed partial class AlertTemplate
{
    /// <summary>The largest template file read.</summary>
    public const int MaxLength = 256 * 1024;

    private static readonly AlertValues EmptySample = new() { Priority = 0 };

    private static readonly AlertValues RichSample = new()
    {
        AlertMessage = "CONNAISSEUR rejected a request: image \"a\\b\" denied:\n<x> & 'y' \u2028\t\u0001",
        Priority = 2147483647,
        ConnaisseurPodId = "verity-7d9f-\"x\"",
        Namespace = "default",
        Cluster = "not specified",
        Timestamp = "2026-05-08 12:00:00.1 +0000 UTC",
        RequestId = "3a3a7b38-5512-4a85-94bb-3562269e0a6a",
        Images = "docker.io/a/b:1, c:{{ x }}, \"d\"",
        Result = "error",
        Error = "{\"fail\": true}",
    };

    private readonly ImmutableArray<Segment> _segments;

    private AlertTemplate(string name, ImmutableArray<Segment> segments)
    {
        Name = name;
        _segments = segments;
    }

    /// <summary>The template's name (<c>slack</c>, or a custom file's name without <c>.json</c>).</summary>
    public string Name { get; }

    /// <summary>Whether the template renders to nothing (empty or <c>{}</c>) whatever the values: no alert is ever sent.</summary>
    public bool AlwaysEmpty { get; private set; }

    /// <summary>Parses and checks a template.</summary>
    /// <exception cref="AlertTemplateException">The template cannot render a JSON object; the message says why.</exception>
    public static AlertTemplate Parse(string name, string text)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(text);
        var segments = ImmutableArray.CreateBuilder<Segment>();
        int at = 0;
        foreach (Match match in Placeholder().Matches(text))
        {
            if (match.Index > at)
            {
                segments.Add(new Segment(text[at..match.Index], null, null));
            }

            var camel = StrCase.ToCamel(match.Value);
            var accessor = AlertValues.Accessor(camel);
            if (accessor is null)
            {
                throw new AlertTemplateException(
                    $"{Where(text, match.Index)}: {match.Value} names no value (it can name {string.Join(", ", AlertValues.VariableNames)})");
            }

            segments.Add(new Segment(null, accessor, match.Value));
            at = match.Index + match.Length;
        }

        if (at < text.Length)
        {
            segments.Add(new Segment(text[at..], null, null));
        }

        // Go parses the rewritten text: a "{{" left in the text, or a "{" just before a placeholder (which then reads
        // "{{{ .X }}"), starts an action Go cannot parse.
        int offset = 0;
        for (int i = 0; i < segments.Count; i++)
        {
            if (segments[i].Text is { } literal)
            {
                int brace = literal.IndexOf("{{", StringComparison.Ordinal);
                if (brace < 0 && literal.EndsWith('{') && i + 1 < segments.Count)
                {
                    brace = literal.Length - 1;
                }

                if (brace >= 0)
                {
                    throw new AlertTemplateException(
                        $"{Where(text, offset + brace)}: \"{{{{\" does not start a {{{{ placeholder }}}} (mismatched, triple or unclosed braces)");
                }

                offset += literal.Length;
            }
            else
            {
                offset += segments[i].Source!.Length;
            }
        }

        var template = new AlertTemplate(name, segments.ToImmutable());
        bool empty = true;
        foreach (var sample in new[] { EmptySample, RichSample })
        {
            try
            {
                empty &= template.Render(sample, null) is null;
            }
            catch (AlertTemplateException e)
            {
                throw new AlertTemplateException($"does not render a JSON object: {e.Message}", e);
            }
        }

        template.AlwaysEmpty = empty;
        return template;
    }

    /// <summary>The template's output before it is read as JSON (Go's <c>tmpl.Execute</c>).</summary>
    public string RenderText(AlertValues values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var builder = new StringBuilder();
        foreach (var segment in _segments)
        {
            builder.Append(segment.Text ?? segment.Value!(values));
        }

        return builder.ToString();
    }

    /// <summary>
    /// The payload to send (UTF-8 JSON), or null when the template rendered nothing (empty or exactly <c>{}</c>), in
    /// which case no alert is sent.
    /// </summary>
    /// <exception cref="AlertTemplateException">The output is not a JSON object, or a payload field cannot be written.</exception>
    public byte[]? Render(AlertValues values, JsonObject? payloadFields)
    {
        var text = RenderText(values);
        if (text.Length == 0 || text == "{}")
        {
            return null;
        }

        var parsed = GoJson.Parse(text);
        SortedDictionary<string, object?> map;
        if (parsed is null)
        {
            // Go's json.Unmarshal of null into a map leaves the map empty.
            map = new SortedDictionary<string, object?>(CodePointComparer.Instance);
        }
        else if (parsed is SortedDictionary<string, object?> m)
        {
            map = m;
        }
        else
        {
            throw new AlertTemplateException($"the output is a JSON {Describe(parsed)}, not an object");
        }

        foreach (var (key, value) in payloadFields ?? [])
        {
            map[key] = GoJson.FromNode(value);
        }

        return Encoding.UTF8.GetBytes(GoJson.Marshal(map));
    }

    /// <summary>Checks that <paramref name="payloadFields"/> can be merged into this template's payload.</summary>
    /// <exception cref="AlertTemplateException">They cannot.</exception>
    public void CheckPayloadFields(JsonObject? payloadFields)
    {
        Render(RichSample, payloadFields);
    }

    private static string Describe(object value) => value switch
    {
        List<object?> => "array",
        string => "string",
        double => "number",
        bool => "boolean",
        _ => "value",
    };

    private static string Where(string text, int index)
    {
        int line = 1, column = 1;
        for (int i = 0; i < index && i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                column = 1;
            }
            else
            {
                column++;
            }
        }

        return $"line {line}, column {column}";
    }

    [GeneratedRegex("{{[^{}]*}}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();

    private sealed record Segment(string? Text, Func<AlertValues, string>? Value, string? Source);
}
