using QSparse.Nn;

namespace QSparse.Tests;

/// <summary>Safetensors and checkpoint files: round trips, the reference files, and every failure naming what failed.</summary>
public class CheckpointTests(string kind) : DeviceTest(kind)
{
    string dir = "";

    [SetUp]
    public void MakeDirectory() => Directory.CreateDirectory(dir = Path.Combine(Path.GetTempPath(), $"qsparse-ckpt-{Guid.NewGuid():N}"));

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(dir, recursive: true);

    string PathIn(string file) => Path.Combine(dir, file);

    Sequential Mlp(int outFeatures = 2, ulong seed = 1)
    {
        var g = new Generator(seed);
        return new Sequential(new Linear(3, 4, device: Device, generator: g), new ReLU(Device),
            new Linear(4, outFeatures, device: Device, generator: g));
    }

    static Dictionary<string, float[]> Values(Module m) =>
        m.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.ToArray<float>());

    [Test]
    public void SafeTensorsRoundTripsEveryDType()
    {
        var tensors = new[]
        {
            KeyValuePair.Create("f32", HostTensor.From(Tensor.FromArray(Device, [1.5f, -2, 3e-8f, float.MaxValue, 0, 7], 2, 3))),
            KeyValuePair.Create("i32", HostTensor.From(Tensor.FromArray(Device, [int.MinValue, -1, 0, int.MaxValue], 4))),
            KeyValuePair.Create("i64", HostTensor.From(Tensor.FromArray(Device, [long.MinValue, 5L, long.MaxValue], 3, 1))),
            KeyValuePair.Create("bool", HostTensor.From(Tensor.FromArray(Device, [true, false, true], 3))),
            KeyValuePair.Create("scalar", HostTensor.From(Tensor.FromArray(Device, [42L]))),
        };
        var path = PathIn("all.safetensors");
        SafeTensors.Write(path, tensors);
        var read = SafeTensors.Read(path);
        Assert.That(read.Keys, Is.EquivalentTo(tensors.Select(t => t.Key)));
        foreach (var (name, t) in tensors)
        {
            Assert.That(read[name].DType, Is.EqualTo(t.DType), name);
            Assert.That(read[name].Shape, Is.EqualTo(t.Shape), name);
            Assert.That(read[name].Data, Is.EqualTo(t.Data), name);
        }
        Assert.That(read["scalar"].Shape, Is.Empty);
        Assert.That(read["scalar"].AsLongs(), Is.EqualTo(new[] { 42L }));
        Assert.That(read["bool"].AsBools(), Is.EqualTo(new[] { true, false, true }));
        using var back = read["i64"].ToDevice(Device);
        Assert.That(back.ToArray<long>(), Is.EqualTo(new[] { long.MinValue, 5L, long.MaxValue }));
    }

    [Test]
    public void ReadsTheReferenceTrainingFile()
    {
        var t = Golden.Tensors("train_small_init.safetensors");
        void Expect(string key, DType dtype, params int[] shape)
        {
            Assert.That(t[key].DType, Is.EqualTo(dtype), key);
            Assert.That(t[key].Shape, Is.EqualTo(shape), key);
        }
        Expect("conv1.weight", DType.Float32, 4, 1, 3, 3);
        Expect("bn1.running_var", DType.Float32, 4);
        Expect("bn1.num_batches_tracked", DType.Int64);
        Expect("fc.weight", DType.Float32, 10, 200);
        Expect("xs", DType.Float32, 36, 8, 1, 14, 14);
        Expect("ys", DType.Int32, 36, 8);
        Expect("x_eval", DType.Float32, 16, 1, 14, 14);
        Assert.That(t["bn1.running_var"].AsFloats(), Is.All.EqualTo(1f));
        Assert.That(t["ys"].AsInts(), Is.All.InRange(0, 9));
    }

    [Test]
    public void StateDictHasPyTorchNamesInOrder()
    {
        Assert.That(Mlp().StateDict().Select(kv => kv.Key), Is.EqualTo(new[] { "0.weight", "0.bias", "2.weight", "2.bias" }));
    }

    [Test]
    public void ToStringMatchesPyTorch()
    {
        Assert.That(Mlp().ToString(), Is.EqualTo(
            "Sequential(\n" +
            "  (0): Linear(in_features=3, out_features=4, bias=True)\n" +
            "  (1): ReLU()\n" +
            "  (2): Linear(in_features=4, out_features=2, bias=True)\n" +
            ")"));
    }

    [Test]
    public void SaveThenLoadRestoresModelOptimizerAndExtras()
    {
        var model = Mlp(seed: 1);
        using var opt = new SGD(model.Parameters(), lr: 0.1, momentum: 0.9);
        model.Forward(Tensor.Rand(Device, [5, 3], new Generator(3))).Sum().Backward();
        opt.Step();
        var path = PathIn("ckpt.safetensors");
        var epoch = new HostTensor(DType.Int64, [], BitConverter.GetBytes(12L));
        Checkpoint.Save(path, model, opt, [KeyValuePair.Create("epoch", epoch)]);
        Assert.That(SafeTensors.Read(path).Keys, Is.EqualTo(new[]
        {
            "0.weight", "0.bias", "2.weight", "2.bias",
            "optimizer.state.0.momentum_buffer", "optimizer.state.1.momentum_buffer",
            "optimizer.state.2.momentum_buffer", "optimizer.state.3.momentum_buffer", "extra.epoch",
        }));

        var other = Mlp(seed: 2);
        using var otherOpt = new SGD(other.Parameters(), lr: 0.1, momentum: 0.9);
        var extra = Checkpoint.Load(path, other, otherOpt);
        Assert.That(Values(other), Is.EqualTo(Values(model)));
        Assert.That(otherOpt.StateDict().Select(kv => kv.Value.ToArray<float>()),
            Is.EqualTo(opt.StateDict().Select(kv => kv.Value.ToArray<float>())));
        Assert.That(extra.Keys, Is.EqualTo(new[] { "epoch" }));
        Assert.That(extra["epoch"].AsLongs(), Is.EqualTo(new[] { 12L }));
    }

    [Test]
    public void MissingFileNamesTheFile()
    {
        var path = PathIn("nowhere.safetensors");
        Assert.That(() => Checkpoint.Load(path, Mlp()), Throws.TypeOf<FileNotFoundException>().With.Message.Contains(path));
    }

    [Test]
    public void TruncatedAndGarbageFilesNameTheFile()
    {
        var good = PathIn("good.safetensors");
        Checkpoint.Save(good, Mlp());
        var bytes = File.ReadAllBytes(good);
        var cases = new Dictionary<string, byte[]>
        {
            ["truncated-data.safetensors"] = bytes[..^5],
            ["truncated-header.safetensors"] = bytes[..40],
            ["tiny.safetensors"] = bytes[..3],
            ["garbage.safetensors"] = Enumerable.Range(0, 300).Select(i => (byte)(i * 37 + 11)).ToArray(),
            ["bad-json.safetensors"] = [.. BitConverter.GetBytes(8L), .. "{not json"u8.ToArray()],
        };
        foreach (var (file, content) in cases)
        {
            var path = PathIn(file);
            File.WriteAllBytes(path, content);
            Assert.That(() => Checkpoint.Load(path, Mlp()), Throws.TypeOf<InvalidDataException>().With.Message.Contains(path), file);
        }
    }

    [Test]
    public void MissingKeyNamesFileAndKeyAndLeavesModelUntouched()
    {
        var path = PathIn("small.safetensors");
        Checkpoint.Save(path, new Sequential(new Linear(3, 4, device: Device, generator: new Generator(5))));
        var model = Mlp();
        var before = Values(model);
        Assert.That(() => Checkpoint.Load(path, model), Throws.TypeOf<KeyNotFoundException>()
            .With.Message.Contains(path).And.Message.Contains("2.weight").And.Message.Contains("2.bias"));
        Assert.That(Values(model), Is.EqualTo(before));
    }

    [Test]
    public void ShapeMismatchNamesKeyAndBothShapesAndLeavesModelUntouched()
    {
        var path = PathIn("mlp.safetensors");
        Checkpoint.Save(path, Mlp(outFeatures: 2, seed: 1));
        var model = Mlp(outFeatures: 3, seed: 2);
        var before = Values(model);
        Assert.That(() => Checkpoint.Load(path, model), Throws.TypeOf<InvalidDataException>()
            .With.Message.Contains(path).And.Message.Contains("'2.weight'")
            .And.Message.Contains("[2, 4]").And.Message.Contains("[3, 4]"));
        Assert.That(Values(model), Is.EqualTo(before), "0.weight matched but must not be copied when 2.weight fails");
    }

    [Test]
    public void OptimizerStateOfAnotherKindIsRefusedBeforeTheModelChanges()
    {
        var path = PathIn("sgd.safetensors");
        var saved = Mlp(seed: 1);
        using var sgd = new SGD(saved.Parameters(), lr: 0.1, momentum: 0.9);
        saved.Forward(Tensor.Rand(Device, [2, 3], new Generator(3))).Sum().Backward();
        sgd.Step();
        Checkpoint.Save(path, saved, sgd);

        var model = Mlp(seed: 2);
        var before = Values(model);
        using var adam = new Adam(model.Parameters());
        Assert.That(() => Checkpoint.Load(path, model, adam), Throws.TypeOf<KeyNotFoundException>()
            .With.Message.Contains(path).And.Message.Contains("state.0.momentum_buffer"));
        Assert.That(Values(model), Is.EqualTo(before));
        Assert.That(adam.StateDict(), Is.Empty);
    }

    [Test]
    public void FailedSaveLeavesTheExistingCheckpoint()
    {
        var path = PathIn("keep.safetensors");
        Checkpoint.Save(path, Mlp());
        var original = File.ReadAllBytes(path);

        Assert.That(() => Checkpoint.Save(Path.Combine(dir, "missing-dir", "keep.safetensors"), Mlp()),
            Throws.InstanceOf<IOException>().With.Message.Contains("missing-dir"));

        // Writing fails: SafeTensors.Write's temporary file name is taken by a directory.
        var blocker = Directory.CreateDirectory(PathIn($".keep.safetensors.{Environment.ProcessId}.tmp"));
        Assert.That(() => Checkpoint.Save(path, Mlp(seed: 9)), Throws.InstanceOf<IOException>().With.Message.Contains(path));
        blocker.Delete();

        // Serialising fails part way: a released parameter.
        var broken = Mlp(seed: 9);
        broken.StateDict()[2].Value.Dispose();
        Assert.That(() => Checkpoint.Save(path, broken), Throws.InstanceOf<ObjectDisposedException>());

        Assert.That(File.ReadAllBytes(path), Is.EqualTo(original));
        Assert.That(Directory.GetFiles(dir).Select(Path.GetFileName), Is.EqualTo(new[] { "keep.safetensors" }), "no temporary file left");
    }
}
