namespace QSparse.Nn;

/// <summary>Files written whole or not at all: a failure never leaves a half-written file in place of the old one.</summary>
public static class AtomicFile
{
    /// <summary>
    /// Writes through <paramref name="write"/> to a temporary file next to <paramref name="path"/> (".NAME.PID.tmp"),
    /// flushed to disk, then renamed over the target; the temporary file is removed when writing fails, and temporaries
    /// of the same target left by processes that no longer run (killed mid-write) are removed first. A link is followed
    /// (the file it names is replaced, the link stays); a target that is not a regular file (a device, FIFO, socket or
    /// directory) is refused with an <see cref="IOException"/> naming it, never replaced.
    /// </summary>
    public static void Write(string path, Action<Stream> write)
    {
        if (FileKind.Describe(path) is { } kind)
            throw new IOException($"{path}: {kind}, not a regular file; refusing to replace it");
        var fullPath = FileKind.Resolve(path);
        var directory = Path.GetDirectoryName(fullPath)!;
        var name = Path.GetFileName(fullPath);
        RemoveStale(directory, name);
        var temp = Path.Combine(directory, $".{name}.{Environment.ProcessId}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write))
            {
                write(stream);
                stream.Flush(true);
            }
            File.Move(temp, fullPath, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>Removes ".NAME.PID.tmp" files of <paramref name="name"/> whose process has ended; another running writer's are kept.</summary>
    static void RemoveStale(string directory, string name)
    {
        if (!Directory.Exists(directory))
            return;
        foreach (var temp in Directory.EnumerateFiles(directory, $".{name}.*.tmp"))
        {
            var pid = Path.GetFileName(temp)[(name.Length + 2)..^4];
            if (int.TryParse(pid, out int id) && id != Environment.ProcessId && !Running(id))
                File.Delete(temp);
        }
    }

    static bool Running(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
