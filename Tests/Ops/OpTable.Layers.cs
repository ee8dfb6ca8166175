using QSparse.Nn;

namespace QSparse.Tests.Ops;

public static partial class OpTable
{
    /// <summary>A max_pool2d row; the backward check is the gradient routed to each window's (first) maximum.</summary>
    static OpCase MaxPool(string name, OpInput x, int kernel, int? stride = null, int padding = 0, int dilation = 1, bool ceilMode = false) =>
        new(name, [x], t => Functional.MaxPool2d(t[0], kernel, stride, padding, dilation, ceilMode),
            t => HostRef.MaxPool2d(t[0], kernel, stride ?? kernel, padding, dilation, ceilMode).Y);

    /// <summary>max_pool2d on distinct values (smooth everywhere differenced); ties and NaNs are in <see cref="NativeEdges"/>.</summary>
    static IEnumerable<OpCase> Pooling()
    {
        yield return MaxPool("max_pool2d k2", In.Distinct([2, 2, 5, 4]), 2);
        yield return MaxPool("max_pool2d k3 stride2 pad1", In.Distinct([1, 2, 6, 5]), 3, 2, 1);
        yield return MaxPool("max_pool2d dilated ceil 3d input", In.Distinct([2, 5, 6]), 2, 1, 0, dilation: 2, ceilMode: true);
        yield return MaxPool("max_pool2d k3 stride2 pad1 ceil", In.Distinct([1, 2, 6, 5]), 3, 2, 1, ceilMode: true);
        yield return MaxPool("max_pool2d ceil partial window", In.Distinct([1, 1, 5, 5]), 2, ceilMode: true);
    }

    static OpCase BatchNormTrain(string name, int[] x, bool affine = true) =>
        new(name, affine ? [In.Uniform(x), In.Uniform([x[1]]), In.Uniform([x[1]])] : [In.Uniform(x)],
            t => Functional.BatchNorm(t[0], null, null, affine ? t[1] : null, affine ? t[2] : null, training: true),
            t => HostRef.BatchNorm(t[0], null, null, affine ? t[1] : null, affine ? t[2] : null, training: true))
        { Gradient = new(1e-3, 1e-4) };

    static OpCase BatchNormEval(string name, int[] x) =>
        new(name, [In.Uniform(x), In.Uniform([x[1]]).AsConstant(), In.Positive([x[1]]).AsConstant(), In.Uniform([x[1]]), In.Uniform([x[1]])],
            t => Functional.BatchNorm(t[0], t[1], t[2], t[3], t[4]),
            t => HostRef.BatchNorm(t[0], t[1], t[2], t[3], t[4], training: false));

    /// <summary>The running statistics after one training forward (forward only): [mean..., var...].</summary>
    static OpCase RunningStats(string name, int[] x) =>
        new(name, [In.Uniform(x).AsConstant(), In.Uniform([x[1]]).AsConstant(), In.Positive([x[1]]).AsConstant()],
            t =>
            {
                Functional.BatchNorm(t[0], t[1], t[2], training: true, momentum: 0.1);
                return Tensor.Cat([t[1], t[2]], 0);
            },
            t => HostRef.RunningStats(t[0], t[1], t[2], 0.1))
        { Check = GradientCheck.None };

