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
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
            if (bytes.Length >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b)
            {
                using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
                using var plain = new MemoryStream();
                gzip.CopyTo(plain);
                bytes = plain.ToArray();
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // NOTE: a corrupt gzip stream throws InvalidDataException, which is already the right kind.
            throw new InvalidDataException($"{path}: cannot read the IDX file ({e.Message})", e);
        }
        int expectedMagic = (UnsignedByte << 8) | rank;
        int header = 4 + 4 * rank;
        if (bytes.Length < header)
            throw new InvalidDataException($"{path}: not an IDX file: {bytes.Length} bytes, expected a header of {header}");
        int magic = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (magic != expectedMagic)
            throw new InvalidDataException($"{path}: IDX magic number 0x{magic:x8}, expected 0x{expectedMagic:x8} (unsigned bytes, {rank} dimensions)");
        var shape = new int[rank];
        long count = 1;
        for (int i = 0; i < rank; i++)
        {
            shape[i] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + 4 * i));
            if (shape[i] < 0)
                throw new InvalidDataException($"{path}: IDX dimension {i} is {shape[i]}, expected a size >= 0");
            count *= shape[i];
        }
        if (bytes.Length - header != count)
            throw new InvalidDataException(
                $"{path}: IDX data of {bytes.Length - header} bytes, expected {count} for shape [{string.Join(", ", shape)}]");
        return (shape, bytes[header..]);
    }
}
