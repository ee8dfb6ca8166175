using QSparse.Nn;

namespace QSparse.Tests;

/// <summary>
/// The golden end-to-end run (golden/README.md, "train_small") in plain float: nothing is quantized
/// or pruned before step 2E = 12, so the float network must reproduce the reference's first 12 losses.
/// </summary>
public class TrainSmallFloatTests(string kind) : DeviceTest(kind)
{
    /// <summary>conv1 → bn1 → relu → conv2 → relu → maxpool(2) → flatten → fc → log_softmax, named as the golden state dict.</summary>
    sealed class SmallNet : Module
    {
        readonly Conv2d conv1, conv2;
        readonly BatchNorm2d bn1;
        readonly Linear fc;

        public SmallNet(Device device) : base(device)
        {
            conv1 = RegisterModule("conv1", new Conv2d(1, 4, 3, device: device));
            bn1 = RegisterModule("bn1", new BatchNorm2d(4, device: device));
            conv2 = RegisterModule("conv2", new Conv2d(4, 8, 3, device: device));
            fc = RegisterModule("fc", new Linear(200, 10, device: device));
        }

        public override Tensor Forward(Tensor x)
        {
            x = bn1.Forward(conv1.Forward(x)).Relu();
            x = Functional.MaxPool2d(conv2.Forward(x).Relu(), 2);
            return Functional.LogSoftmax(fc.Forward(x.Flatten(1)), 1);
        }
    }

    [Test]
    public void FirstTwelveLossesMatchTheReference()
    {
        var json = Golden.Json("train_small.json");
        int floatSteps = 2 * json["E"]!.GetValue<int>();
        var expected = EndToEndGolden.Losses(json).Take(floatSteps).ToArray();

        var model = new SmallNet(Device);
        model.LoadStateDict(TrainSmallBatches.InitialState());
        using var sgd = new SGD(model.Parameters(), lr: 0.05, momentum: 0.9);
        EndToEndGolden.Train(sgd, expected, step =>
        {
            var (x, y) = TrainSmallBatches.Batch(Device, step);
            return Functional.NllLoss(model.Forward(x), y);
        });
    }
}
