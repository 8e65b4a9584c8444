using Verity.Cli;

return await VerityCli.RunAsync(args);
