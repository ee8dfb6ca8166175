using ILGPU;
using ILGPU.Runtime;
using QSparse.Kernels;

namespace QSparse.Tests.GpuShapes;

/// <summary>What one training batch-norm forward and backward leaves: the statistics, y and the three gradients.</summary>
public sealed record BatchNormResults(double[] Mean, double[] Var, double[] RunningMean, double[] RunningVar, double[] Y,
    double[] GradIn, double[] GradWeight, double[] GradBias);

/// <summary>
/// The inputs of one training batch norm of x [N, C, ...] (x, weight, bias, running statistics, gradOut, drawn from a seed),
/// run through <see cref="BatchNormKernels"/> on a device or in float64 on the host.
/// </summary>
public sealed class BatchNormShapes
{
    public const float Momentum = 0.1f;
    public const float Eps = 1e-5f;

    public BatchNormShapes(int[] shape, int seed)
    {
        Shape = new ChannelShape(shape[0], shape[1], shape.Skip(2).Aggregate(1, (a, b) => a * b));
        var random = new Random(seed);
        float[] Draw(int count, double lo, double hi) =>
            Enumerable.Range(0, count).Select(_ => (float)(lo + (hi - lo) * random.NextDouble())).ToArray();
        int c = Shape.Channels, n = c * Shape.PerChannel;
        // NOTE: an offset mean (x in [2, 5)), so the squared deviations must be taken from the mean, not from 0.
        X = Draw(n, 2, 5);
        Weight = Draw(c, 0.5, 1.5);
        Bias = Draw(c, -1, 1);
        RunningMean = Draw(c, -1, 1);
        RunningVar = Draw(c, 0.5, 2);
        GradOut = Draw(n, -1, 1);
    }

    public ChannelShape Shape { get; }
    public float[] X { get; }
    public float[] Weight { get; }
    public float[] Bias { get; }
    public float[] RunningMean { get; }
    public float[] RunningVar { get; }
    public float[] GradOut { get; }

    /// <summary>Stats (updating the running statistics), Normalize and Backward in training on <paramref name="d"/>.</summary>
    public BatchNormResults Run(Device d)
    {
        var acc = d.Accelerator;
        int c = Shape.Channels;
        using var x = acc.Allocate1D(X);
        using var weight = acc.Allocate1D(Weight);
        using var bias = acc.Allocate1D(Bias);
        using var runningMean = acc.Allocate1D(RunningMean);
        using var runningVar = acc.Allocate1D(RunningVar);
        using var gradOut = acc.Allocate1D(GradOut);
        using var mean = acc.Allocate1D<float>(c);
        using var var = acc.Allocate1D<float>(c);
        using var y = acc.Allocate1D<float>(X.Length);
        using var gradIn = acc.Allocate1D<float>(X.Length);
        using var gradWeight = acc.Allocate1D<float>(c);
        using var gradBias = acc.Allocate1D<float>(c);
        BatchNormKernels.Stats(d, x.View, mean.View, var.View, runningMean.View, runningVar.View, Shape, Momentum, update: true);
        BatchNormKernels.Normalize(d, x.View, mean.View, var.View, weight.View, bias.View, y.View, Shape, Eps, training: true);
        BatchNormKernels.Backward(d, x.View, gradOut.View, mean.View, var.View, weight.View, gradWeight.View, gradBias.View,
            gradIn.View, Shape, Eps, training: true);
        d.Synchronize();
        static double[] Read(MemoryBuffer1D<float, Stride1D.Dense> b) => b.GetAsArray1D().Select(v => (double)v).ToArray();
        return new(Read(mean), Read(var), Read(runningMean), Read(runningVar), Read(y), Read(gradIn), Read(gradWeight), Read(gradBias));
    }

    /// <summary>The same in float64 on the host: PyTorch's formulas (biased variance to normalise, unbiased for the running one).</summary>
    public BatchNormResults Reference()
    {
        int c = Shape.Channels, m = Shape.PerChannel;
        var mean = new double[c];
        var var = new double[c];
        var gradBias = new double[c];
        var gradWeight = new double[c];
        for (int ch = 0; ch < c; ch++)
        {
            for (int k = 0; k < m; k++)
                mean[ch] += X[Shape.Offset(ch, k)];
            mean[ch] /= m;
            for (int k = 0; k < m; k++)
                var[ch] += Math.Pow(X[Shape.Offset(ch, k)] - mean[ch], 2);
            var[ch] /= m;
        }
        double InvStd(int ch) => 1 / Math.Sqrt(var[ch] + Eps);
        double XHat(int i) => (X[i] - mean[Shape.ChannelOf(i)]) * InvStd(Shape.ChannelOf(i));
        for (int i = 0; i < X.Length; i++)
        {
            gradBias[Shape.ChannelOf(i)] += GradOut[i];
            gradWeight[Shape.ChannelOf(i)] += GradOut[i] * XHat(i);
        }
        var y = X.Select((_, i) => XHat(i) * Weight[Shape.ChannelOf(i)] + Bias[Shape.ChannelOf(i)]).ToArray();
        var gradIn = X.Select((_, i) =>
        {
            int ch = Shape.ChannelOf(i);
            return Weight[ch] * InvStd(ch) * (GradOut[i] - gradBias[ch] / m - XHat(i) * gradWeight[ch] / m);
        }).ToArray();
        var runningMean = mean.Select((v, ch) => (1 - Momentum) * (double)RunningMean[ch] + Momentum * v).ToArray();
        var runningVar = var.Select((v, ch) => (1 - Momentum) * (double)RunningVar[ch] + Momentum * v * m / (m - 1)).ToArray();
        return new(mean, var, runningMean, runningVar, y, gradIn, gradWeight, gradBias);
    }
}