    /// <summary>
    /// batch_norm in training (batch statistics) and evaluation (running statistics), on [N, C], [N, C, L] and [N, C, H, W];
    /// instance_norm (plain, affine, evaluation with running statistics, their update) and group_norm.
    /// </summary>
    /// <remarks>NOTE: BatchNorm1d and BatchNorm2d differ only in the ranks they accept; both call this functional form.</remarks>
    static IEnumerable<OpCase> Normalization()
    {
        yield return BatchNormTrain("batch_norm1d train [N, C]", [6, 5]);
        yield return BatchNormTrain("batch_norm1d train [N, C, L]", [3, 4, 5]);
        yield return BatchNormTrain("batch_norm2d train", [3, 4, 3, 2]);
        yield return BatchNormTrain("batch_norm2d train no affine", [2, 3, 3, 3], affine: false);
        yield return BatchNormEval("batch_norm1d eval", [5, 3]);
        yield return BatchNormEval("batch_norm2d eval", [2, 3, 2, 2]);
        yield return RunningStats("batch_norm1d running stats", [6, 3]);
        yield return RunningStats("batch_norm2d running stats", [2, 3, 2, 3]);

        yield return new OpCase("instance_norm", [In.Uniform([2, 3, 3, 2])], t => Functional.InstanceNorm(t[0]),
            t => HostRef.InstanceNorm(t[0], null, null)) { Gradient = new(1e-3, 1e-4) };
        yield return new OpCase("instance_norm affine", [In.Uniform([2, 3, 2, 3]), In.Uniform([3]), In.Uniform([3])],
            t => Functional.InstanceNorm(t[0], weight: t[1], bias: t[2]), t => HostRef.InstanceNorm(t[0], t[1], t[2])) { Gradient = new(1e-3, 1e-4) };
        // Evaluation with running statistics: per channel, the same map as batch_norm's evaluation.
        yield return new OpCase("instance_norm eval running stats",
            [In.Uniform([2, 3, 2, 2]), In.Uniform([3]).AsConstant(), In.Positive([3]).AsConstant(), In.Uniform([3]), In.Uniform([3])],
            t => Functional.InstanceNorm(t[0], t[1], t[2], t[3], t[4], useInputStats: false),
            t => HostRef.BatchNorm(t[0], t[1], t[2], t[3], t[4], training: false));
        yield return new OpCase("instance_norm running stats",
            [In.Uniform([3, 2, 2, 3]).AsConstant(), In.Uniform([2]).AsConstant(), In.Positive([2]).AsConstant()],
            t =>
            {
                Functional.InstanceNorm(t[0], t[1], t[2], momentum: 0.1);
                return Tensor.Cat([t[1], t[2]], 0);
            },
            t => HostRef.InstanceNormRunningStats(t[0], t[1], t[2], 0.1))
        { Check = GradientCheck.None };
        yield return new OpCase("group_norm affine", [In.Uniform([2, 6, 2, 2]), In.Uniform([6]), In.Uniform([6])],
            t => Functional.GroupNorm(t[0], 2, t[1], t[2]), t => HostRef.GroupNorm(t[0], 2, t[1], t[2])) { Gradient = new(1e-3, 1e-4) };
        yield return new OpCase("group_norm [N, C, L] one group", [In.Uniform([3, 4, 3])],
            t => Functional.GroupNorm(t[0], 1), t => HostRef.GroupNorm(t[0], 1, null, null)) { Gradient = new(1e-3, 1e-4) };
        yield return new OpCase("group_norm [N, C] groups of two", [In.Uniform([2, 6]), In.Uniform([6]), In.Uniform([6])],
            t => Functional.GroupNorm(t[0], 3, t[1], t[2]), t => HostRef.GroupNorm(t[0], 3, t[1], t[2])) { Gradient = new(1e-3, 1e-4) };
    }

    /// <summary>dropout: the identity in evaluation (and at p = 0); in training a mask fixed by the generator's seed.</summary>
    static IEnumerable<OpCase> Dropouts()
    {
        yield return Unary("dropout eval", In.Uniform([4, 5]), x => Functional.Dropout(x, 0.3, training: false), v => v);
        yield return Unary("dropout p0", In.Uniform([4, 5]), x => Functional.Dropout(x, 0, training: true), v => v);
        const double p = 0.3;
        yield return new OpCase("dropout train seeded", [In.Uniform([1001], 1, 2)],
            x => Functional.Dropout(x[0], p, true, new Generator(5)), null)
        {
            Property = (x, y) => DropoutProperty(x[0].Data, y, p),
            // The same seed gives the same mask, so the op is linear in x and its float32 differences are exact up to rounding.
            Check = GradientCheck.OpDifferences,
            GradSamples = 16,
            Gradient = new(1e-3, 1e-3),
            Backend = new(0, 0),
        };
    }

