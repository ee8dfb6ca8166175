using QSparse.Nn;

namespace QSparse.Tests.Ops;

/// <summary>
/// One input of an op case: its shape, kind and how its values are drawn (from a seeded random source
/// and the element count). Values are rounded to float32 before the host reference sees them, so the
/// reference and the device read the same numbers.
/// </summary>
public sealed record OpInput(int[] Shape, InputKind Kind, Func<Random, int, double[]> Make)
{
    public bool Differentiable => Kind == InputKind.Float;

    /// <summary>The values of this input as the device will hold them.</summary>
    public HostArray Draw(Random random) =>
        new(Shape, Make(random, HostArray.Numel(Shape)).Select(v => (double)(float)v).ToArray());

    /// <summary>The tensor of <paramref name="values"/> on <paramref name="device"/>, requiring grad when differentiable.</summary>
    public Tensor Upload(Device device, HostArray values) => Kind switch
    {
        InputKind.Float => Tensor.FromArray(device, Floats(values), Shape).RequiresGrad_(),
        InputKind.Constant => Tensor.FromArray(device, Floats(values), Shape),
        InputKind.Labels => Tensor.FromArray(device, values.Data.Select(v => (long)v).ToArray(), Shape),
        _ => Tensor.FromArray(device, values.Data.Select(v => v != 0).ToArray(), Shape),
    };

    static float[] Floats(HostArray values) => values.Data.Select(v => (float)v).ToArray();

    /// <summary>The same values, not differentiated.</summary>
    public OpInput AsConstant() => this with { Kind = InputKind.Constant };
}
