using System.Text.Json.Nodes;
using QSparse.Nn;
using QSparse.Nn.Data;

namespace QSparse.Tests.Checkpoints;

/// <summary>
/// The malformed files of issue 15, each built here: data offsets that are negative, wrap, point into the header,
/// overlap, leave gaps or bytes after the data, or have three elements; dtypes the reader does not take, a key twice, a
/// shape too large: each a one-line <see cref="InvalidDataException"/> naming the file and the key. And files that are
/// not files: /dev/zero (or a link to it) fails at once instead of exhausting memory, and a FIFO is read once.
/// </summary>
public class SafeTensorsValidationTests
{
    string dir = "";

    [SetUp]
    public void MakeDirectory() => dir = Directory.CreateTempSubdirectory("qsparse-st-").FullName;

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(dir, recursive: true);

    static void Offsets(JsonObject header, string name, params long[] offsets) =>
        header[name]!["data_offsets"] = new JsonArray(offsets.Select(o => (JsonNode?)o).ToArray());

    static readonly Dictionary<string, (Action<JsonObject> Edit, string[] Expected)> Cases = new()
    {
        ["negative offset"] = (h => Offsets(h, "b", -16, 0), ["'b'", "data_offsets", ">= 0"]),
        ["into the header"] = (h => Offsets(h, "a", -24, 0), ["'a'", "data_offsets"]),
        ["begin after end"] = (h => Offsets(h, "b", 40, 24), ["'b'", "[40, 24]"]),
        ["overlap"] = (h => Offsets(h, "b", 16, 32), ["'b'", "overlaps"]),
        ["three elements"] = (h => Offsets(h, "c", 40, 45, 45), ["'c'", "[begin, end]"]),
        ["gap"] = (h => { Offsets(h, "c", 41, 46); Offsets(h, "d", 46, 50); Offsets(h, "e", 50, 50); }, ["'c'", "bytes [40, 41) to no tensor"]),
        ["wrong length"] = (h => Offsets(h, "d", 45, 53), ["'d'", "needs 4"]),
        ["F16"] = (h => h["a"]!["dtype"] = "F16", ["'a'", "dtype 'F16' is not supported"]),
        ["huge shape"] = (h => h["a"]!["shape"] = new JsonArray(1 << 20, 1 << 20, 1 << 20), ["'a'", "more than 2147483647 elements"]),
        ["unknown field"] = (h => h["b"]!["scale"] = 2, ["'b'", "unknown field 'scale'"]),
        ["not an object"] = (h => h["c"] = 3, ["'c'", "expected an object"]),
    };

    [TestCaseSource(nameof(CaseNames))]
    public void MalformedHeaderIsAnErrorNamingTheFileAndTheKey(string name)
    {
        var (header, data) = SafeTensorsFiles.Sample();
        Cases[name].Edit(header);
        var path = Write(SafeTensorsFiles.Bytes(header, data));
        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Read(path))!;
        Assert.That(e.Message, Does.StartWith(path + ": ").And.Not.Contain("\n"));
        foreach (var part in Cases[name].Expected)
            Assert.That(e.Message, Does.Contain(part));
    }

    static IEnumerable<string> CaseNames() => Cases.Keys;

    [Test]
    public void BytesAfterTheDataAndAKeyTwiceAreErrors()
    {
        var (header, data) = SafeTensorsFiles.Sample();
        var trailing = Write([.. SafeTensorsFiles.Bytes(header, data), 1, 2, 3]);
        Assert.That(() => SafeTensors.Read(trailing), Throws.TypeOf<InvalidDataException>()
            .With.Message.StartsWith(trailing).And.Message.Contains("describes 49 bytes of tensor data, the file holds 52"));
        var twice = Write(SafeTensorsFiles.Bytes(header.ToJsonString().Replace(",\"b\":", ",\"b\":{},\"b\":"), data));
        Assert.That(() => SafeTensors.Read(twice), Throws.TypeOf<InvalidDataException>()
            .With.Message.StartsWith(twice).And.Message.Contains("names 'b' twice"));
    }

    [Test]
    public void ABoolByteOtherThan0Or1IsAnError()
    {
        var (header, data) = SafeTensorsFiles.Sample();
        data[42] = 2;
        var path = Write(SafeTensorsFiles.Bytes(header, data));
        Assert.That(() => SafeTensors.Read(path), Throws.TypeOf<InvalidDataException>()
            .With.Message.EqualTo($"{path}: tensor 'c': BOOL element 2 is byte 2, expected 0 or 1"));
    }

    [Test]
    public void TheSampleItselfLoadsEveryByte()
    {
        var (header, data) = SafeTensorsFiles.Sample();
        var bytes = SafeTensorsFiles.Bytes(header, data);
        var tensors = SafeTensors.Read(Write(bytes));
        Assert.That(tensors.Keys, Is.EqualTo(new[] { "a", "b", "c", "d", "e" }));
        Assert.That(SafeTensorsFiles.EveryByteBelongsToOneTensor(bytes, tensors), Is.True);
    }

    [Test]
    public void DevZeroAndALinkToItFailAtOnceNamingThePath()
    {
        if (!File.Exists("/dev/zero"))
            Assert.Ignore("no /dev/zero on this system");
        var link = Path.Combine(dir, "zero.safetensors");
        File.CreateSymbolicLink(link, "/dev/zero");
        foreach (var path in new[] { "/dev/zero", link })
        {
            Assert.That(() => SafeTensors.Read(path), Throws.TypeOf<InvalidDataException>().With.Message.StartsWith(path + ": "));
            Assert.That(() => IdxFile.Read(path, 1), Throws.TypeOf<InvalidDataException>().With.Message.StartsWith(path + ": "));
        }
    }

    [Test]
    public void AFifoIsReadOnceFrontToBack()
    {
        if (OperatingSystem.IsWindows())
            Assert.Ignore("no FIFOs on Windows");
        var (header, data) = SafeTensorsFiles.Sample();
        var bytes = SafeTensorsFiles.Bytes(header, data);
        var fifo = Path.Combine(dir, "pipe.safetensors");
        Processes.Run("mkfifo", fifo);
        // NOTE: a writer that writes the file once: a second open of the FIFO by the reader would block forever.
        var writer = Task.Run(() => File.WriteAllBytes(fifo, bytes));
        var tensors = SafeTensors.Read(fifo);
        Assert.That(writer.Wait(TimeSpan.FromSeconds(30)), Is.True);
        Assert.That(SafeTensorsFiles.EveryByteBelongsToOneTensor(bytes, tensors), Is.True);
    }

    string Write(byte[] bytes)
    {
        var path = Path.Combine(dir, $"{Guid.NewGuid():N}.safetensors");
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
