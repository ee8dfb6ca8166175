namespace QSparse.Nn;

/// <summary>
/// Reads files whose headers announce the sizes of what follows (safetensors, IDX) without trusting the announcement:
/// a file is read once, front to back, so a FIFO or <c>&lt;(cat file)</c> works; memory grows with the bytes actually
/// there, never with what a header claims, so <c>/dev/zero</c> or a corrupt size costs nothing; every failure is an
/// <see cref="InvalidDataException"/> whose message starts with the file's name.
/// </summary>
static class BoundedRead
{
    /// <summary>The most bytes taken in one step from a stream whose length is unknown (a pipe, a gzip stream).</summary>
    const int Chunk = 16 << 20;

    /// <summary>Opens <paramref name="path"/> for one sequential read; a missing or unreadable file names it and the <paramref name="what"/> it was to hold.</summary>
    public static FileStream Open(string path, string what)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new InvalidDataException($"{path}: cannot read the {what} ({e.Message})", e);
        }
    }

    /// <summary>
    /// The next <paramref name="count"/> bytes of <paramref name="stream"/>; fewer is an error naming <paramref name="path"/>
    /// and <paramref name="what"/> (the part of the file they were to be). A seekable file's length is checked before anything is allocated.
    /// </summary>
    public static byte[] Exactly(Stream stream, long count, string path, string what)
    {
        if (count > Array.MaxLength)
            throw new InvalidDataException($"{path}: the {what} would be {count} bytes, more than one array holds ({Array.MaxLength})");
        long? left = Remaining(stream);
        if (left < count)
            throw Truncated(path, what, count, left.Value);
        var bytes = new byte[left.HasValue ? count : Math.Min(count, Chunk)];
        long read = 0;
        while (read < count)
        {
            if (read == bytes.Length)
                Array.Resize(ref bytes, (int)Math.Min(count, 2L * bytes.Length));
            int n = Guarded(() => stream.Read(bytes, (int)read, bytes.Length - (int)read), path, what);
            if (n == 0)
                throw Truncated(path, what, count, read);
            read += n;
        }
        return bytes;
    }

    /// <summary>Requires <paramref name="stream"/> to end here: bytes after what the header described are an error, not ignored.</summary>
    public static void End(Stream stream, string path, string described)
    {
        long? left = Remaining(stream);
        if (left > 0 || (left == null && Guarded(stream.ReadByte, path, described) >= 0))
            throw new InvalidDataException($"{path}: {(left > 0 ? $"{left} bytes" : "bytes")} follow the {described}");
    }

    static long? Remaining(Stream stream) => stream.CanSeek ? stream.Length - stream.Position : null;

    static InvalidDataException Truncated(string path, string what, long count, long available) =>
        new($"{path}: truncated: the {what} needs {count} bytes, the file has {available} left");

    /// <summary>A read's I/O failure (or a corrupt gzip stream) as the reader's one exception type, naming the file.</summary>
    public static int Guarded(Func<int> read, string path, string what)
    {
        try
        {
            return read();
        }
        // NOTE: a corrupt gzip stream throws InvalidDataException too, without the file's name.
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            throw new InvalidDataException($"{path}: cannot read the {what} ({e.Message})", e);
        }
    }
}
