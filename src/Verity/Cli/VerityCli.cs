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
        };

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await errors.WriteLineAsync($"verity: {error.Message} (see verity {CommandPath(parse)} --help)");
            }

            return UsageError;
        }

        return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = errors });
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
