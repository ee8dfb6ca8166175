using QSparse.Nn;
using static QSparse.Nn.QSparseOps;

namespace QSparse.Tests;

/// <summary>
/// The golden end-to-end run (golden/README.md, "train_small") with joint quantization and pruning of
/// weights and activations: all 36 losses, the decimals, the masks and the evaluation output.
/// </summary>
public class TrainSmallQsparseTests(string kind) : DeviceTest(kind)
{
    /// <summary>qin → conv1 → bn1 → p1 → q1 → relu → conv2 → relu → maxpool(2) → flatten → fc → log_softmax.</summary>
    sealed class SmallNetPQ : Module
    {
        readonly Module qin, conv1, bn1, p1, q1, conv2, fc;

        public SmallNetPQ(Device device, int e) : base(device)
        {
            qin = RegisterModule("qin", Quantize(bits: 8, timeout: 2 * e, channelwise: -1, decimalRange: (1, 7), windowSize: 4, device: device));
            conv1 = RegisterModule("conv1", Quantize(new Conv2d(1, 4, 3, device: device), bits: 8, timeout: 2 * e, channelwise: 0, biasBits: 16));
            bn1 = RegisterModule("bn1", new BatchNorm2d(4, device: device));
            p1 = RegisterModule("p1", Prune(sparsity: 0.5, start: 3 * e, interval: e, repetition: 2, windowSize: 4, device: device));
            q1 = RegisterModule("q1", Quantize(bits: 8, timeout: 2 * e, windowSize: 4, device: device));
            conv2 = RegisterModule("conv2", Quantize(Prune(new Conv2d(4, 8, 3, device: device), sparsity: 0.5, start: 3 * e, interval: e, repetition: 2),
                bits: 8, timeout: 2 * e, channelwise: 0));
            fc = RegisterModule("fc", Quantize(Prune(new Linear(200, 10, device: device), sparsity: 0.5, start: 3 * e, interval: e, repetition: 2),
                bits: 8, timeout: 2 * e, channelwise: -1));
        }

        public override Tensor Forward(Tensor x)
        {
            x = q1.Forward(p1.Forward(bn1.Forward(conv1.Forward(qin.Forward(x))))).Relu();
            x = Functional.MaxPool2d(conv2.Forward(x).Relu(), 2);
            return Functional.LogSoftmax(fc.Forward(x.Flatten(1)), 1);
        }
    }

    [Test]
    public void LossesDecimalsMasksAndEvaluationMatchTheReference()
    {
        using var log = new CapturingLogger();
        var run = EndToEndGolden.Load("train_small");
        var model = new SmallNetPQ(Device, run.E);
        model.LoadStateDict(TrainSmallBatches.InitialState(), strict: false);
        using var sgd = new SGD(model.Parameters(), lr: 0.05, momentum: 0.9);
        EndToEndGolden.Train(sgd, EndToEndGolden.Losses(run.Json), step =>
        {
            var (x, y) = TrainSmallBatches.Batch(Device, step);
            return Functional.NllLoss(model.Forward(x), y);
        });
        run.AssertFinal(model, Device, log);
    }
}
