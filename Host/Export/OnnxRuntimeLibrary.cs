using System.Runtime.InteropServices;

namespace QSparse.Host.Export;

/// <summary>
/// Whether ONNX Runtime's native library is beside this program. A publish for the GPU machine leaves its 34 MB out
/// (the project files say why), so what needs ONNX Runtime says so in one line there instead of failing to load it.
/// </summary>
public static class OnnxRuntimeLibrary
{
    static readonly string Library = OperatingSystem.IsWindows() ? "onnxruntime.dll" : OperatingSystem.IsMacOS() ? "libonnxruntime.dylib" : "libonnxruntime.so";

    /// <summary>Null when the library is there; else why not, in one line.</summary>
    public static string? Missing { get; } =
        new[] { AppContext.BaseDirectory, Path.Combine(AppContext.BaseDirectory, "runtimes", RuntimeInformation.RuntimeIdentifier, "native") }
            .Any(p => File.Exists(Path.Combine(p, Library)))
            ? null
            : $"ONNX Runtime's {Library} is not in this build (a publish for the GPU machine leaves it out): run this from a build that has it (dotnet build)";

    /// <summary>Throws the one-line error when the library is missing.</summary>
    public static void Require()
    {
        if (Missing is { } why)
            throw new InvalidOperationException(why);
    }
}
