using System.Diagnostics;

namespace QSparse.Tests;

/// <summary>Runs the external tools some tests check their results with (ptxas, clang, cc, dotnet).</summary>
public static class Processes
{
    /// <summary>Runs <paramref name="program"/> to its end and returns its exit code, standard output and standard error.</summary>
    public static (int Exit, string Output, string Error) Run(string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(program);
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        return Run(info);
    }

    /// <summary>
    /// Runs the process <paramref name="info"/> describes (its program, arguments, folder, environment) to its end and
    /// returns its exit code, standard output and standard error.
    /// NOTE: both pipes are read at once: a tool that fills one pipe's buffer while the test waits on the other
    /// blocks forever.
    /// </summary>
    public static (int Exit, string Output, string Error) Run(ProcessStartInfo info)
    {
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, output.Result, error.Result);
    }
}
