using QSparse.Nn.Data;

namespace QSparse.Tests;

/// <summary>The IDX reader: plain and gzip files alike, malformed files an error naming the file and the expectation.</summary>
public class IdxFileTests
{
    [Test]
    public void ReadsPlainAndGzipFilesAlike()
    {
        var dir = Directory.CreateTempSubdirectory("qsparse-idx-").FullName;
        byte[] data = [1, 2, 3, 4, 5, 6];
        SyntheticIdx.Write(Path.Combine(dir, "a"), [2, 3], data);
        SyntheticIdx.Write(Path.Combine(dir, "b.gz"), [2, 3], data, gzip: true);
        foreach (var name in new[] { "a", "b.gz" })
        {
            var (shape, bytes) = IdxFile.Read(Path.Combine(dir, name), 2);
            Assert.That(shape, Is.EqualTo(new[] { 2, 3 }));
            Assert.That(bytes, Is.EqualTo(data));
        }
    }

    [Test]
    public void MalformedFilesAreErrorsNamingTheFileAndTheExpectation()
    {
        var dir = Directory.CreateTempSubdirectory("qsparse-idx-").FullName;
        var wrongMagic = Path.Combine(dir, "magic");
        SyntheticIdx.Write(wrongMagic, [2], [1, 2], magic: 0x0D01);
        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(wrongMagic, 1))!;
        Assert.That(e.Message, Does.Contain(wrongMagic).And.Contain("expected 0x00000801"));
        var truncated = Path.Combine(dir, "short");
        SyntheticIdx.Write(truncated, [5], [1, 2]);
        e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(truncated, 1))!;
        Assert.That(e.Message, Does.Contain(truncated).And.Contain("needs 5 bytes"));
        var header = Path.Combine(dir, "header");
        File.WriteAllBytes(header, [0, 0, 8]);
        e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(header, 1))!;
        Assert.That(e.Message, Does.Contain(header).And.Contain("expected a header of 8"));
    }
}
