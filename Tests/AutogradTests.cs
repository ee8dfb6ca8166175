using QSparse.Nn;

namespace QSparse.Tests;

/// <summary>Every differentiable tensor op against finite differences, including broadcasting.</summary>
public class AutogradTests(string kind) : DeviceTest(kind)
{
    Tensor R(params int[] shape) => Tensor.Rand(Device, shape, new Generator((ulong)shape.Sum() + 7), -1, 1);

    Tensor Positive(params int[] shape) => Tensor.Rand(Device, shape, new Generator(99), 0.5f, 2f);

    [Test] public void Add() => GradCheck.Check(Device, x => x[0] + x[1], [R(2, 3, 4), R(3, 1)], what: "add broadcast");
    [Test] public void Sub() => GradCheck.Check(Device, x => x[0] - x[1], [R(4, 1), R(1, 5)], what: "sub broadcast");
    [Test] public void Mul() => GradCheck.Check(Device, x => x[0] * x[1], [R(2, 3, 4), R(4)], what: "mul broadcast");
    [Test] public void Div() => GradCheck.Check(Device, x => x[0] / x[1], [R(3, 4), Positive(3, 1)], what: "div broadcast");
    [Test] public void Maximum() => GradCheck.Check(Device, x => x[0].Maximum(x[1]), [R(3, 4), R(4)], what: "maximum");
    [Test] public void Exp() => GradCheck.Check(Device, x => x[0].Exp(), [R(2, 5)]);
    [Test] public void Log() => GradCheck.Check(Device, x => x[0].Log(), [Positive(2, 5)]);
    [Test] public void Pow() => GradCheck.Check(Device, x => x[0].Pow(3), [R(7)]);
    [Test] public void Sqrt() => GradCheck.Check(Device, x => x[0].Sqrt(), [Positive(6)]);
    [Test] public void Abs() => GradCheck.Check(Device, x => x[0].Abs(), [Positive(6)]);
    [Test] public void Clamp() => GradCheck.Check(Device, x => x[0].Clamp(-0.5f, 0.5f), [R(3, 7)]);
    [Test] public void Affine() => GradCheck.Check(Device, x => x[0] * 3f + 1f, [R(5)]);
    [Test] public void SumDims() => GradCheck.Check(Device, x => x[0].Sum([0, 2], keepDim: false), [R(2, 3, 4)]);
    [Test] public void MeanKeepDim() => GradCheck.Check(Device, x => x[0].Mean(1, keepDim: true), [R(3, 5, 2)]);
    [Test] public void Max() => GradCheck.Check(Device, x => x[0].Max(1), [R(4, 6)]);
    [Test] public void Permute() => GradCheck.Check(Device, x => x[0].Permute(2, 0, 1) * x[1], [R(2, 3, 4), R(4, 2, 3)]);
    [Test] public void Reshape() => GradCheck.Check(Device, x => x[0].Reshape(3, -1) * x[1], [R(2, 3, 2), R(3, 4)]);
    [Test] public void Slice() => GradCheck.Check(Device, x => x[0].Slice(1, 1, 4), [R(2, 5, 3)]);
    [Test] public void Cat() => GradCheck.Check(Device, x => Tensor.Cat([x[0], x[1]], 1), [R(2, 3), R(2, 4)]);
    [Test] public void BroadcastTo() => GradCheck.Check(Device, x => x[0].BroadcastTo(2, 3, 4), [R(3, 1)]);
    [Test] public void Where() => GradCheck.Check(Device, x => Tensor.Where(x[0].Gt(0f), x[0], x[1]), [R(3, 4), R(4)]);
    [Test] public void MatMul() => GradCheck.Check(Device, x => x[0].MatMul(x[1]), [R(3, 5), R(5, 4)]);
    [Test] public void MatMulBatched() => GradCheck.Check(Device, x => x[0].MatMul(x[1]), [R(2, 3, 5), R(2, 5, 4)]);
    [Test] public void MatMulSharedMatrix() => GradCheck.Check(Device, x => x[0].MatMul(x[1]), [R(2, 3, 5), R(5, 3)]);

    [Test]
    public void MatMulTransposed() =>
        GradCheck.Check(Device, x => Tensor.MatMul(x[0], x[1], true, true), [R(5, 3), R(4, 5)]);

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
}
