using System.CommandLine;
using Verity.Core.Configuration;
using Verity.Install;

namespace Verity.Cli;

/// <summary>
/// <c>verity manifests --values FILE [--namespace verity]</c>: the resources of <c>charts/verity</c> as plain YAML, with a
/// freshly generated CA and serving certificate and the webhook's <c>caBundle</c> filled in, for <c>kubectl apply -f -</c>.
/// </summary>
internal static class ManifestsCommand
{
    public static Command Create(TextWriter output, TextWriter errors)
    {
        var values = new Option<FileInfo?>("--values", "-f")
        {
            Description = "Helm values in Connaisseur's structure (kubernetes.*, application.*, alerting), merged over the chart's defaults; without it, the defaults",
        };
        var ns = new Option<string>("--namespace", "-n")
        {
            Description = "The namespace Verity runs in (created by the output; excluded from validation)",
            DefaultValueFactory = _ => "verity",
        };
        var command = new Command("manifests", "Print Verity's Kubernetes resources (the Helm chart's, without Helm) for kubectl apply -f -") { values, ns };
        command.SetAction(parse => Run(parse.GetValue(values), parse.GetValue(ns)!, output, errors, TimeProvider.System));
        return command;
    }

    internal static int Run(FileInfo? valuesFile, string @namespace, TextWriter output, TextWriter errors, TimeProvider time)
    {
        if (!IsDnsLabel(@namespace))
        {
            errors.WriteLine($"verity: --namespace: \"{@namespace}\" is not a namespace name (lower-case letters, digits and '-', at most 63)");
            return VerityCli.UsageError;
        }

        try
        {
            string? text = null;
            if (valuesFile is not null)
            {
                try
                {
                    text = File.ReadAllText(valuesFile.FullName);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    errors.WriteLine($"verity: cannot read {valuesFile.FullName}: {e.Message}");
                    return VerityCli.UsageError;
                }
            }

            var chart = ChartInfo.Embedded;
            var renderer = new ManifestRenderer(chart, HelmValues.Merge(chart.ValuesYaml, text, valuesFile?.Name ?? "values"), @namespace);
            var source = valuesFile?.FullName ?? "charts/verity/values.yaml";
            foreach (var warning in ConfigurationCheck.Check(renderer.ConfigYaml(), source))
            {
                errors.WriteLine($"verity: configuration warning: {warning}");
            }

            output.Write(ManifestRenderer.ToYaml(renderer.Render(time)));
            return VerityCli.Ok;
        }
        catch (InstallException e)
        {
            errors.WriteLine($"verity: {e.Message}");
            return VerityCli.UsageError;
        }
        catch (ConfigurationException e)
        {
            return CommonOptions.ConfigError(errors, e);
        }
    }

    private static bool IsDnsLabel(string name) =>
        name.Length is > 0 and <= 63
        && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-')
        && name[0] != '-' && name[^1] != '-';
}
