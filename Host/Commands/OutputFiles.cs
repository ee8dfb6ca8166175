namespace QSparse.Host.Commands;

/// <summary>
/// The files a command will write, checked before it does any work, so that a run of hours does not end in a write that
/// fails, or in a write that destroys another of its files (a plot over its own checkpoint) or a device node.
/// </summary>
static class OutputFiles
{
    /// <summary>
    /// Each output must be named, lie in an existing directory and be absent or a regular file (links followed); no two
    /// of them may be one file. Each error names the option.
    /// </summary>
    public static void Check(params (string Option, string Path)[] outputs)
    {
        foreach (var (option, path) in outputs)
        {
            if (path.Length == 0)
                throw new ArgumentException($"{option} is empty: name the file to write");
            if (FileKind.Describe(path) is { } kind)
                throw new ArgumentException($"{option} {path}: {kind}, not a regular file; name a new or regular file to write");
            var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
            if (!Directory.Exists(directory))
                throw new ArgumentException($"{option} {path}: no such directory {directory}");
        }
        for (int i = 0; i < outputs.Length; i++)
            for (int j = 0; j < i; j++)
                Distinct(outputs[j], outputs[i]);
    }

    /// <summary>Refuses <paramref name="output"/> when it names the same file as <paramref name="other"/> (another output, or an input it would destroy).</summary>
    public static void Distinct((string Option, string Path) other, (string Option, string Path) output)
    {
        if (FileKind.Resolve(other.Path) == FileKind.Resolve(output.Path))
            throw new ArgumentException($"{output.Option} {output.Path} is the file of {other.Option} {other.Path}: writing one would destroy the other; name another file");
    }
}
