using System.Buffers.Binary;
using System.IO.Compression;

namespace QSparse.Tests;

/// <summary>Tiny MNIST-style folders written by the tests: random 28x28 images and labels in IDX files.</summary>
public static class SyntheticIdx
{
    /// <summary>Writes an IDX file of unsigned bytes with <paramref name="shape"/>, gzip-compressed when <paramref name="gzip"/>.</summary>
    public static void Write(string path, int[] shape, byte[] data, bool gzip = false, int? magic = null)
    {
        var bytes = new byte[4 + 4 * shape.Length + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic ?? (0x08 << 8 | shape.Length));
        for (int i = 0; i < shape.Length; i++)
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), shape[i]);
        data.CopyTo(bytes, 4 + 4 * shape.Length);
        if (!gzip)
        {
            File.WriteAllBytes(path, bytes);
            return;
        }
        using var file = File.Create(path);
        using var stream = new GZipStream(file, CompressionLevel.Fastest);
        stream.Write(bytes);
    }

    /// <summary>A new temporary folder with <paramref name="train"/> training and <paramref name="test"/> test examples; the training images gzip-compressed.</summary>
    public static string Folder(int train, int test, int seed = 1)
    {
        var folder = Directory.CreateTempSubdirectory("qsparse-idx-").FullName;
        var random = new Random(seed);
        foreach (var (split, n) in new[] { ("train", train), ("t10k", test) })
        {
            var images = new byte[n * 28 * 28];
            random.NextBytes(images);
            var labels = Enumerable.Range(0, n).Select(_ => (byte)random.Next(10)).ToArray();
            bool gzip = split == "train";
            Write(Path.Combine(folder, $"{split}-images-idx3-ubyte{(gzip ? ".gz" : "")}"), [n, 28, 28], images, gzip);
            Write(Path.Combine(folder, $"{split}-labels-idx1-ubyte"), [n], labels);
        }
        return folder;
    }
}
