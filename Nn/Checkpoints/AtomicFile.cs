namespace QSparse.Nn;

/// <summary>Files written whole or not at all: a failure never leaves a half-written file in place of the old one.</summary>
public static class AtomicFile
{
    /// <summary>
    /// Writes through <paramref name="write"/> to a temporary file next to <paramref name="path"/> (".NAME.PID.tmp"),
    /// flushed to disk, then renamed over the target; the temporary file is removed when writing fails.
    /// </summary>
    public static void Write(string path, Action<Stream> write)
    {
        var fullPath = Path.GetFullPath(path);
        var temp = Path.Combine(Path.GetDirectoryName(fullPath)!, $".{Path.GetFileName(fullPath)}.{Environment.ProcessId}.tmp");
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
}
