using QSparse.Host.Training;
using QSparse.Nn;
using QSparse.Tests.Docs;
using Tensor = QSparse.Nn.Tensor;

namespace QSparse.Tests.Export;

/// <summary>
/// PyTorch in both directions: <c>qsparse export --format torch-state-dict</c> of a trained seed network (quantize+prune,
/// BatchNorm folded) is loaded by the PyTorch module of docs/pytorch.md (the block itself, run by Debian's
/// /usr/bin/python3) with strict load_state_dict and gives our log-probabilities; the state dict PyTorch writes back,
/// without any extra.* entry, is read by eval and verify-int with its configuration inferred and gives the same outputs.
/// With the plain-PyTorch modules always, and with the reference QSPARSE's quantize/prune as well where it is importable.
/// </summary>
public class TorchStateDictTests
{
    const int Images = 64;
    const string Python = "/usr/bin/python3";

    /// <summary>Runs the module on the exported file and on the images, writes what it computed and its state dict.</summary>
    const string Driver = """
        import sys
        import torch
        sys.path.insert(0, sys.argv[1])
        import qsparse_torch as qt
        state = qt.load_safetensors(sys.argv[2])
        images = qt.load_safetensors(sys.argv[3])["images"]
        outputs = {}
        for use_qsparse in [False] + ([True] if qt.qsparse is not None else []):
            net = qt.load_strict(qt.MnistNet(state, use_qsparse=use_qsparse), state)
            with torch.no_grad():
                outputs["qsparse" if use_qsparse else "plain"] = net(images)
        qt.save_safetensors(sys.argv[4], outputs)
        qt.save_safetensors(sys.argv[5], net.state_dict())
        print(torch.__version__, qt.qsparse.__version__ if qt.qsparse is not None else "no qsparse")
        """;

    static Device Cpu => Accelerators.Get("cpu");

    [OneTimeSetUp]
    public void NeedPyTorch()
    {
        if (!File.Exists(Python) || Processes.Run(Python, "-c", "import torch").Exit != 0)
            Assert.Ignore($"{Python} cannot import torch (Debian: apt-get install python3-torch libopenblas0-pthread)");
    }

    [Test]
    public void PyTorchLoadsTheExportStrictlyAndItsStateDictComesBack()
    {
        using var scope = new TensorScope();
        var (checkpoint, test) = TrainedSeed.Train(Cpu, Images);
        var dir = Path.GetDirectoryName(checkpoint)!;
        string Named(string name) => Path.Combine(dir, name);

        var (code, lines) = ProgramRun.Run("export", "--checkpoint", checkpoint, "--format", "torch-state-dict", "--out", Named("model.safetensors"));
        Assert.That(code, Is.EqualTo(0), string.Join("\n", lines));
        var exported = SafeTensors.Read(Named("model.safetensors"));
        var (net, config) = TrainedModel.Load(Cpu, checkpoint);
        Assert.That(exported.Keys, Is.EqualTo(net.StateDict().Select(kv => kv.Key)), "the model's state dict alone, in its order");
        Assert.That(exported.Keys, Has.None.StartsWith("bn"), "folded BatchNorms have no entries");
        Assert.That(lines.Single(), Does.Contain($"{exported.Count} tensors of the model's state dict").And.Contain("BatchNorm folded"));

        var images = TrainedSeed.Batch(Cpu, test, Images);
        SafeTensors.Write(Named("images.safetensors"), [KeyValuePair.Create("images", HostTensor.From(images))]);
        File.WriteAllText(Named("qsparse_torch.py"), DocSource.Code("pytorch.md", "qsparse_torch") + "\n");
        File.WriteAllText(Named("driver.py"), Driver);
        var run = Processes.Run(Python, Named("driver.py"), dir, Named("model.safetensors"), Named("images.safetensors"), Named("torch-out.safetensors"),
            Named("from-pytorch.safetensors"));
        Assert.That(run.Exit, Is.EqualTo(0), run.Error);
        TestContext.Out.WriteLine($"PyTorch {run.Output.Trim()}");

        var ours = LogProbabilities(net, images);
        foreach (var (name, theirs) in SafeTensors.Read(Named("torch-out.safetensors")))
        {
            double max = ours.Zip(theirs.AsFloats(), (a, b) => Math.Abs((double)a - b)).Max();
            TestContext.Out.WriteLine($"{name}: {ours.Length} log-probabilities, max difference {max:G3}");
            Assert.That(max, Is.LessThan(1e-5), name);
        }

        var back = CheckpointFile.Read(Named("from-pytorch.safetensors"));
        Assert.That(back.Entries.Keys, Has.None.StartsWith("extra.").And.None.StartsWith("optimizer."));
        Assert.That(back.Config, Is.EqualTo(config with { Window = 8, StepsPerEpoch = 120 }), "inferred from the keys; the schedule by default");
        var (again, _) = TrainedModel.Load(Cpu, back);
        Assert.That(LogProbabilities(again, images), Is.EqualTo(ours), "bit for bit");

        var data = SyntheticIdx.Folder(8, Images);
        Assert.That(TorchStateDictInferenceTests.EvalResult(data, "--checkpoint", Named("from-pytorch.safetensors")),
            Is.EqualTo(TorchStateDictInferenceTests.EvalResult(data, "--checkpoint", checkpoint)));
        var (verified, replay) = ProgramRun.Run("verify-int", "--checkpoint", Named("from-pytorch.safetensors"), "--data", data, "--device", "cpu", "--images", "16");
        Assert.That(verified, Is.EqualTo(0), string.Join("\n", replay));
    }

    static float[] LogProbabilities(Module net, Tensor images)
    {
        net.Eval();
        using (Autograd.NoGrad())
            return net.Call(images).ToArray<float>();
    }
}
