namespace QSparse.Nn;

/// <summary>
/// A read-only stream that gives back the bytes already taken from the front of another (to look at a magic number)
/// and then the rest of it, so a format can be told from its first bytes on a pipe, which cannot seek back.
/// </summary>
sealed class PeekedStream(byte[] peeked, Stream rest) : Stream
{
    int next;

    /// <summary>The first up to <paramref name="count"/> bytes of <paramref name="stream"/>, and a stream that reads all of it from the start.</summary>
    public static (byte[] First, Stream Whole) Peek(Stream stream, int count)
    {
        var first = new byte[count];
        first = first[..stream.ReadAtLeast(first, count, throwOnEndOfStream: false)];
        return (first, new PeekedStream(first, stream));
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (next == peeked.Length)
            return rest.Read(buffer, offset, count);
        int n = Math.Min(count, peeked.Length - next);
        Array.Copy(peeked, next, buffer, offset, n);
        next += n;
        return n;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            rest.Dispose();
        base.Dispose(disposing);
    }
}
