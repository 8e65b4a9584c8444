using Verity.Cli;

namespace Verity.Tests.Cli;

/// <summary>Runs the <c>verity</c> command line in-process and captures what it prints.</summary>
internal static class CliRun
{
    /// <summary>Runs <paramref name="args"/> with empty standard input.</summary>
    public static Task<(int Code, string Out, string Err)> Run(params string[] args) => Run(new StringReader(string.Empty), args);

    /// <summary>Runs <paramref name="args"/> reading <paramref name="input"/> as standard input.</summary>
    public static async Task<(int Code, string Out, string Err)> Run(TextReader input, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await VerityCli.RunAsync(args, stdout, stderr, input);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
