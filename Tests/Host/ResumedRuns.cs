using QSparse.Host.Training;
using QSparse.Host.Training.Tasks;
using QSparse.Nn;

namespace QSparse.Tests;

/// <summary>A training run straight through and the same run resumed from its checkpoint after every epoch, compared bit for bit.</summary>
public static class ResumedRuns
{
    /// <summary>
    /// Trains <paramref name="options"/> straight, and again one epoch per fresh <see cref="Trainer"/> resumed from the
    /// previous one's checkpoint; asserts the two end with the same state dict, optimizer state, step, LR and test
    /// metrics, and returns the straight run (the caller disposes it) for checks of its own.
    /// </summary>
    public static Trainer AssertResumedEqualsStraight(Device device, TrainOptions options, Func<ITaskData> data,
        Func<NetworkConfig, Generator, Module>? network = null)
    {
        var checkpoint = Path.Combine(Directory.CreateTempSubdirectory("qsparse-resume-").FullName, "run.safetensors");
        var straight = new Trainer(device, options, data(), network);
        while (straight.Epoch < options.Epochs)
            straight.TrainEpoch((_, _) => { });
        for (int e = 0; e < options.Epochs; e++)
        {
            using var part = new Trainer(device, options, data(), network);
            if (e > 0)
                part.Resume(checkpoint);
            part.TrainEpoch((_, _) => { });
            part.Save(checkpoint);
        }
        using var resumed = new Trainer(device, options, data(), network);
        resumed.Resume(checkpoint);

        var expected = straight.Model.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.ToBytes());
        foreach (var (key, value) in resumed.Model.StateDict())
            Assert.That(value.ToBytes(), Is.EqualTo(expected[key]), key);
        Assert.That(resumed.Task.Optimizers[0].Optimizer.StateDict().Select(kv => (kv.Key, kv.Value.ToBytes())),
            Is.EqualTo(straight.Task.Optimizers[0].Optimizer.StateDict().Select(kv => (kv.Key, kv.Value.ToBytes()))), "optimizer state");
        Assert.That((resumed.Step, resumed.Lr), Is.EqualTo((straight.Step, straight.Lr)));
        Assert.That(resumed.Evaluate(true), Is.EqualTo(straight.Evaluate(true)));
        return straight;
    }
}
