using System.Buffers.Binary;
using System.IO.Compression;
using QSparse.Nn.Data;

namespace QSparse.Tests;

/// <summary>
/// The IDX reader against a few thousand corrupted files from a fixed seed, plain and gzip (truncations, byte flips,
/// size edits, bytes added): every case either loads exactly the bytes the header's sizes describe, with nothing
/// after them, or throws <see cref="InvalidDataException"/> with a message that starts with the file's name.
/// </summary>
public class IdxFuzzTests
{
    const int CasesPerKind = 400;

    static readonly string[] Kinds = ["truncation", "byte flips", "size edit", "bytes added"];

    [Test]
    public void EveryCorruptionLoadsCorrectlyOrIsANamedInvalidDataException()
    {
        var dir = Directory.CreateTempSubdirectory("qsparse-idx-fuzz-").FullName;
        var random = new Random(20261202);
        var counts = new SortedDictionary<string, int>();
        var wrong = new List<string>();
        try
        {
            foreach (var kind in Kinds)
                foreach (bool gzip in new[] { false, true })
                    for (int i = 0; i < CasesPerKind; i++)
                    {
                        var path = Path.Combine(dir, $"{kind.Replace(' ', '-')}-{i}{(gzip ? ".gz" : "")}");
                        var plain = Corrupt(kind, random);
                        var bytes = gzip ? Compress(plain) : plain;
                        if (gzip && kind is "truncation" or "byte flips")
                            bytes = Corrupt(kind, random, bytes);
                        File.WriteAllBytes(path, bytes);
                        string outcome = Outcome(path, bytes);
                        string key = $"{kind}{(gzip ? " (gzip)" : "")}: {outcome}";
                        counts[key] = counts.GetValueOrDefault(key) + 1;
                        if (outcome is not ("loaded" or "named error"))
                            wrong.Add($"{Path.GetFileName(path)}: {outcome}");
                    }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
        foreach (var (key, n) in counts)
            TestContext.Out.WriteLine($"{key} {n}");
        Assert.That(wrong, Is.Empty);
    }

    static string Outcome(string path, byte[] bytes)
    {
        try
        {
            var (shape, data) = IdxFile.Read(path, 2);
            return Described(bytes) is { } plain && shape.SequenceEqual([BinaryPrimitives.ReadInt32BigEndian(plain.AsSpan(4)), BinaryPrimitives.ReadInt32BigEndian(plain.AsSpan(8))])
                   && plain.AsSpan(12).SequenceEqual(data) && data.Length == (long)shape[0] * shape[1]
                ? "loaded" : "loaded wrongly";
        }
        catch (InvalidDataException e) when (e.Message.StartsWith(path + ": ", StringComparison.Ordinal))
        {
            return "named error";
        }
        catch (Exception e)
        {
            return $"{e.GetType().Name}: {e.Message}";
        }
    }

    /// <summary>The file's plain bytes (gzip undone without the reader), or null where they do not decompress.</summary>
    static byte[]? Described(byte[] bytes)
    {
        if (bytes is not [0x1f, 0x8b, ..])
            return bytes;
        try
        {
            using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            using var plain = new MemoryStream();
            gzip.CopyTo(plain);
            return plain.ToArray();
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>A 3×5 IDX file of rank 2, changed as <paramref name="kind"/> says (or <paramref name="file"/> changed so).</summary>
    static byte[] Corrupt(string kind, Random random, byte[]? file = null)
    {
        file ??= [0, 0, 8, 2, 0, 0, 0, 3, 0, 0, 0, 5, .. Enumerable.Range(0, 15).Select(i => (byte)(i * 17))];
        switch (kind)
        {
            case "truncation":
                return file[..random.Next(file.Length)];
            case "byte flips":
                for (int k = random.Next(1, 4); k > 0; k--)
                    file[random.Next(file.Length)] ^= (byte)random.Next(1, 256);
                return file;
            case "size edit":
                int[] sizes = [-1, 0, 2, 4, 6, int.MaxValue, int.MinValue, 1 << 16, random.Next()];
                BinaryPrimitives.WriteInt32BigEndian(file.AsSpan(4 + 4 * random.Next(2)), sizes[random.Next(sizes.Length)]);
                return file;
            default:
                var extra = new byte[random.Next(1, 32)];
                random.NextBytes(extra);
                return [.. file, .. extra];
        }
    }

    static byte[] Compress(byte[] plain)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest))
            gzip.Write(plain);
        return compressed.ToArray();
    }
}
