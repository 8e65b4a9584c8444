using System.CommandLine;
using System.Text.Json;
using Verity.Admission;

namespace Verity.Cli;

/// <summary><c>verity verify</c>: verify images against the policy, without a cluster.</summary>
internal static class VerifyCommand
{
    public static Command Create(TextWriter output, TextWriter errors)
    {
        var config = CommonOptions.Config();
        var images = new Argument<string[]>("image") { Description = "Image references, e.g. nginx:1.27 or registry.example/app@sha256:…", Arity = ArgumentArity.OneOrMore };
        var format = new Option<string>("--output", "-o") { Description = "text or json", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var ns = new Option<string?>("--namespace", "-n") { Description = "Also say whether this namespace is audited (detection mode) or enforced, after detectionModeOverrides" };
        var labels = new Option<string[]>("--namespace-label") { Description = "A label of that namespace, key=value (repeatable), for overrides with namespaceSelector", AllowMultipleArgumentsPerToken = false };
        var logLevel = CommonOptions.LogLevel();
        var command = new Command("verify", "Verify images against the policy: the matched rule, validator and verdict (trusted digest or reason) of each. Exit 0 if all are trusted, 1 if any is denied")
        {
            config, images, format, ns, labels, logLevel,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var runtime = CliRuntime.TryStart(parse.GetValue(config)!.FullName, parse.GetValue(logLevel), errors, parse.GetValue(CommonOptions.Verbose));
            if (runtime is null)
            {
                return VerityCli.UsageError;
            }

            string? mode = null;
            if (parse.GetValue(ns) is { } namespaceName)
            {
                var namespaceLabels = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var label in parse.GetValue(labels) ?? [])
                {
                    var eq = label.IndexOf('=', StringComparison.Ordinal);
                    if (eq <= 0)
                    {
                        await errors.WriteLineAsync($"verity: --namespace-label \"{label}\" is not key=value");
                        return VerityCli.UsageError;
                    }

                    namespaceLabels[label[..eq]] = label[(eq + 1)..];
                }

                mode = DescribeMode(runtime.Snapshot.Features, namespaceName, namespaceLabels);
            }

            var verifier = runtime.Get<ImageVerifier>();
            var names = parse.GetValue(images)!;
            var verdicts = await Task.WhenAll(names.Select(image => verifier.VerifyAsync(image, runtime.Snapshot, skip: null, cancellationToken)));
            if (parse.GetValue(format) == "json")
            {
                await WriteJsonAsync(output, verdicts, mode);
            }
            else
            {
                if (mode is not null)
                {
                    await output.WriteLineAsync(mode);
                }

                foreach (var verdict in verdicts)
                {
                    await output.WriteLineAsync(Describe(verdict));
                }
            }

            return verdicts.All(v => v.Allowed) ? VerityCli.Ok : VerityCli.Denied;
        });
        return command;
    }

    /// <summary>Which of audit and enforce applies to a namespace, and why: an override (by its path) or the global setting.</summary>
    internal static string DescribeMode(Core.Configuration.FeatureSettings features, string @namespace, IReadOnlyDictionary<string, string> labels)
    {
        var entry = features.FindOverride(@namespace, labels);
        var audit = entry?.DetectionMode ?? features.DetectionMode;
        var why = entry is null ? "the global detectionMode" : entry.Path;
        return $"namespace \"{@namespace}\": {(audit ? "audit (denials are admitted with warnings)" : "enforce")}, by {why}";
    }

    internal static string Describe(ImageVerdict verdict)
    {
        var rule = verdict.Rule is null ? "no rule" : $"rule \"{verdict.Rule.Pattern.Original}\"";
        var validator = verdict.Validator is null ? string.Empty : $", validator \"{verdict.Validator}\" ({verdict.ValidatorType})";
        var result = verdict.Allowed
            ? $"trusted{(verdict.Digest is { } d ? " " + d.Value : " (no digest)")}{(verdict.Skipped is null ? string.Empty : $" [{verdict.Skipped}]")}"
            : $"denied: {verdict.Reason}";
        return $"{verdict.Image}: {rule}{validator}: {result}";
    }

    private static async Task WriteJsonAsync(TextWriter output, ImageVerdict[] verdicts, string? mode)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartArray();
            foreach (var verdict in verdicts)
            {
                writer.WriteStartObject();
                writer.WriteString("image", verdict.Image);
                writer.WriteString("rule", verdict.Rule?.Pattern.Original);
                writer.WriteString("validator", verdict.Validator);
                writer.WriteBoolean("allowed", verdict.Allowed);
                writer.WriteString("digest", verdict.Digest?.Value);
                writer.WriteString("reason", verdict.Allowed ? null : verdict.Reason);
                if (mode is not null)
                {
                    writer.WriteString("namespaceMode", mode);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        await output.WriteLineAsync(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
