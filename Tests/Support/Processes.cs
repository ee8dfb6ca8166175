using System.Diagnostics;

namespace QSparse.Tests;

/// <summary>Runs the external tools some tests check kernels with (ptxas, clang).</summary>
public static class Processes
{
    /// <summary>
    /// Runs <paramref name="program"/> to its end and returns its exit code, standard output and standard error.
    /// NOTE: both pipes are read at once: a tool that fills one pipe's buffer while the test waits on the other
    /// blocks forever.
    /// </summary>
    public static (int Exit, string Output, string Error) Run(string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, output.Result, error.Result);
    }
}
