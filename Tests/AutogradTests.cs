using QSparse.Nn;

namespace QSparse.Tests;

/// <summary>
/// The recording mechanism itself (each op's gradient is a row of Tests/Ops): accumulation, no-grad and detach,
/// user-defined functions, who releases saved tensors and when, and the errors misuse gets.
/// </summary>
public class AutogradTests(string kind) : DeviceTest(kind)
{
    Tensor R(params int[] shape) => Tensor.Rand(Device, shape, new Generator((ulong)shape.Sum() + 7), -1, 1);

    [Test]
    public void GradientsAccumulateAcrossBackwardCalls()
    {
        var x = Tensor.FromArray(Device, [1f, 2, 3], 3).RequiresGrad_();
        (x * x).Sum().Backward();
        (x * 3f).Sum().Backward();
        Assert.That(x.Grad!.ToArray<float>(), Is.EqualTo(new[] { 5f, 7, 9 }));
    }

    [Test]
    public void NoGradRecordsNothingAndDetachCutsTheGraph()
    {
        var x = Tensor.FromArray(Device, [1f, 2], 2).RequiresGrad_();
        using (Autograd.NoGrad())
            Assert.That((x * 2f).RequiresGrad, Is.False);
        Assert.That(x.Detach().RequiresGrad, Is.False);
        var y = (x * 2f + x.Detach() * 5f).Sum();
        y.Backward();
        Assert.That(x.Grad!.ToArray<float>(), Is.EqualTo(new[] { 2f, 2 }));
    }

