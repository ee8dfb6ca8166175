using QSparse.Host.Data;
using QSparse.Host.Training;

namespace QSparse.Tests;

/// <summary>
/// <c>qsparse train --resume</c>: two epochs straight and one epoch, a checkpoint, then a resumed second
/// epoch give bit-identical weights and state (same device, same seed), on a tiny synthetic data set.
/// </summary>
public class HostResumeTests(string kind) : DeviceTest(kind)
{
    static readonly TrainOptions options = new()
    {
        Mode = TrainMode.Float, Epochs = 2, BatchSize = 4, EvalBatchSize = 8, LimitTrain = 8, Seed = 5,
    };

    [Test]
    public void TwoEpochsStraightEqualOnePlusResumedOne()
    {
        using var data = MnistFolder.Load(Device, SyntheticIdx.Folder(12, 4));
        var checkpoint = Path.Combine(Directory.CreateTempSubdirectory("qsparse-resume-").FullName, "run.safetensors");

        using var straight = new Trainer(Device, options, data);
        straight.TrainEpoch((_, _) => { });
        straight.TrainEpoch((_, _) => { });

        using (var first = new Trainer(Device, options, data))
        {
            first.TrainEpoch((_, _) => { });
            first.Save(checkpoint);
        }
        using var resumed = new Trainer(Device, options, data);
        resumed.Resume(checkpoint);
        Assert.That((resumed.Epoch, resumed.Step), Is.EqualTo((1, 2L)));
        resumed.TrainEpoch((_, _) => { });

        var expected = straight.Model.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.ToBytes());
        foreach (var (key, value) in resumed.Model.StateDict())
            Assert.That(value.ToBytes(), Is.EqualTo(expected[key]), key);
        Assert.That(resumed.Lr, Is.EqualTo(straight.Lr));
        Assert.That(resumed.Evaluate(true), Is.EqualTo(straight.Evaluate(true)));
    }

    [Test]
    public void ResumingWithOtherFlagsIsAnErrorNamingThem()
    {
        using var data = MnistFolder.Load(Device, SyntheticIdx.Folder(8, 2));
        var checkpoint = Path.Combine(Directory.CreateTempSubdirectory("qsparse-resume-").FullName, "run.safetensors");
        using (var first = new Trainer(Device, options, data))
            first.Save(checkpoint);
        using var other = new Trainer(Device, options with { BatchSize = 2 }, data);
        var e = Assert.Throws<InvalidOperationException>(() => other.Resume(checkpoint))!;
        Assert.That(e.Message, Does.Contain("2 steps per epoch").And.Contain("4 steps per epoch"));
    }
}
