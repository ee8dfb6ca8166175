using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;

namespace QSparse.Nn;

/// <summary>One tensor of a safetensors file, held on the host.</summary>
public sealed record HostTensor(DType DType, int[] Shape, byte[] Data)
{
    public int Numel => ShapeUtil.Numel(Shape);

    public float[] AsFloats() => Cast<float>(DType.Float32);
    public int[] AsInts() => Cast<int>(DType.Int32);
    public long[] AsLongs() => Cast<long>(DType.Int64);
    public bool[] AsBools() => DType == DType.Bool ? Data.Select(b => b != 0).ToArray() : throw Mismatch(DType.Bool);

    T[] Cast<T>(DType expected) where T : unmanaged =>
        DType == expected ? System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(Data).ToArray() : throw Mismatch(expected);

    InvalidOperationException Mismatch(DType expected) =>
        new($"tensor is {DType.TorchName()}, not {expected.TorchName()}");

    public Tensor ToDevice(Device device) => Tensor.FromBytes(device, Data, Shape, DType);

    public static HostTensor From(Tensor t) => new(t.DType, (int[])t.Shape.Clone(), t.ToBytes());
}

/// <summary>
/// The safetensors format: an 8-byte little-endian header length, a JSON header mapping names to
/// dtype, shape and data offsets, then the raw little-endian data. Files written here load in
/// PyTorch (safetensors.torch.load_file) and the other way round.
/// </summary>
public static class SafeTensors
{
    /// <summary>
    /// Reads every tensor of <paramref name="path"/>, in the header's order, reading the file once, front to back (a FIFO
    /// works). The header is validated as the format requires (<see cref="SafeTensorsHeader"/>) and checked against the
    /// file's length before the tensors are allocated. Any file that cannot be read or is not a valid safetensors file
    /// of F32, I32, I64 and BOOL tensors, and only such a file, is an <see cref="InvalidDataException"/> whose message
    /// starts with <paramref name="path"/> and names the key.
    /// </summary>
    public static Dictionary<string, HostTensor> Read(string path)
    {
        using var stream = BoundedRead.Open(path, "checkpoint");
        return Read(stream, path);
    }

    /// <summary><see cref="Read(string)"/> from <paramref name="stream"/>, which must end where the data region does; errors name <paramref name="source"/>.</summary>
    public static Dictionary<string, HostTensor> Read(Stream stream, string source)
    {
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(BoundedRead.Exactly(stream, 8, source, "safetensors header length"));
        if (headerLength < 2 || headerLength > SafeTensorsHeader.MaxLength)
            throw new InvalidDataException($"{source}: not a safetensors file: its first 8 bytes announce a header of {headerLength} bytes (2 to {SafeTensorsHeader.MaxLength} expected)");
        var (entries, dataLength) = SafeTensorsHeader.Parse(BoundedRead.Exactly(stream, (long)headerLength, source, "safetensors header"), source);
        if (stream.CanSeek && stream.Length - stream.Position != dataLength)
            throw new InvalidDataException(
                $"{source}: the safetensors header describes {dataLength} bytes of tensor data, the file holds {stream.Length - stream.Position}");
        var data = new Dictionary<SafeTensorsEntry, byte[]>();
        foreach (var e in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
            data[e] = BoundedRead.Exactly(stream, e.End - e.Begin, source, $"tensor '{e.Name}'");
        BoundedRead.End(stream, source, "tensor data");
        foreach (var e in entries.Where(e => e.DType == DType.Bool))
            if (Array.FindIndex(data[e], b => b > 1) is var at and >= 0)
                throw new InvalidDataException($"{source}: tensor '{e.Name}': BOOL element {at} is byte {data[e][at]}, expected 0 or 1");
        return entries.ToDictionary(e => e.Name, e => new HostTensor(e.DType, e.Shape, data[e]));
    }

    /// <summary>
    /// Writes <paramref name="tensors"/> in the given order. NOTE: the file is written next to the
    /// target under a temporary name and renamed, so a failure never leaves a half-written checkpoint.
    /// </summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, HostTensor>> tensors,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        var header = new JsonObject();
        if (metadata != null)
            header["__metadata__"] = new JsonObject(metadata.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)));
        var blobs = new List<byte[]>();
        long offset = 0;
        foreach (var (name, t) in tensors)
        {
            header[name] = new JsonObject
            {
                ["dtype"] = t.DType.SafetensorsName(),
                ["shape"] = new JsonArray(t.Shape.Select(d => (JsonNode?)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + t.Data.Length),
            };
            blobs.Add(t.Data);
            offset += t.Data.Length;
        }
        var headerBytes = Encoding.UTF8.GetBytes(header.ToJsonString());
        // Pad the header with spaces to 8 bytes, as the reference writer does.
        int padded = (headerBytes.Length + 7) / 8 * 8;
        AtomicFile.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
            stream.Write(length);
            stream.Write(headerBytes);
            for (int i = headerBytes.Length; i < padded; i++)
                stream.WriteByte((byte)' ');
            foreach (var blob in blobs)
                stream.Write(blob);
        });
    }
}
