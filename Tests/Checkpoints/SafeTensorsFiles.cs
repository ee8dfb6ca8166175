using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using QSparse.Nn;

namespace QSparse.Tests.Checkpoints;

/// <summary>
/// Safetensors files built byte by byte, so tests can write what no writer would (bad offsets, headers, dtypes), and an
/// oracle independent of the reader: which bytes of a file belong to which tensor.
/// </summary>
static class SafeTensorsFiles
{
    /// <summary>A small valid file's header and data: F32 [2, 3], I64 [2], BOOL [5], I32 scalar, F32 [0], and metadata.</summary>
    public static (JsonObject Header, byte[] Data) Sample()
    {
        var header = new JsonObject { ["__metadata__"] = new JsonObject { ["format"] = "pt" } };
        var data = new List<byte>();
        void Add(string name, string dtype, int[] shape, int bytes)
        {
            header[name] = new JsonObject
            {
                ["dtype"] = dtype,
                ["shape"] = new JsonArray(shape.Select(d => (JsonNode?)d).ToArray()),
                ["data_offsets"] = new JsonArray(data.Count, data.Count + bytes),
            };
            data.AddRange(Enumerable.Range(0, bytes).Select(i => (byte)(dtype == "BOOL" ? i % 2 : data.Count * 7 + i)));
        }
        Add("a", "F32", [2, 3], 24);
        Add("b", "I64", [2], 16);
        Add("c", "BOOL", [5], 5);
        Add("d", "I32", [], 4);
        Add("e", "F32", [0], 0);
        return (header, [.. data]);
    }

    /// <summary>The file: 8-byte little-endian header length, the header (padded with spaces to 8 bytes), the data.</summary>
    public static byte[] Bytes(JsonNode header, byte[] data, long? announcedLength = null) =>
        Bytes(header.ToJsonString(), data, announcedLength);

    /// <summary><see cref="Bytes(JsonNode, byte[], long?)"/> of a header given as text (to write JSON no JsonNode holds, such as a key twice).</summary>
    public static byte[] Bytes(string header, byte[] data, long? announcedLength = null)
    {
        var json = Encoding.UTF8.GetBytes(header);
        int padded = (json.Length + 7) / 8 * 8;
        var bytes = new byte[8 + padded + data.Length];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, announcedLength ?? padded);
        json.CopyTo(bytes, 8);
        bytes.AsSpan(8 + json.Length, padded - json.Length).Fill((byte)' ');
        data.CopyTo(bytes, 8 + padded);
        return bytes;
    }

    /// <summary>
    /// Whether what the reader returned for <paramref name="file"/> is right, judged without the reader: each tensor's
    /// bytes are the file's bytes at its header offsets, of its shape's length, and the tensors' ranges tile the data
    /// region exactly (every byte after the header belongs to exactly one tensor).
    /// </summary>
    public static bool EveryByteBelongsToOneTensor(byte[] file, IReadOnlyDictionary<string, HostTensor> tensors)
    {
        long headerLength = BinaryPrimitives.ReadInt64LittleEndian(file);
        var header = JsonNode.Parse(file.AsSpan(8, (int)headerLength))!.AsObject();
        long dataStart = 8 + headerLength, dataLength = file.Length - dataStart;
        var owner = new int[dataLength];
        if (header.Count(kv => kv.Key != "__metadata__") != tensors.Count)
            return false;
        foreach (var (name, t) in tensors)
        {
            var offsets = header[name]!["data_offsets"]!.AsArray().Select(v => v!.GetValue<long>()).ToArray();
            if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] > dataLength || offsets[1] - offsets[0] != t.Data.Length
                || t.Data.Length != t.Numel * t.DType.ElementSize()
                || !file.AsSpan((int)(dataStart + offsets[0]), t.Data.Length).SequenceEqual(t.Data))
                return false;
            for (long i = offsets[0]; i < offsets[1]; i++)
                owner[i]++;
        }
        return owner.All(n => n == 1);
    }
}
