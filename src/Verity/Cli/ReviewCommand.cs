using System.CommandLine;
using System.Text;
using Verity.Admission;

namespace Verity.Cli;

/// <summary><c>verity review</c>: run one AdmissionReview through the webhook's code and print the response.</summary>
internal static class ReviewCommand
{
    public static Command Create(TextWriter output, TextWriter errors)
    {
        var config = CommonOptions.Config();
        var request = new Argument<string>("request")
        {
            Description = "AdmissionReview JSON file, or - for standard input",
            DefaultValueFactory = _ => "-",
        };
        var logLevel = CommonOptions.LogLevel();
        var command = new Command("review", "Decide one AdmissionReview (v1 or v1beta1) as the webhook would and print the AdmissionReview response")
        {
            config, request, logLevel,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            byte[] body;
            var source = parse.GetValue(request)!;
            try
            {
                if (source == "-")
                {
                    using var stdin = Console.OpenStandardInput();
                    using var buffer = new MemoryStream();
                    await stdin.CopyToAsync(buffer, cancellationToken);
                    body = buffer.ToArray();
                }
                else
                {
                    body = await File.ReadAllBytesAsync(source, cancellationToken);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await errors.WriteLineAsync($"verity: cannot read the request {source}: {e.Message}");
                return VerityCli.UsageError;
            }

            using var runtime = CliRuntime.TryStart(parse.GetValue(config)!.FullName, parse.GetValue(logLevel), errors, parse.GetValue(CommonOptions.Verbose));
            if (runtime is null)
            {
                return VerityCli.UsageError;
            }

            var result = await runtime.Get<AdmissionHandler>().HandleAsync(body, null, cancellationToken);
            if (result.StatusCode != 200)
            {
                // The webhook would answer with this HTTP error; no AdmissionReview is produced.
                await errors.WriteLineAsync($"verity: HTTP {result.StatusCode}: {Encoding.UTF8.GetString(result.Body).TrimEnd()}");
                return VerityCli.Denied;
            }

            await output.WriteLineAsync(Encoding.UTF8.GetString(result.Body));
            return VerityCli.Ok;
        });
        return command;
    }
}
