using System.Runtime.InteropServices;

namespace QSparse.Nn;

/// <summary>
/// What a path names on disk. NOTE: .NET reports devices, FIFOs and sockets as FileAttributes.Normal files, so a writer
/// that renames over its target could replace /dev/null; the file type comes from stat(2) through the runtime's own
/// native shim (libSystem.Native, shipped with every .NET runtime on Unix), whose FileStatus layout is the same on every
/// platform, unlike libc's struct stat.
/// </summary>
public static partial class FileKind
{
    const int TypeMask = 0xF000, Regular = 0x8000, DirectoryType = 0x4000;

    /// <summary>True when <paramref name="path"/> (links followed) is absent or a regular file: something a writer may create or replace.</summary>
    public static bool IsRegularOrAbsent(string path) => Type(path) is null or Regular;

    /// <summary>"a directory", "a device, FIFO or socket", or null for a regular or absent file (links followed).</summary>
    public static string? Describe(string path) => Type(path) switch
    {
        null or Regular => null,
        DirectoryType => "a directory",
        _ => "a device, FIFO or socket",
    };

    /// <summary>The full path of the file <paramref name="path"/> names, links followed where they lead to something.</summary>
    public static string Resolve(string path)
    {
        var full = Path.GetFullPath(path);
        return File.Exists(full) ? new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? full : full;
    }

    static int? Type(string path)
    {
        if (OperatingSystem.IsWindows())
            return Directory.Exists(path) ? DirectoryType : File.Exists(path) ? Regular : null;
        return Stat(path, out var status) == 0 ? status.Mode & TypeMask : null;
    }

    [StructLayout(LayoutKind.Sequential)]
    struct FileStatus
    {
        public int Flags, Mode;
        public uint Uid, Gid;
        public long Size, ATime, ATimeNsec, MTime, MTimeNsec, CTime, CTimeNsec, BirthTime, BirthTimeNsec, Dev, RDev, Ino;
        public uint UserFlags;
    }

    [LibraryImport("libSystem.Native", EntryPoint = "SystemNative_Stat", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Stat(string path, out FileStatus status);
}
