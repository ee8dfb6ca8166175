using System.Text.Json;

namespace QSparse.Nn;

/// <summary>One tensor as a safetensors header describes it: where its bytes lie in the data region.</summary>
sealed record SafeTensorsEntry(string Name, DType DType, int[] Shape, long Begin, long End);

/// <summary>
/// The JSON header of a safetensors file, validated as the format requires before any tensor byte is read: an object of
/// tensors (and an optional <c>__metadata__</c> of strings), each exactly <c>dtype</c>, <c>shape</c> (sizes ≥ 0) and
/// <c>data_offsets</c> (two integers, begin ≤ end, end − begin = the shape's bytes); no key twice; sorted by offset the
/// tensors tile the data region from 0 without gaps or overlaps, so every data byte belongs to exactly one tensor.
/// Every violation is an <see cref="InvalidDataException"/> naming the file and the key.
/// </summary>
static class SafeTensorsHeader
{
    /// <summary>The largest header the reference reader accepts (safetensors' MAX_HEADER_SIZE).</summary>
    public const long MaxLength = 100_000_000;

    /// <summary>The entries of <paramref name="json"/> in the header's order, and the data region's length they cover.</summary>
    public static (List<SafeTensorsEntry> Entries, long DataLength) Parse(byte[] json, string source)
    {
        if (!System.Text.Unicode.Utf8.IsValid(json))
            throw new InvalidDataException($"{source}: corrupt safetensors header: not UTF-8 text");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: corrupt safetensors header: not JSON ({e.Message})", e);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"{source}: corrupt safetensors header: a JSON {document.RootElement.ValueKind}, expected an object of tensors");
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var twice = document.RootElement.EnumerateObject().FirstOrDefault(p => !seen.Add(p.Name));
            if (seen.Count < document.RootElement.GetPropertyCount())
                throw new InvalidDataException($"{source}: safetensors header names '{twice.Name}' twice");
            var entries = new List<SafeTensorsEntry>();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__")
                    CheckMetadata(property.Value, source);
                else
                    entries.Add(Entry(property, source));
            }
            return (entries, Tile(entries, source));
        }
    }

    static void CheckMetadata(JsonElement metadata, string source)
    {
        if (metadata.ValueKind != JsonValueKind.Object || metadata.EnumerateObject().Any(p => p.Value.ValueKind != JsonValueKind.String))
            throw new InvalidDataException($"{source}: safetensors '__metadata__' must map names to strings");
    }

    static SafeTensorsEntry Entry(JsonProperty property, string source)
    {
        string name = property.Name;
        InvalidDataException Bad(string what) => new($"{source}: safetensors entry '{name}': {what}");
        if (property.Value.ValueKind != JsonValueKind.Object)
            throw Bad($"a JSON {property.Value.ValueKind}, expected an object with dtype, shape and data_offsets");
        var fields = property.Value.EnumerateObject().ToDictionary(p => p.Name, p => p.Value);
        var unknown = fields.Keys.Except(["dtype", "shape", "data_offsets"]).FirstOrDefault();
        if (unknown != null)
            throw Bad($"unknown field '{unknown}' (expected dtype, shape and data_offsets)");
        if (!fields.TryGetValue("dtype", out var dtypeField) || dtypeField.ValueKind != JsonValueKind.String)
            throw Bad("no dtype string");
        var dtype = dtypeField.GetString() switch
        {
            "F32" => DType.Float32,
            "I32" => DType.Int32,
            "I64" => DType.Int64,
            "BOOL" => DType.Bool,
            var other => throw Bad($"dtype '{other}' is not supported (F32, I32, I64 and BOOL are)"),
        };
        var shape = Integers(fields, "shape", name, source);
        var offsets = Integers(fields, "data_offsets", name, source);
        if (shape.Any(d => d > int.MaxValue))
            throw Bad($"shape [{string.Join(", ", shape)}] has a size above {int.MaxValue}");
        if (offsets.Length != 2 || offsets[0] > offsets[1])
            throw Bad($"data_offsets [{string.Join(", ", offsets)}], expected [begin, end] with begin <= end");
        var dims = shape.Select(d => (int)d).ToArray();
        // NOTE: the product stops growing past 2^31 (each size is below it), so it cannot wrap.
        long numel = dims.Contains(0) ? 0 : dims.Aggregate(1L, (n, d) => n > int.MaxValue ? n : n * d);
        if (numel > int.MaxValue)
            throw Bad($"shape {ShapeUtil.Format(dims)} has more than {int.MaxValue} elements");
        long bytes = numel * dtype.ElementSize();
        if (offsets[1] - offsets[0] != bytes)
            throw Bad($"data_offsets [{offsets[0]}, {offsets[1]}] hold {offsets[1] - offsets[0]} bytes, its {dtype.TorchName()} shape {ShapeUtil.Format(dims)} needs {bytes}");
        return new SafeTensorsEntry(name, dtype, dims, offsets[0], offsets[1]);
    }

    /// <summary>A field that must be an array of integers ≥ 0 (each below 2^63).</summary>
    static long[] Integers(Dictionary<string, JsonElement> fields, string field, string name, string source)
    {
        if (fields.TryGetValue(field, out var array) && array.ValueKind == JsonValueKind.Array)
        {
            var values = new List<long>();
            foreach (var v in array.EnumerateArray())
            {
                if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out long x) || x < 0)
                    break;
                values.Add(x);
            }
            if (values.Count == array.GetArrayLength())
                return [.. values];
        }
        throw new InvalidDataException($"{source}: safetensors entry '{name}': {field} must be an array of integers >= 0");
    }

    /// <summary>The data region's length: the entries, sorted by offset, must start at 0 and each begin where the last ended.</summary>
    static long Tile(List<SafeTensorsEntry> entries, string source)
    {
        long end = 0;
        foreach (var e in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (e.Begin != end)
                throw new InvalidDataException(e.Begin < end
                    ? $"{source}: safetensors entry '{e.Name}' at data bytes [{e.Begin}, {e.End}) overlaps the tensor before it (which ends at {end})"
                    : $"{source}: safetensors entry '{e.Name}' begins at data byte {e.Begin}, leaving bytes [{end}, {e.Begin}) to no tensor");
            end = e.End;
        }
        return end;
    }
}
