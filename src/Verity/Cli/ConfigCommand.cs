using System.CommandLine;
using Verity.Core.Configuration;

namespace Verity.Cli;

/// <summary><c>verity config validate|show FILE</c>: check a configuration, or print it as Verity reads it.</summary>
internal static class ConfigCommand
{
    public static Command Create(TextWriter output, TextWriter errors)
    {
        var validate = new Command("validate", "Load a configuration and build its validators as the server would; print every error with its path (exit 2) or a summary and the warnings (exit 0)")
        {
            File(),
        };
        validate.SetAction(parse => Run(parse.GetValue((Argument<FileInfo>)validate.Arguments[0])!, errors, configuration =>
        {
            output.WriteLine($"{configuration.Source}: valid ({configuration.Layout}: {configuration.Validators.Length} validators, {configuration.Policy.Rules.Length} rules, {configuration.Warnings.Length} warnings)");
            foreach (var warning in configuration.Warnings)
            {
                output.WriteLine($"warning: {warning}");
            }
        }));

        var show = new Command("show", "Print the effective configuration as JSON: defaults filled in, secrets redacted")
        {
            File(),
        };
        show.SetAction(parse => Run(parse.GetValue((Argument<FileInfo>)show.Arguments[0])!, errors, configuration => output.WriteLine(ConfigDescription.ToJson(configuration))));

        return new Command("config", "Check or show a configuration file without running the server") { validate, show };
    }

    private static Argument<FileInfo> File() => new("file") { Description = "The configuration file" };

    private static int Run(FileInfo file, TextWriter errors, Action<VerityConfiguration> onValid)
    {
        // The same start as review and verify: loaded and its validators built, as the server would; nothing logged.
        try
        {
            using var runtime = CliRuntime.Start(file.FullName, "none");
            onValid(runtime.Snapshot.Configuration);
            return VerityCli.Ok;
        }
        catch (ConfigurationException e)
        {
            return CommonOptions.ConfigError(errors, e);
        }
    }
}
