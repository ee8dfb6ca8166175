using System.Text.Json.Nodes;
using QSparse.Nn;

namespace QSparse.Tests.Checkpoints;

/// <summary>
/// The safetensors reader against a few thousand corrupted files from a fixed seed (truncations, byte flips, offset
/// edits, header edits, bytes added): every case either loads a file whose every byte belongs to exactly one tensor,
/// or throws the reader's one documented exception, <see cref="InvalidDataException"/>, with a message that starts
/// with the file's name. Nothing else: no silently wrong load, no other exception type.
/// </summary>
public class SafeTensorsFuzzTests
{
    const int CasesPerKind = 600;

    static readonly string[] Kinds = ["truncation", "byte flips", "offset edit", "header edit", "bytes added"];

    [Test]
    public void EveryCorruptionLoadsCorrectlyOrIsANamedInvalidDataException()
    {
        var dir = Directory.CreateTempSubdirectory("qsparse-fuzz-").FullName;
        var random = new Random(20261202);
        var counts = Kinds.ToDictionary(k => k, _ => new Dictionary<string, int> { ["loaded"] = 0, ["named error"] = 0 });
        var wrong = new List<string>();
        try
        {
            foreach (var kind in Kinds)
                for (int i = 0; i < CasesPerKind; i++)
                {
                    var path = Path.Combine(dir, $"{kind.Replace(' ', '-')}-{i}.safetensors");
                    var bytes = Corrupt(kind, random);
                    File.WriteAllBytes(path, bytes);
                    string outcome = Outcome(path, bytes);
                    counts[kind][outcome] = counts[kind].GetValueOrDefault(outcome) + 1;
                    if (outcome is not ("loaded" or "named error"))
                        wrong.Add($"{Path.GetFileName(path)}: {outcome}");
                }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
        foreach (var (kind, outcomes) in counts)
            TestContext.Out.WriteLine($"{kind}: {string.Join(", ", outcomes.Select(o => $"{o.Key} {o.Value}"))}");
        Assert.That(wrong, Is.Empty);
        Assert.That(counts.Values.Sum(c => c["named error"]), Is.GreaterThan(Kinds.Length * CasesPerKind / 2), "most corruptions must be caught");
    }

    /// <summary>"loaded", "named error", or what went wrong (a silently wrong load, another exception type, an unnamed message).</summary>
    static string Outcome(string path, byte[] bytes)
    {
        try
        {
            var tensors = SafeTensors.Read(path);
            return SafeTensorsFiles.EveryByteBelongsToOneTensor(bytes, tensors) ? "loaded" : "loaded wrongly";
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

    static byte[] Corrupt(string kind, Random random)
    {
        var (header, data) = SafeTensorsFiles.Sample();
        var file = SafeTensorsFiles.Bytes(header, data);
        switch (kind)
        {
            case "truncation":
                return file[..random.Next(file.Length)];
            case "byte flips":
                for (int k = random.Next(1, 5); k > 0; k--)
                    file[random.Next(file.Length)] ^= (byte)random.Next(1, 256);
                return file;
            case "offset edit":
                var offsets = header[AnyTensor(random)]!["data_offsets"]!.AsArray();
                long[] choices = [-1, -8, long.MaxValue, long.MinValue, random.Next(-64, data.Length + 64), data.Length, 0];
                if (random.Next(4) == 0)
                    offsets.Add(random.Next(data.Length));
                else
                    offsets[random.Next(2)] = random.Next(3) == 0 ? (JsonNode)18446744073709551620m : choices[random.Next(choices.Length)];
                return SafeTensorsFiles.Bytes(header, data);
            case "header edit":
                return HeaderEdit(header, data, random);
            default:
                var extra = new byte[random.Next(1, 64)];
                random.NextBytes(extra);
                int at = random.Next(2) == 0 ? file.Length : file.Length - data.Length + random.Next(data.Length);
                return [.. file[..at], .. extra, .. file[at..]];
        }
    }

    static string AnyTensor(Random random) => new[] { "a", "b", "c", "d", "e" }[random.Next(5)];

    static byte[] HeaderEdit(JsonObject header, byte[] data, Random random)
    {
        var entry = header[AnyTensor(random)]!.AsObject();
        switch (random.Next(10))
        {
            case 0: entry["dtype"] = new[] { "F16", "f32", "BF16", "U8", "" }[random.Next(5)]; break;
            case 1: entry["dtype"] = 5; break;
            case 2: entry.Remove(new[] { "dtype", "shape", "data_offsets" }[random.Next(3)]); break;
            case 3: entry["extra"] = 1; break;
            case 4: entry["shape"] = new JsonArray(-1); break;
            case 5: entry["shape"] = new JsonArray(1 << 20, 1 << 20, 1 << 20); break;
            case 6: entry["shape"] = new JsonArray(1.5, "2"); break;
            case 7: header["__metadata__"] = new JsonObject { ["n"] = 3 }; break;
            case 8:
                string json = header.ToJsonString();
                return SafeTensorsFiles.Bytes(random.Next(2) == 0 ? "[1, 2]" : json.Replace(",\"a\":", ",\"a\":{},\"a\":"), data);
            default:
                var announced = random.Next(3) == 0 ? long.MaxValue - random.Next(9) : random.Next(-9, 400);
                return SafeTensorsFiles.Bytes(header, data, announced);
        }
        return SafeTensorsFiles.Bytes(header, data);
    }
}
