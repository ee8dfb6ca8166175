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
        root.Subcommands.Add(BenchCommand.Create());
        try
        {
            return root.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
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
