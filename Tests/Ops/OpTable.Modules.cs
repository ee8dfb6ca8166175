using QSparse.Nn;

namespace QSparse.Tests.Ops;

public static partial class OpTable
{
    /// <summary>
    /// The parameter-free modules (and the batch norms with their initial parameters and statistics), built
    /// fresh for each call: a module's forward must be its functional form, so each row repeats a functional row's reference.
    /// </summary>
    static IEnumerable<OpCase> Modules()
    {
        yield return Unary("ReLU module", In.AwayFromZero([2, 3, 5]), x => new ReLU(x.Device).Forward(x), HostRef.Relu);
        yield return new OpCase("MaxPool2d module k3 stride2 pad1", [In.Distinct([1, 2, 6, 5])],
            x => new MaxPool2d(3, 2, 1, device: x[0].Device).Forward(x[0]), x => HostRef.MaxPool2d(x[0], 3, 2, 1).Y);
        yield return new OpCase("LogSoftmax module", [In.Uniform([3, 5], -2, 2)],
            x => new LogSoftmax(1, x[0].Device).Forward(x[0]), x => HostRef.LogSoftmax(x[0], 1));
        yield return new OpCase("Flatten module", [In.Uniform([2, 3, 2, 2])],
            x => new Flatten(device: x[0].Device).Forward(x[0]), x => x[0].Reshape(2, 12));
        yield return Unary("Dropout module eval", In.Uniform([4, 5]), x => new Dropout(0.3, device: x.Device).Eval().Forward(x), v => v);
        // Initial weight 1, bias 0; in evaluation the initial running statistics (mean 0, variance 1).
        yield return Unary("BatchNorm1d module train", In.Uniform([6, 4]), x => new BatchNorm1d(4, device: x.Device).Forward(x), v => v)
            with { Reference = x => HostRef.BatchNorm(x[0], null, null, null, null, training: true), Gradient = new(1e-3, 1e-4) };
        yield return Unary("BatchNorm2d module train", In.Uniform([2, 3, 3, 2]), x => new BatchNorm2d(3, device: x.Device).Forward(x), v => v)
            with { Reference = x => HostRef.BatchNorm(x[0], null, null, null, null, training: true), Gradient = new(1e-3, 1e-4) };
        yield return Unary("BatchNorm2d module eval", In.Uniform([2, 3, 2, 2]),
            x => new BatchNorm2d(3, device: x.Device).Eval().Forward(x), v => v / Math.Sqrt(1 + 1e-5));
        yield return Unary("BatchNorm1d module eval [N, C, L]", In.Uniform([2, 3, 4]),
            x => new BatchNorm1d(3, device: x.Device).Eval().Forward(x), v => v / Math.Sqrt(1 + 1e-5));
    }
}
