using QSparse.Nn;

namespace QSparse.Tests;

/// <summary>The loss modules as PyTorch builds them (printing, weight buffers, reduction "none") and their one-line errors.</summary>
public class LossModuleTests(string kind) : DeviceTest(kind)
{
    [Test]
    public void LossModulesPrintNoConfigurationAndKeepWeightsAsBuffers()
    {
        using var w = Tensor.Ones(Device, [3]);
        Loss[] losses =
        [
            new MSELoss(device: Device), new L1Loss(device: Device), new SmoothL1Loss(beta: 0.5, device: Device), new BCELoss(device: Device),
            new BCEWithLogitsLoss(device: Device), new NLLLoss(device: Device), new CrossEntropyLoss(labelSmoothing: 0.1, device: Device),
        ];
        Assert.That(losses.Select(l => l.ToString()), Is.EqualTo(new[]
        {
            "MSELoss()", "L1Loss()", "SmoothL1Loss()", "BCELoss()", "BCEWithLogitsLoss()", "NLLLoss()", "CrossEntropyLoss()",
        }));
        Assert.That(losses.SelectMany(l => l.StateDict()), Is.Empty);
        Assert.That(new CrossEntropyLoss(w).StateDict().Select(kv => kv.Key), Is.EqualTo(new[] { "weight" }));
        Assert.That(new BCEWithLogitsLoss(w, posWeight: w).StateDict().Select(kv => kv.Key), Is.EqualTo(new[] { "weight", "pos_weight" }));
    }

    [Test]
    public void ReductionNoneKeepsOneLossPerElementOrRow()
    {
        using var scope = new TensorScope();
        var x = Tensor.Rand(Device, [4, 3], new Generator(1));
        var t = Tensor.Rand(Device, [4, 3], new Generator(2));
        Assert.That(new MSELoss(Reduction.None, Device).Call(x, t).Shape, Is.EqualTo(new[] { 4, 3 }));
        var labels = Tensor.FromArray(Device, new long[] { 0, 2, 1, 2 }, 4);
        var rows = new CrossEntropyLoss(reduction: Reduction.None, labelSmoothing: 0.2, device: Device).Call(x, labels);
        Assert.That(rows.Shape, Is.EqualTo(new[] { 4 }));
        // The mean of the rows is the "mean" reduction when no row is ignored and there are no weights.
        Assert.That(rows.Mean().Item(), Is.EqualTo(new CrossEntropyLoss(labelSmoothing: 0.2, device: Device).Call(x, labels).Item()).Within(1e-6));
    }

    [Test]
    public void BadInputsAreOneLineErrorsNamingTheArgument()
    {
        using var scope = new TensorScope();
        var x = Tensor.Zeros(Device, [4, 3]);
        var e = Assert.Throws<ArgumentException>(() => Functional.MseLoss(x, Tensor.Zeros(Device, [4, 2])))!;
        Assert.That((e.ParamName, e.Message), Is.EqualTo(("target", "mse_loss: target [4, 2] does not match input [4, 3] (Parameter 'target')")));
        e = Assert.Throws<ArgumentException>(() => Functional.CrossEntropy(x, Tensor.Zeros(Device, [4], DType.Int64), weight: Tensor.Ones(Device, [2])))!;
        Assert.That(e.ParamName, Is.EqualTo("weight"));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new CrossEntropyLoss(labelSmoothing: 1.5, device: Device));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new SmoothL1Loss(beta: -1, device: Device));
        var forward = Assert.Throws<InvalidOperationException>(() => new MSELoss(device: Device).Call(x))!;
        Assert.That(forward.Message, Does.StartWith("MSELoss takes an input and a target"));
    }

    /// <summary>The composed forms (class weights, label smoothing, per-row output) check their targets when the loss is read, as nll_loss does.</summary>
    [Test]
    public void AnOutOfRangeTargetIsReportedWhenTheLossIsRead([Values(Reduction.Mean, Reduction.None)] Reduction reduction)
    {
        using var scope = new TensorScope();
        var x = Tensor.Zeros(Device, [3, 4]);
        var labels = Tensor.FromArray(Device, new long[] { 0, 7, 1 }, 3);
        var loss = Functional.CrossEntropy(x, labels, reduction, weight: Tensor.Ones(Device, [4]), labelSmoothing: 0.1);
        var e = Assert.Throws<ArgumentException>(() => loss.ToArray<float>())!;
        Assert.That(e.Message, Does.Contain("target 7 at row 1 is out of range for 4 classes"));
    }

    [Test]
    public void SplitStackAndFlipRejectBadArguments()
    {
        using var scope = new TensorScope();
        var x = Tensor.Zeros(Device, [2, 5]);
        Assert.That(Assert.Throws<ArgumentException>(() => x.Split([2, 2], 1))!.Message, Does.StartWith("split: sizes [2, 2] do not add up to dimension 1 of size 5"));
        Assert.That(Assert.Throws<ArgumentException>(() => Tensor.Stack([x, Tensor.Zeros(Device, [5, 2])]))!.Message, Does.StartWith("Stack: shape [5, 2] does not match [2, 5]"));
        Assert.That(Assert.Throws<ArgumentException>(() => x.Flip(1, -1))!.Message, Does.StartWith("flip: dims (1, -1) name a dimension twice"));
        Assert.That(x.Chunk(2, 1).Select(c => c.Shape[1]), Is.EqualTo(new[] { 3, 2 }));
    }
}