    /// <summary>Each output is 0 or exactly x·(1/(1 − p)) in float, and about p of them are 0 (±0.05: 3.5σ for 1001 elements).</summary>
    static string? DropoutProperty(double[] x, float[] y, double p)
    {
        float scale = 1f / (float)(1 - p);
        for (int i = 0; i < x.Length; i++)
            if (y[i] != 0 && y[i] != (float)x[i] * scale)
                return $"element {i} is {y[i]:R}: neither 0 nor x·(1/(1 - p)) = {(float)x[i] * scale:R}";
        double dropped = y.Count(v => v == 0) / (double)y.Length;
        return Math.Abs(dropped - p) <= 0.05 ? null : $"dropped fraction {dropped:F3}, expected {p} ± 0.05";
    }

    /// <summary>log_softmax over each dimension position, nll_loss and cross_entropy with both reductions and an ignored row.</summary>
    static IEnumerable<OpCase> Losses()
    {
        yield return new OpCase("log_softmax dim1", [In.Uniform([3, 5], -2, 2)], x => Functional.LogSoftmax(x[0], 1), x => HostRef.LogSoftmax(x[0], 1));
        yield return new OpCase("log_softmax middle dim", [In.Uniform([2, 4, 3], -2, 2)], x => Functional.LogSoftmax(x[0], 1),
            x => HostRef.LogSoftmax(x[0], 1));
        yield return new OpCase("log_softmax last dim", [In.Uniform([2, 3, 4], -2, 2)], x => Functional.LogSoftmax(x[0], -1),
            x => HostRef.LogSoftmax(x[0], 2));
        yield return new OpCase("log_softmax 1d", [In.Uniform([6], -2, 2)], x => Functional.LogSoftmax(x[0], 0), x => HostRef.LogSoftmax(x[0], 0));
        yield return new OpCase("log_softmax large logits", [In.Fixed([2, 3], 1000, 0, -1000, 50, 51, 49) with { Kind = InputKind.Float }],
            x => Functional.LogSoftmax(x[0], 1), x => HostRef.LogSoftmax(x[0], 1));

        foreach (var reduction in new[] { Reduction.Mean, Reduction.Sum })
        {
            bool mean = reduction == Reduction.Mean;
            string r = reduction.ToString().ToLowerInvariant();
            yield return new OpCase($"nll_loss {r}", [In.Uniform([4, 5], -3, 0), In.Labels(4, 5)],
                x => Functional.NllLoss(x[0], x[1], reduction), x => HostRef.NllLoss(x[0], x[1], mean));
            yield return new OpCase($"cross_entropy {r}", [In.Uniform([6, 5], -2, 2), In.Labels(6, 5)],
                x => Functional.CrossEntropy(x[0], x[1], reduction), x => HostRef.NllLoss(HostRef.LogSoftmax(x[0], 1), x[1], mean));
        }
        yield return new OpCase("nll_loss ignore_index", [In.Uniform([4, 5], -3, 0), In.Fixed([4], 2, -100, 4, 1) with { Kind = InputKind.Labels }],
            x => Functional.NllLoss(x[0], x[1]), x => HostRef.NllLoss(x[0], x[1], mean: true));
        yield return new OpCase("nll_loss int32 target", [In.Uniform([4, 5], -3, 0), In.Labels(4, 5)],
            x => Functional.NllLoss(x[0], x[1].To(DType.Int32)), x => HostRef.NllLoss(x[0], x[1], mean: true));
        yield return new OpCase("cross_entropy ignore_index", [In.Uniform([4, 5], -2, 2), In.Fixed([4], -100, 3, 0, -100) with { Kind = InputKind.Labels }],
            x => Functional.CrossEntropy(x[0], x[1]), x => HostRef.NllLoss(HostRef.LogSoftmax(x[0], 1), x[1], mean: true));
    }
}
