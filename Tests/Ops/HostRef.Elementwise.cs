namespace QSparse.Tests.Ops;

/// <summary>
/// The float64 host references of the op table: plain loops written from the PyTorch definitions,
/// sharing no code with the library (not even its shape arithmetic).
/// </summary>
public static partial class HostRef
{
    /// <summary>NumPy's broadcast shape of <paramref name="shapes"/>.</summary>
    public static int[] BroadcastShape(params int[][] shapes)
    {
        int rank = shapes.Max(s => s.Length);
        var result = new int[rank];
        for (int i = 1; i <= rank; i++)
        {
            int size = 1;
            foreach (var s in shapes)
            {
                int n = i <= s.Length ? s[^i] : 1;
                if (n != 1 && size != 1 && n != size)
                    throw new ArgumentException($"shapes [{string.Join("], [", shapes.Select(x => string.Join(", ", x)))}] do not broadcast");
                if (n != 1) size = n;
            }
            result[^i] = size;
        }
        return result;
    }

    /// <summary>Strides reading <paramref name="shape"/> as if it had <paramref name="outShape"/> (0 along broadcast dimensions).</summary>
    static int[] BroadcastStrides(int[] shape, int[] outShape)
    {
        var own = HostArray.Strides(shape);
        var strides = new int[outShape.Length];
        for (int i = 1; i <= shape.Length; i++)
            strides[^i] = shape[^i] == 1 ? 0 : own[^i];
        return strides;
    }

    /// <summary>f of the broadcast elements of <paramref name="xs"/>, element by element (into <paramref name="outShape"/> when given).</summary>
    public static HostArray Broadcast(HostArray[] xs, Func<double[], double> f, int[]? outShape = null)
    {
        var shape = outShape ?? BroadcastShape(xs.Select(x => x.Shape).ToArray());
        var strides = xs.Select(x => BroadcastStrides(x.Shape, shape)).ToArray();
        var y = new HostArray(shape);
        var index = new int[shape.Length];
        var args = new double[xs.Length];
        for (int flat = 0; flat < y.Data.Length; flat++)
        {
            HostArray.Unravel(flat, shape, index);
            for (int a = 0; a < xs.Length; a++)
            {
                int offset = 0;
                for (int i = 0; i < shape.Length; i++)
                    offset += index[i] * strides[a][i];
                args[a] = xs[a].Data[offset];
            }
            y.Data[flat] = f(args);
        }
        return y;
    }

    public static HostArray Zip(HostArray a, HostArray b, Func<double, double, double> f) => Broadcast([a, b], v => f(v[0], v[1]));

    /// <summary>torch.where(condition, a, b), condition non-zero meaning true.</summary>
    public static HostArray Where(HostArray condition, HostArray a, HostArray b) =>
        Broadcast([condition, a, b], v => v[0] != 0 ? v[1] : v[2]);

    public static HostArray BroadcastTo(HostArray x, int[] shape) => Broadcast([x], v => v[0], shape);

    /// <summary>PyTorch's relu, with relu(0) = 0.</summary>
    public static double Relu(double x) => x > 0 ? x : 0;
}
