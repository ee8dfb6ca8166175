using QSparse.Tests.Docs;

namespace QSparse.Tests;

/// <summary>Runs the <c>qsparse</c> program in this process, as a user's command line would.</summary>
public static class ProgramRun
{
    /// <summary>The exit code and the lines printed: standard output, then standard error.</summary>
    public static (int Code, string[] Lines) Run(params string[] args)
    {
        using var capture = new ConsoleCapture();
        var error = Console.Error;
        var errors = new StringWriter();
        Console.SetError(errors);
        try
        {
            int code = QSparse.Host.Program.Main(args);
            var output = capture.Take();
            return (code, [.. output is [""] ? [] : output, .. errors.ToString().ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries)]);
        }
        finally
        {
            Console.SetError(error);
        }
    }
}
