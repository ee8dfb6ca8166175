using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
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
    /// <summary>Reads every tensor of <paramref name="path"/>, in file order; a truncated or corrupt file is an error naming it.</summary>
    public static Dictionary<string, HostTensor> Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{path}: cannot read the checkpoint ({e.Message})", e);
        }
        return Parse(bytes, path);
    }

    public static Dictionary<string, HostTensor> Parse(byte[] bytes, string source)
    {
        if (bytes.Length < 8)
            throw new InvalidDataException($"{source}: not a safetensors file (only {bytes.Length} bytes)");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > (ulong)(bytes.Length - 8))
            throw new InvalidDataException($"{source}: truncated safetensors file (header of {headerLength} bytes, file of {bytes.Length})");
        JsonObject header;
        try
        {
            header = JsonNode.Parse(Encoding.UTF8.GetString(bytes, 8, (int)headerLength))?.AsObject()
                     ?? throw new InvalidDataException($"{source}: empty safetensors header");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: corrupt safetensors header ({e.Message})", e);
        }
        long dataStart = 8 + (long)headerLength;
        var result = new Dictionary<string, HostTensor>();
        foreach (var (name, node) in header)
        {
            if (name == "__metadata__")
                continue;
            try
            {
                var entry = node!.AsObject();
                var dtype = ParseDType(entry["dtype"]!.GetValue<string>());
                var shape = entry["shape"]!.AsArray().Select(v => v!.GetValue<int>()).ToArray();
                var offsets = entry["data_offsets"]!.AsArray().Select(v => v!.GetValue<long>()).ToArray();
                long begin = dataStart + offsets[0], end = dataStart + offsets[1];
                long expected = (long)ShapeUtil.Numel(shape) * dtype.ElementSize();
                if (end > bytes.Length)
                    throw new InvalidDataException($"{source}: tensor '{name}' runs past the end of the file (truncated?)");
                if (end - begin != expected)
                    throw new InvalidDataException(
                        $"{source}: tensor '{name}' holds {end - begin} bytes, its {dtype.TorchName()} shape {ShapeUtil.Format(shape)} needs {expected}");
                result[name] = new HostTensor(dtype, shape, bytes[(int)begin..(int)end]);
            }
            catch (Exception e) when (e is NullReferenceException or InvalidOperationException or FormatException or IndexOutOfRangeException)
            {
                throw new InvalidDataException($"{source}: corrupt safetensors entry '{name}'", e);
            }
        }
        return result;
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

    static DType ParseDType(string name) => name switch
    {
        "F32" => DType.Float32,
        "I32" => DType.Int32,
        "I64" => DType.Int64,
        "BOOL" => DType.Bool,
        _ => throw new InvalidDataException($"unsupported safetensors dtype '{name}' (F32, I32, I64 and BOOL are supported)"),
    };
}
