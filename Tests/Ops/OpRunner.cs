using QSparse.Nn;

namespace QSparse.Tests.Ops;

/// <summary>Draws an op case's inputs (the same on every device) and runs it forward and backward.</summary>
public static class OpRunner
{
    /// <summary>The case's inputs, drawn from a seed derived from its name (stable across runs and devices).</summary>
    public static HostArray[] Inputs(OpCase c)
    {
        var random = new Random(Seed(c.Name));
        return c.Inputs.Select(i => i.Draw(random)).ToArray();
    }

    /// <summary>The output gradient, uniform in [−1, 1): the backward checks differentiate L = Σ y·gradOut.</summary>
    public static HostArray GradOut(OpCase c, int[] shape)
    {
        var random = new Random(Seed(c.Name) + 1);
        var values = Enumerable.Range(0, HostArray.Numel(shape)).Select(_ => (double)(float)(2 * random.NextDouble() - 1));
        return new HostArray(shape, values.ToArray());
    }

    /// <summary>FNV-1a of the name: string.GetHashCode differs between processes.</summary>
    static int Seed(string name)
    {
        uint h = 2166136261;
        foreach (char ch in name)
            h = (h ^ ch) * 16777619;
        return (int)(h & 0x7fffffff);
    }

    /// <summary>Runs the op on <paramref name="device"/>; then, when <paramref name="backward"/> and the output requires grad, its backward from <see cref="GradOut"/>.</summary>
    public static OpResult Run(OpCase c, Device device, HostArray[] inputs, bool backward)
    {
        using var scope = new TensorScope();
        var tensors = c.Inputs.Select((spec, i) => spec.Upload(device, inputs[i])).ToArray();
        var y = c.Op(tensors);
        var output = y.ToArray<float>();
        if (backward && y.RequiresGrad)
        {
            var g = GradOut(c, y.Shape);
            y.Backward(Tensor.FromArray(device, g.Data.Select(v => (float)v).ToArray(), y.Shape));
        }
        var grads = tensors.Select((t, i) =>
            c.Inputs[i].Differentiable ? t.Grad?.ToArray<float>() ?? new float[t.Numel] : null).ToArray();
        return new OpResult(y.Shape, output, grads);
    }

    /// <summary>L = Σ y·gradOut in float64 from a float32 forward of the op without autograd (for <see cref="GradientCheck.OpDifferences"/>).</summary>
    public static double FloatLoss(OpCase c, Device device, HostArray[] inputs, HostArray gradOut)
    {
        using var scope = new TensorScope();
        using var noGrad = Autograd.NoGrad();
        var tensors = c.Inputs.Select((spec, i) => spec.Upload(device, inputs[i])).ToArray();
        var y = c.Op(tensors).ToArray<float>();
        return y.Select((v, k) => v * gradOut.Data[k]).Sum();
    }
}
