using System.CommandLine;

namespace Verity.Cli;

/// <summary>The <c>verity</c> command line: <c>serve</c>, <c>review</c>, <c>verify</c>, <c>demo</c>, <c>notary</c>.</summary>
/// <remarks>Exit codes: 0 success, 1 a denial (verify), 2 usage or configuration error.</remarks>
internal static class VerityCli
{
    public const int Ok = 0;
    public const int Denied = 1;
    public const int UsageError = 2;

    public static async Task<int> RunAsync(string[] args, TextWriter? stdout = null, TextWriter? stderr = null, TextReader? stdin = null)
    {
        var output = stdout ?? Console.Out;
        var errors = stderr ?? Console.Error;
        var input = stdin ?? Console.In;
        var root = new RootCommand("Verity: a Kubernetes admission controller that admits only images with valid signatures.")
        {
            ServeCommand.Create(errors),
            ReviewCommand.Create(output, errors),
            VerifyCommand.Create(output, errors),
            DemoCommand.Create(output, errors),
            NotaryCommand.Create(output, errors, input),
            SigstoreCommand.Create(output, errors),
            NotationCommand.Create(output, errors),
            ConfigCommand.Create(output, errors),
            ManifestsCommand.Create(output, errors),
        };
        root.Options.Add(CommonOptions.Verbose);

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await errors.WriteLineAsync($"verity: {error.Message} (see verity {CommandPath(parse)} --help)");
            }

            return UsageError;
        }

        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = errors, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // One line that names the cause (the messages of the exception and its causes); the whole trace on request.
            await errors.WriteLineAsync(parse.GetValue(CommonOptions.Verbose) ? $"verity: {e}" : $"verity: {OneLine(e)} (--verbose for details)");
            return UsageError;
        }
    }

    /// <summary>An exception's message and those of its causes, each once, on one line.</summary>
    internal static string OneLine(Exception e)
    {
        var parts = new List<string>();
        for (var current = e; current is not null; current = current.InnerException)
        {
            var message = current.Message.ReplaceLineEndings(" ").Trim();
            if (message.Length > 0 && !parts.Any(p => p.Contains(message, StringComparison.Ordinal)))
            {
                parts.Add(message);
            }
        }

        return string.Join(": ", parts);
    }

    private static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var result = parse.CommandResult; result is not null && result.Command is not RootCommand; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Insert(0, result.Command.Name);
        }

        return string.Join(' ', names);
    }
}
