using System.CommandLine;
using QSparse.Host.Commands;

namespace QSparse.Host;

/// <summary>The <c>qsparse</c> command-line program.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("qsparse: train, inspect and verify jointly quantized and pruned networks on ILGPU accelerators");
        root.Subcommands.Add(DevicesCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(InspectCommand.Create());
        root.Subcommands.Add(VerifyIntCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        try
        {
            var parse = root.Parse(args);
            // NOTE: System.CommandLine answers a bad value with the whole help and exit code 0; one line and 2 is clearer for people and scripts.
            if (parse.Errors.Count > 0)
            {
                foreach (var error in parse.Errors)
                    Console.Error.WriteLine($"error: {error.Message.ReplaceLineEndings(" ").Replace("\t", "")}");
                return 2;
            }
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or InvalidDataException
                                      or IOException or KeyNotFoundException or UnauthorizedAccessException)
        {
            // Bad input is the user's to fix: one clear line, no stack trace, a non-zero exit code.
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }
}
