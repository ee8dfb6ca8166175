using QSparse.Nn;

namespace QSparse.Tests;

/// <summary>
/// The files train writes are checked before it trains: a plot over the checkpoint (or over the checkpoint it resumes),
/// a device node, a directory, an empty name or a missing directory is a one-line error naming the option, and the file
/// there is left as it was. Below the command line, AtomicFile refuses to replace what is not a regular file, keeps a
/// link a link, and removes the temporaries that a killed writer of the same file left (not another file's, not a
/// running writer's).
/// </summary>
public class OutputFileTests
{
    string dir = "";

    [SetUp]
    public void MakeDirectory() => dir = Directory.CreateTempSubdirectory("qsparse-out-").FullName;

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(dir, recursive: true);

    static (int, string[]) Train(params string[] args) => ProgramRun.Run(["train", "--device", "cpu", "--epochs", "1", .. args]);

    [Test]
    public void APlotOverTheCheckpointIsRefusedAndTheFileKept()
    {
        var checkpoint = Path.Combine(dir, "model.png");
        File.WriteAllText(checkpoint, "the old checkpoint");
        Assert.That(Train("--save", checkpoint), Is.EqualTo((1, new[]
        {
            $"error: --plot {checkpoint} is the file of --save {checkpoint}: writing one would destroy the other; name another file",
        })));
        var link = Path.Combine(dir, "link.png");
        File.CreateSymbolicLink(link, checkpoint);
        Assert.That(Train("--save", Path.Combine(dir, "other.safetensors"), "--plot", link, "--resume", checkpoint), Is.EqualTo((1, new[]
        {
            $"error: --plot {link} is the file of --resume {checkpoint}: writing one would destroy the other; name another file",
        })));
        Assert.That(File.ReadAllText(checkpoint), Is.EqualTo("the old checkpoint"));
    }

    [Test]
    public void WhatIsNotARegularFileOrHasNoDirectoryIsRefused()
    {
        Assert.That(Train("--save", ""), Is.EqualTo((1, new[] { "error: --save is empty: name the file to write" })));
        Assert.That(Train("--save", dir), Is.EqualTo((1, new[] { $"error: --save {dir}: a directory, not a regular file; name a new or regular file to write" })));
        var missing = Path.Combine(dir, "no", "model.safetensors");
        Assert.That(Train("--save", missing), Is.EqualTo((1, new[] { $"error: --save {missing}: no such directory {Path.Combine(dir, "no")}" })));
        if (File.Exists("/dev/null"))
        {
            Assert.That(Train("--save", "/dev/null"), Is.EqualTo((1, new[]
            {
                "error: --save /dev/null: a device, FIFO or socket, not a regular file; name a new or regular file to write",
            })));
            Assert.That(FileKind.Describe("/dev/null"), Is.EqualTo("a device, FIFO or socket"), "/dev/null is still a device");
        }
    }

    [Test]
    public void AtomicFileRefusesAFifoAndKeepsALinkALink()
    {
        if (OperatingSystem.IsWindows())
            Assert.Ignore("no FIFOs or POSIX links on Windows");
        var fifo = Path.Combine(dir, "pipe");
        Processes.Run("mkfifo", fifo);
        Assert.That(() => AtomicFile.Write(fifo, s => s.WriteByte(1)), Throws.TypeOf<IOException>()
            .With.Message.EqualTo($"{fifo}: a device, FIFO or socket, not a regular file; refusing to replace it"));
        Assert.That(FileKind.Describe(fifo), Is.EqualTo("a device, FIFO or socket"));

        var target = Path.Combine(dir, "target.bin");
        File.WriteAllBytes(target, [9]);
        var link = Path.Combine(dir, "link.bin");
        File.CreateSymbolicLink(link, target);
        AtomicFile.Write(link, s => s.Write([1, 2, 3]));
        Assert.That(new FileInfo(link).LinkTarget, Is.EqualTo(target));
        Assert.That(File.ReadAllBytes(target), Is.EqualTo(new byte[] { 1, 2, 3 }));
    }

    [Test]
    public void AWriteRemovesOnlyItsOwnFilesTemporariesLeftByEndedProcesses()
    {
        var path = Path.Combine(dir, "ck.safetensors");
        int ended = EndedProcessId();
        string Temp(string name, int pid) => Path.Combine(dir, $".{name}.{pid}.tmp");
        foreach (var temp in new[] { Temp("ck.safetensors", ended), Temp("ck.safetensors", 1), Temp("other.safetensors", ended) })
            File.WriteAllBytes(temp, new byte[1000]);
        AtomicFile.Write(path, s => s.WriteByte(7));
        Assert.That(Directory.GetFiles(dir).Select(Path.GetFileName).Order(), Is.EqualTo(new[]
        {
            $".ck.safetensors.1.tmp", $".other.safetensors.{ended}.tmp", "ck.safetensors",
        }), "the ended writer's temporary of ck.safetensors is gone; the running process 1's and another file's stay");
    }

    /// <summary>The id of a process that has ended (a child that exited), so no process runs under it for now.</summary>
    static int EndedProcessId()
    {
        using var child = System.Diagnostics.Process.Start("true")!;
        child.WaitForExit();
        return child.Id;
    }
}