    sealed class Cube : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs)
        {
            ctx.SaveForBackward(inputs[0]);
            return inputs[0] * inputs[0] * inputs[0];
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOut)
        {
            var x = ctx.SavedTensors[0];
            return [gradOut * (x * x) * 3f];
        }
    }

    [Test]
    public void UserDefinedFunction() => GradCheck.Check(Device, x => new Cube().Apply(x[0]), [R(4, 3)]);

    /// <summary>e·x with e = exp(x) made by the forward and saved, beside a scratch tensor it neither saves nor returns.</summary>
    sealed class ExpTimes : Function
    {
        public Tensor? Made { get; private set; }
        public Tensor? Scratch { get; private set; }

        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs)
        {
            var x = inputs[0];
            Made = x.Exp();
            Scratch = x * 2f;
            ctx.SaveForBackward(x, Made);
            return Made * x;
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOut)
        {
            var (x, e) = (ctx.SavedTensors[0], ctx.SavedTensors[1]);
            return [gradOut * e * (x + 1f)];
        }
    }

    [Test]
    public void UserFunctionSavingAnIntermediate() => GradCheck.Check(Device, x => new ExpTimes().Apply(x[0]), [R(3, 4)]);

    /// <summary>exp(x), saving its own output.</summary>
    sealed class SavesItsOutput : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs)
        {
            var y = inputs[0].Exp();
            ctx.SaveForBackward(y);
            return y;
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOut) => [gradOut * ctx.SavedTensors[0]];
    }

    [Test]
    public void UserFunctionSavingItsOutput() => GradCheck.Check(Device, x => new SavesItsOutput().Apply(x[0]) * x[0], [R(5)]);

    /// <summary>Returns its input itself, scaling the gradient by 3.</summary>
    sealed class ReturnsItsInput : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs) => inputs[0];

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOut) => [gradOut * 3f];
    }

    [Test]
    public void UserFunctionReturningItsInputLeavesTheInputALeaf()
    {
        var x = Tensor.FromArray(Device, [1f, -2], 2).RequiresGrad_();
        var y = new ReturnsItsInput().Apply(x);
        Assert.That((x.IsLeaf, y.IsLeaf), Is.EqualTo((true, false)));
        (y * y).Sum().Backward();
        Assert.That(x.Grad!.ToArray<float>(), Is.EqualTo(new[] { 6f, -12 }), "3 · 2y");
    }

    /// <summary>sum(x²), whose backward hands back the 2x its forward saved (right only as the root, where gradOut is 1).</summary>
    sealed class SumOfSquares : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs)
        {
            ctx.SaveForBackward(inputs[0] * 2f);
            return (inputs[0] * inputs[0]).Sum();
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOut) => [ctx.SavedTensors[0]];
    }

    [Test]
    public void ASavedIntermediateReturnedAsTheGradientStaysAlive()
    {
        var x = Tensor.FromArray(Device, [1f, -2, 3], 3).RequiresGrad_();
        new SumOfSquares().Apply(x).Backward();
        Assert.That(x.Grad!.ToArray<float>(), Is.EqualTo(new[] { 2f, -4, 6 }));
    }

    [Test]
    public void UserFunctionOwnsWhatItMadeAndSaved()
    {
        var x = R(2, 3).RequiresGrad_();
        var f = new ExpTimes();
        var y = f.Apply(x);
        Assert.That((f.Made!.IsDisposed, f.Scratch!.IsDisposed), Is.EqualTo((false, true)), "after forward: (saved, scratch) disposed");
        y.Sum().Backward();
        Assert.That(f.Made.IsDisposed, Is.True, "the saved intermediate after backward");
        Assert.That(y.IsDisposed, Is.False, "the output belongs to the caller");

        var g = new ExpTimes();
        using (Autograd.NoGrad())
            g.Apply(x);
        Assert.That(g.Made!.IsDisposed, Is.True, "the saved intermediate when nothing is recorded");
    }

    [Test]
    public void OpsUsedTwiceAccumulate() => GradCheck.Check(Device, x =>
    {
        var e = x[0].Exp();
        var cube = new Cube();
        return e * e + e.Relu() * x[0] + cube.Apply(x[0]) + new Cube().Apply(e);
    }, [R(3, 4)]);

    [Test]
    public void ATensorUsedTwiceByOneOpAccumulates()
    {
        var x = Tensor.FromArray(Device, [1f, 2, 3], 3).RequiresGrad_();
        var y = x.Relu();
        (y * y + y * y).Sum().Backward();
        Assert.That(x.Grad!.ToArray<float>(), Is.EqualTo(new[] { 4f, 8, 12 }));
    }

    /// <summary>[1, 1, 64, 64]: its 2x2 max pooling gives 4096-byte output and indices, exact pool size classes.</summary>
    Tensor PoolInput() => Tensor.Rand(Device, [1, 1, 64, 64], new Generator(5), -1, 1);

    const long PooledBytes = 32 * 32 * 4, InputBytes = 64 * 64 * 4, ScalarBytes = 256;

    [Test]
    public void SavedIntermediatesAreReleasedWhenTheBackwardHasRun()
    {
        var x = PoolInput().RequiresGrad_();
        long start = Device.Pool.BytesInUse;
        var y = Functional.MaxPool2d(x, 2);
        Assert.That(Device.Pool.BytesInUse - start, Is.EqualTo(2 * PooledBytes), "output and indices after forward");
        y.Sum().Backward();
        Assert.That(Device.Pool.BytesInUse - start, Is.EqualTo(PooledBytes + ScalarBytes + InputBytes),
            "output, loss and x.Grad after backward: the indices are released");
    }

    [Test]
    public void NothingRecordedReleasesIntermediatesAtOnce()
    {
        var x = PoolInput();
        long start = Device.Pool.BytesInUse;
        Functional.MaxPool2d(x, 2);
        Assert.That(Device.Pool.BytesInUse - start, Is.EqualTo(PooledBytes), "no input requires gradients");
        x.RequiresGrad_();
        using (Autograd.NoGrad())
            Functional.MaxPool2d(x, 2);
        Assert.That(Device.Pool.BytesInUse - start, Is.EqualTo(2 * PooledBytes), "under NoGrad");
    }

    [Test]
    public void AGraphNeverBackPropagatedIsReleasedWhenItsScopeEnds()
    {
        var x = PoolInput().RequiresGrad_();
        long start = Device.Pool.BytesInUse;
        using (new TensorScope())
        {
            var y = Functional.MaxPool2d(x, 2);
            Functional.BatchNorm(y, null, null, training: true);
            Assert.That(Device.Pool.BytesInUse - start, Is.GreaterThan(2 * PooledBytes));
        }
        Assert.That(Device.Pool.BytesInUse, Is.EqualTo(start));
    }

    [Test]
    public void AGraphMovesWithItsOutput()
    {
        var x = Tensor.FromArray(Device, [1f, 4, 2, 3, 0, -1, 5, 2, 7, 8, -2, 6, 1, 1, 9, 0], 1, 1, 4, 4).RequiresGrad_();
        Tensor y;
        using (var inner = new TensorScope())
            y = inner.MoveToOuter(Functional.MaxPool2d(x, 2));
        y.Sum().Backward();
        // The maxima 4, 5, 8, 9 sit at flat indices 1, 6, 9, 14.
        var expected = new float[16];
        foreach (int i in new[] { 1, 6, 9, 14 })
            expected[i] = 1;
        Assert.That(x.Grad!.ToArray<float>(), Is.EqualTo(expected));
    }

    [Test]
    public void ADisposedSavedInputIsAnErrorNamingOpAndTensor()
    {
        var x = R(1, 2, 5, 5);
        var w = R(3, 2, 3, 3).RequiresGrad_();
        var loss = Functional.Conv2d(x, w).Sum();
        x.Dispose();
        var e = Assert.Throws<InvalidOperationException>(() => loss.Backward());
        Assert.That(e!.Message, Is.EqualTo("backward of Conv2d: saved tensor 'input' [1, 2, 5, 5] was disposed before Backward()"));
        Assert.That(w.Grad, Is.Null, "nothing is accumulated before the error");
    }

    [Test]
    public void ADisposedIntermediateIsAnErrorNotAMissingGradient()
    {
        var x = R(2, 3).RequiresGrad_();
        var h = x * 2f;
        var loss = h.Sum();
        h.Dispose();
        var e = Assert.Throws<InvalidOperationException>(() => loss.Backward());
        Assert.That(e!.Message, Is.EqualTo("backward of Sum: input 0 [2, 3] was disposed before Backward()"));
    }

    [Test]
    public void AnInputReleasedByItsScopeIsAnError()
    {
        var x = R(4).RequiresGrad_();
        Tensor loss;
        using (var inner = new TensorScope())
            loss = inner.MoveToOuter(x.Exp().Sum());
        var e = Assert.Throws<InvalidOperationException>(() => loss.Backward());
        Assert.That(e!.Message, Is.EqualTo("backward of Sum: input 0 [4] was disposed before Backward()"));
    }

    [Test]
    public void ADisposedSavedTensorOfAUserFunctionIsAnError()
    {
        var x = R(3).RequiresGrad_();
        var f = new ExpTimes();
        var loss = f.Apply(x).Sum();
        f.Made!.Dispose();
        var e = Assert.Throws<InvalidOperationException>(() => loss.Backward());
        Assert.That(e!.Message, Is.EqualTo("backward of ExpTimes: saved tensor 'saved_tensors[1]' [3] was disposed before Backward()"));
    }

    [Test]
    public void ASecondBackwardThroughSavedTensorsIsAnError()
    {
        var x = PoolInput().RequiresGrad_();
        var loss = Functional.MaxPool2d(x, 2).Sum();
        loss.Backward();
        var grad = x.Grad!.ToArray<float>();
        var e = Assert.Throws<InvalidOperationException>(() => loss.Backward());
        Assert.That(e!.Message, Is.EqualTo(
            "backward of MaxPool2d: its saved tensors were released by an earlier Backward() (a graph is back-propagated once)"));
        Assert.That(x.Grad.ToArray<float>(), Is.EqualTo(grad), "the failed call accumulated nothing");
    }
}
