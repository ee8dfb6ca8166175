using System.Text.RegularExpressions;

namespace QSparse.Tests.Docs;

/// <summary>
/// Reads the documentation from the repository and the code regions of the tests that run it: a doc's
/// <c>```csharp</c> block carries its name in <c>&lt;!-- doc: NAME --&gt;</c> on the line before it, its printed
/// output in a block after <c>&lt;!-- output: NAME --&gt;</c>; a test marks the same code with
/// <c>// doc:begin NAME</c> and <c>// doc:end NAME</c>.
/// </summary>
public static partial class DocSource
{
    /// <summary>The folder holding QSparse.Gpu.sln, found by walking up from the test binaries.</summary>
    public static string RepoRoot { get; } = FindRoot();

    /// <summary>The fenced blocks of <paramref name="doc"/> (a path under docs/) in order: name (null when unnamed), language, code.</summary>
    public static List<(string? Name, string Language, string Code)> Blocks(string doc)
    {
        var lines = File.ReadAllLines(Path.Combine(RepoRoot, "docs", doc));
        var blocks = new List<(string?, string, string)>();
        string? pending = null;
        for (int i = 0; i < lines.Length; i++)
        {
            var marker = NameMarker().Match(lines[i]);
            if (marker.Success)
                pending = marker.Groups[1].Value;
            else if (lines[i].StartsWith("```", StringComparison.Ordinal))
            {
                string language = lines[i][3..].Trim();
                int end = Array.FindIndex(lines, i + 1, l => l.StartsWith("```", StringComparison.Ordinal));
                if (end < 0)
                    throw new InvalidDataException($"docs/{doc}: the block at line {i + 1} is not closed");
                blocks.Add((pending, language, Normalize(lines[(i + 1)..end])));
                pending = null;
                i = end;
            }
            else if (lines[i].Trim().Length > 0)
                pending = null; // NOTE: a name marker names only the block right after it (blank lines allowed).
        }
        return blocks;
    }

    /// <summary>The code block named <paramref name="name"/> (e.g. "doc: channelwise" is "channelwise") of <paramref name="doc"/>.</summary>
    public static string Code(string doc, string name) => Named(doc, "doc: " + name);

    /// <summary>The lines of the output block named <paramref name="name"/> of <paramref name="doc"/>.</summary>
    public static string[] Output(string doc, string name) => Named(doc, "output: " + name).Split('\n');

    /// <summary>
    /// Asserts that <paramref name="got"/> is what <paramref name="doc"/> shows as output <paramref name="name"/>:
    /// exactly on the CPU accelerator, whose ILGPU kernels define every op; on other devices the same lines with
    /// any numbers, since a device that rounds differently in the last bits (the native SIMD path, a GPU) may
    /// train to a neighbouring decimal or loss.
    /// </summary>
    public static void AssertPrints(string[] got, string doc, string name, string deviceKind)
    {
        var shown = Output(doc, name);
        if (deviceKind == "cpu-accelerator")
            Assert.That(got, Is.EqualTo(shown), name);
        else
            Assert.That(got.Select(MaskNumbers), Is.EqualTo(shown.Select(MaskNumbers)), $"{name} (numbers masked on {deviceKind})");
    }

    static string MaskNumbers(string line) => Number().Replace(line, "#");

    [GeneratedRegex(@"-?\d+(\.\d+)?(e-?\d+)?")]
    private static partial Regex Number();

    /// <summary>Every <c>// doc:begin NAME</c> … <c>// doc:end NAME</c> region of Tests/Docs/*.cs, normalised.</summary>
    public static Dictionary<string, string> Regions()
    {
        var regions = new Dictionary<string, string>();
        foreach (var file in Directory.GetFiles(Path.Combine(RepoRoot, "Tests", "Docs"), "*.cs"))
        {
            var lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                var begin = RegionBegin().Match(lines[i]);
                if (!begin.Success)
                    continue;
                string name = begin.Groups[1].Value;
                int end = Array.FindIndex(lines, i + 1, l => l.Trim() == "// doc:end " + name);
                if (end < 0)
                    throw new InvalidDataException($"{Path.GetFileName(file)}: doc:begin {name} has no doc:end");
                if (!regions.TryAdd(name, Normalize(lines[(i + 1)..end])))
                    throw new InvalidDataException($"{Path.GetFileName(file)}: region {name} is marked twice");
            }
        }
        return regions;
    }

    /// <summary>Drops the common indentation, trailing spaces and the blank lines around the code.</summary>
    public static string Normalize(IEnumerable<string> lines)
    {
        var trimmed = lines.Select(l => l.TrimEnd()).SkipWhile(l => l.Length == 0).Reverse().SkipWhile(l => l.Length == 0).Reverse().ToList();
        int indent = trimmed.Where(l => l.Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
        return string.Join('\n', trimmed.Select(l => l.Length == 0 ? l : l[indent..]));
    }

    static string Named(string doc, string marker)
    {
        var found = Blocks(doc).Where(b => b.Name == marker).Select(b => b.Code).ToList();
        return found.Count == 1 ? found[0] : throw new InvalidDataException($"docs/{doc}: {found.Count} blocks named '{marker}'");
    }

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "QSparse.Gpu.sln")))
                return dir.FullName;
        throw new DirectoryNotFoundException($"no QSparse.Gpu.sln above {AppContext.BaseDirectory}");
    }

    [GeneratedRegex(@"^\s*<!--\s*((?:doc|output):\s*\S+)\s*-->\s*$")]
    private static partial Regex NameMarker();

    [GeneratedRegex(@"^\s*// doc:begin (\S+)\s*$")]
    private static partial Regex RegionBegin();
}
