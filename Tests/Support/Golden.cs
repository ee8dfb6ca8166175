using System.Text.Json.Nodes;
using QSparse.Nn;

namespace QSparse.Tests;

/// <summary>The reference numbers in Tests/Golden (copied from the QSPARSE reference run).</summary>
public static class Golden
{
    public static string PathOf(string file) => Path.Combine(AppContext.BaseDirectory, "Golden", file);

    public static JsonNode Json(string file) => JsonNode.Parse(File.ReadAllText(PathOf(file)))!;

    static readonly Dictionary<string, Dictionary<string, HostTensor>> tensors = new();

    public static Dictionary<string, HostTensor> Tensors(string file)
    {
        lock (tensors)
        {
            if (!tensors.TryGetValue(file, out var t))
                tensors[file] = t = SafeTensors.Read(PathOf(file));
            return t;
        }
    }
}
