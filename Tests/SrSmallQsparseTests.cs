using QSparse.Nn;
using static QSparse.Nn.QSparseOps;

namespace QSparse.Tests;

/// <summary>
/// The golden end-to-end run "sr_small" (golden/README.md): a x2 super-resolution network with saturated
/// activation quantization and strict=False activation pruning, trained 30 steps with Adam on L1 and
/// evaluated on an input twice the training size (so p1's mask is expanded).
/// </summary>
public class SrSmallQsparseTests(string kind) : DeviceTest(kind)
{
    /// <summary>qin → conv1 → tanh → p1 → q1 → conv2 → q2 → PixelShuffle(2), named as the golden state dict.</summary>
    sealed class SR : Module
    {
        readonly Module qin, conv1, p1, q1, conv2, q2, shuffle;

        public SR(Device device, int e) : base(device)
        {
            qin = RegisterModule("qin", Quantize(bits: 8, timeout: 2 * e, channelwise: -1, decimalRange: (1, 7), windowSize: 2, device: device));
            conv1 = RegisterModule("conv1", Quantize(new Conv2d(1, 8, 5, padding: 2, device: device), bits: 8, timeout: 2 * e, channelwise: 0, biasBits: 16));
            p1 = RegisterModule("p1", Prune(sparsity: 0.5, start: 3 * e, interval: e, repetition: 2, windowSize: 2, strict: false, device: device));
            q1 = RegisterModule("q1", Quantize(bits: 8, timeout: 2 * e, windowSize: 2, saturateRange: (0.01, 0.99), device: device));
            conv2 = RegisterModule("conv2", Quantize(Prune(new Conv2d(8, 4, 3, padding: 1, device: device), sparsity: 0.5, start: 3 * e, interval: e, repetition: 2),
                bits: 8, timeout: 2 * e, channelwise: 0));
            q2 = RegisterModule("q2", Quantize(bits: 8, timeout: 2 * e, windowSize: 2, channelwise: -1, saturateRange: (0.001, 0.999), device: device));
            shuffle = RegisterModule("shuffle", new PixelShuffle(2, device));
        }

        public override Tensor Forward(Tensor x) =>
            shuffle.Call(q2.Call(conv2.Call(q1.Call(p1.Call(Functional.Tanh(conv1.Call(qin.Call(x))))))));
    }

    [Test]
    public void LossesDecimalsMasksLogAndEvaluationMatchTheReference()
    {
        using var log = new CapturingLogger();
        var run = EndToEndGolden.Load("sr_small");
        var model = AutoNamePruneQuantizeLayers(new SR(Device, run.E));
        model.LoadStateDict(EndToEndGolden.InitialState(run.Init), strict: false);
        using var adam = new Adam(model.Parameters(), lr: 2e-3, betas: (0.5, 0.999));
        EndToEndGolden.Train(adam, EndToEndGolden.Losses(run.Json), step =>
        {
            var (x, target) = run.Batch(Device, step);
            return Functional.L1Loss(model.Call(x), target);
        });
        run.AssertFinal(model, Device, log);
    }
}
