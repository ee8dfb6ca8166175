using QSparse.Nn;
using QSparse.Host.Commands;
using QSparse.Nn.Data;
using QSparse.Host.Training;
using QSparse.Host.Verification;

namespace QSparse.Tests;

/// <summary>
/// <c>qsparse verify-int</c>: the seed network trained a few steps with --fuse-bn, past every quantizer's
/// timeout and every pruning step, replays in integer arithmetic with zero difference at every layer; a
/// corrupted decimal shows up as a difference and exit code 1.
/// </summary>
public class HostVerifyIntTests(string kind) : DeviceTest(kind)
{
    [Test]
    public void FusedNetworkReplaysExactlyAndACorruptedDecimalDoesNot()
    {
        var (checkpoint, test) = TrainedSeed.Train(Device, 4);
        var state = SafeTensors.Read(checkpoint);
        Assert.That(state.Keys, Has.None.StartsWith("bn"));

        var (model, _) = TrainedModel.Load(Device, checkpoint);
        using (new TensorScope())
        {
            var checks = IntegerReplay.Run(model, state, TrainedSeed.Batch(Device, test, 4));
            Assert.That(checks.Select(c => c.Layer), Is.EqualTo(new[] { "qin", "conv1", "conv2", "fc1", "fc2" }));
            foreach (var c in checks)
                Assert.That((c.AccumulationDiff ?? 0, c.OutputDiff ?? 0), Is.EqualTo((0.0, 0.0)), c.Layer);
            Assert.That(checks.Where(c => c.Layer is not ("qin" or "fc2")).Select(c => c.OutputDiff), Has.All.Not.Null);
        }
        Assert.That(VerifyIntCommand.Run(Device, checkpoint, TrainedSeed.Batch(Device, test, 4)), Is.EqualTo(0));

        // The replay reads q2's decimal one higher than the float pipeline used: conv2's outputs (and what follows) differ.
        var decimals = state["q2.decimal"].AsFloats().Select(d => d + 1).ToArray();
        state["q2.decimal"] = state["q2.decimal"] with { Data = decimals.SelectMany(BitConverter.GetBytes).ToArray() };
        using (new TensorScope())
        {
            var corrupted = IntegerReplay.Run(model, state, TrainedSeed.Batch(Device, test, 4));
            Assert.That(corrupted.Single(c => c.Layer == "conv2").OutputDiff, Is.GreaterThan(0));
            Assert.That(VerifyIntCommand.Report(corrupted), Is.EqualTo(1));
        }
    }
}
