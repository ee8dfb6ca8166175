using System.Buffers.Binary;
using System.IO.Compression;

namespace QSparse.Nn.Data;

/// <summary>
/// The IDX format of MNIST and Fashion-MNIST (plain or gzip): a big-endian magic number
/// 0x000008DD (08 = unsigned bytes, DD = number of dimensions), DD big-endian int32 sizes, then the bytes.
/// </summary>
public static class IdxFile
{
    const int UnsignedByte = 0x08;

    /// <summary>
    /// Reads <paramref name="path"/> (gzip when it starts with gzip's magic bytes, whatever its name),
    /// which must hold unsigned bytes in <paramref name="rank"/> dimensions. Returns the sizes and the data.
    /// A missing, truncated or malformed file is an <see cref="InvalidDataException"/> naming it and what was expected.
    /// </summary>
    public static (int[] Shape, byte[] Data) Read(string path, int rank)
    {
        // NOTE: read once, front to back (gzip told from the first two bytes, which a pipe cannot seek back to): a FIFO
        // works, and a header that announces more than the file holds fails without allocating it (BoundedRead).
        var (first, file) = PeekedStream.Peek(BoundedRead.Open(path, "IDX file"), 2);
        bool gzip = first is [0x1f, 0x8b];
        using Stream stream = gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
        string what = gzip ? "IDX file (gzip)" : "IDX file";
        int expectedMagic = (UnsignedByte << 8) | rank;
        int header = 4 + 4 * rank;
        var head = ReadHeader(stream, header, path, what);
        int magic = BinaryPrimitives.ReadInt32BigEndian(head);
        if (magic != expectedMagic)
            throw new InvalidDataException($"{path}: IDX magic number 0x{magic:x8}, expected 0x{expectedMagic:x8} (unsigned bytes, {rank} dimensions)");
        var shape = new int[rank];
        long count = 1;
        for (int i = 0; i < rank; i++)
        {
            shape[i] = BinaryPrimitives.ReadInt32BigEndian(head.AsSpan(4 + 4 * i));
            if (shape[i] < 0)
                throw new InvalidDataException($"{path}: IDX dimension {i} is {shape[i]}, expected a size >= 0");
            count = count > Array.MaxLength ? count : count * shape[i];
        }
        string data = $"IDX data of shape [{string.Join(", ", shape)}]";
        var bytes = BoundedRead.Exactly(stream, count, path, data);
        BoundedRead.End(stream, path, data);
        return (shape, bytes);
    }

    /// <summary>The magic number and sizes; a shorter file says what a header needs.</summary>
    static byte[] ReadHeader(Stream stream, int header, string path, string what)
    {
        var head = new byte[header];
        int n = 0;
        while (n < header)
        {
            int read = BoundedRead.Guarded(() => stream.Read(head, n, header - n), path, what);
            if (read == 0)
                throw new InvalidDataException($"{path}: not an IDX file: {n} bytes, expected a header of {header}");
            n += read;
        }
        return head;
    }
}
