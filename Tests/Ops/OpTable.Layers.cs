using QSparse.Nn;

namespace QSparse.Tests.Ops;

public static partial class OpTable
{
    /// <summary>A max_pool2d row; the backward check is the gradient routed to each window's (first) maximum.</summary>
    static OpCase MaxPool(string name, OpInput x, int kernel, int? stride = null, int padding = 0, int dilation = 1, bool ceilMode = false) =>
        new(name, [x], t => Functional.MaxPool2d(t[0], kernel, stride, padding, dilation, ceilMode),
            t => HostRef.MaxPool2d(t[0], kernel, stride ?? kernel, padding, dilation, ceilMode).Y);

    /// <summary>An avg_pool2d row with (H, W) sizes; padding defaults to 0 and stride to the kernel.</summary>
    static OpCase AvgPool(string name, OpInput x, (int H, int W) kernel, (int H, int W)? stride = null, (int H, int W)? padding = null,
        bool ceilMode = false, bool countIncludePad = true, int? divisorOverride = null) =>
        new(name, [x], t => Functional.AvgPool2d(t[0], kernel, stride ?? kernel, padding ?? (0, 0), ceilMode, countIncludePad, divisorOverride),
            t => HostRef.AvgPool2d(t[0], kernel, stride ?? kernel, padding ?? (0, 0), ceilMode, countIncludePad, divisorOverride))
        { SumLength = kernel.H * kernel.W };

    static OpCase AdaptiveAvgPool(string name, OpInput x, int? outH, int? outW) =>
        new(name, [x], t => Functional.AdaptiveAvgPool2d(t[0], outH, outW),
            t => HostRef.AdaptiveAvgPool2d(t[0], outH ?? t[0].Shape[^2], outW ?? t[0].Shape[^1]))
        { SumLength = 16 };

    /// <summary>
    /// max_pool2d on distinct values (smooth everywhere differenced), square and with (H, W) pairs; ties and NaNs are
    /// in <see cref="NativeEdges"/>. avg_pool2d with padding counted and not, ceil_mode windows past the padding,
    /// divisor_override; adaptive_avg_pool2d with sizes that do not divide (overlapping windows), growing and kept (null).
    /// </summary>
    static IEnumerable<OpCase> Pooling()
    {
        yield return MaxPool("max_pool2d k2", In.Distinct([2, 2, 5, 4]), 2);
        yield return MaxPool("max_pool2d k3 stride2 pad1", In.Distinct([1, 2, 6, 5]), 3, 2, 1);
        yield return MaxPool("max_pool2d dilated ceil 3d input", In.Distinct([2, 5, 6]), 2, 1, 0, dilation: 2, ceilMode: true);
        yield return MaxPool("max_pool2d k3 stride2 pad1 ceil", In.Distinct([1, 2, 6, 5]), 3, 2, 1, ceilMode: true);
        yield return MaxPool("max_pool2d ceil partial window", In.Distinct([1, 1, 5, 5]), 2, ceilMode: true);
        yield return new OpCase("max_pool2d pairs k3x2 stride2x1 pad1x0 dilation1x2", [In.Distinct([1, 2, 7, 7])],
            t => Functional.MaxPool2d(t[0], (3, 2), (2, 1), (1, 0), (1, 2)), t => HostRef.MaxPool2d(t[0], (3, 2), (2, 1), (1, 0), (1, 2)));
        yield return new OpCase("max_pool2d pairs ceil stride2x3", [In.Distinct([1, 2, 6, 8])],
            t => Functional.MaxPool2d(t[0], (2, 3), (2, 3), ceilMode: true), t => HostRef.MaxPool2d(t[0], (2, 3), (2, 3), (0, 0), (1, 1), true));

        yield return AvgPool("avg_pool2d k2", In.Uniform([2, 2, 5, 4]), (2, 2));
        yield return AvgPool("avg_pool2d k3 stride2 pad1", In.Uniform([1, 2, 7, 6]), (3, 3), (2, 2), (1, 1));
        yield return AvgPool("avg_pool2d k3 stride2 pad1 exclude pad", In.Uniform([1, 2, 7, 6]), (3, 3), (2, 2), (1, 1), countIncludePad: false);
        // The last windows reach past the right padding: the divisor counts the padded plane only.
        yield return AvgPool("avg_pool2d k3 stride2 pad1 ceil", In.Uniform([1, 2, 6, 6]), (3, 3), (2, 2), (1, 1), ceilMode: true);
        yield return AvgPool("avg_pool2d k3 stride2 pad1 ceil exclude pad", In.Uniform([1, 2, 6, 6]), (3, 3), (2, 2), (1, 1), ceilMode: true,
            countIncludePad: false);
        yield return AvgPool("avg_pool2d k2 ceil partial window", In.Uniform([1, 1, 5, 5]), (2, 2), ceilMode: true);
        yield return AvgPool("avg_pool2d k2 stride2 pad1 ceil 3d input", In.Uniform([2, 4, 5]), (2, 2), (2, 2), (1, 1), ceilMode: true);
        yield return AvgPool("avg_pool2d pairs k3x2 stride1x2 pad1x1", In.Uniform([1, 2, 5, 6]), (3, 2), (1, 2), (1, 1));
        yield return AvgPool("avg_pool2d divisor_override", In.Uniform([1, 2, 5, 5]), (3, 3), (2, 2), (1, 1), divisorOverride: 4);

        yield return AdaptiveAvgPool("adaptive_avg_pool2d 1", In.Uniform([2, 3, 5, 7]), 1, 1);
        yield return AdaptiveAvgPool("adaptive_avg_pool2d 2x3 from 5x7", In.Uniform([2, 3, 5, 7]), 2, 3);
        yield return AdaptiveAvgPool("adaptive_avg_pool2d 3x4 from 7x5", In.Uniform([1, 2, 7, 5]), 3, 4);
        yield return AdaptiveAvgPool("adaptive_avg_pool2d growing 4x6 from 3x4", In.Uniform([1, 2, 3, 4]), 4, 6);
        yield return AdaptiveAvgPool("adaptive_avg_pool2d none x 2 3d input", In.Uniform([2, 3, 5]), null, 2);
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

    /// <summary>A dropout row in training with a seeded generator: checked by its property, differenced with the same mask.</summary>
    static OpCase DropoutTrain(string name, int[] shape, Func<Tensor, Generator, Tensor> op, Func<double[], float[], string?> property) =>
        new(name, [In.Uniform(shape, 1, 2)], x => op(x[0], new Generator(5)), null)
        {
            Property = (x, y) => property(x[0].Data, y),
            // The same seed gives the same mask, so the op is linear in x and its float32 differences are exact up to rounding.
            Check = GradientCheck.OpDifferences,
            GradSamples = 16,
            Gradient = new(1e-3, 1e-3),
            Backend = new(0, 0),
        };

    /// <summary>
    /// dropout and dropout2d: the identity in evaluation (and at p = 0); in training a mask fixed by the generator's
    /// seed, per element for dropout and per (n, c) channel for dropout2d (3-d inputs as [N, C, L], as PyTorch 1.13).
    /// </summary>
    static IEnumerable<OpCase> Dropouts()
    {
        yield return Unary("dropout eval", In.Uniform([4, 5]), x => Functional.Dropout(x, 0.3, training: false), v => v);
        yield return Unary("dropout p0", In.Uniform([4, 5]), x => Functional.Dropout(x, 0, training: true), v => v);
        const double p = 0.3;
        yield return DropoutTrain("dropout train seeded", [1001], (x, g) => Functional.Dropout(x, p, true, g), (x, y) => DropoutProperty(x, y, p, 1));
        yield return Unary("dropout2d eval", In.Uniform([2, 3, 2, 2]), x => Functional.Dropout2d(x, 0.3, training: false), v => v);
        yield return Unary("dropout2d p0", In.Uniform([2, 3, 2, 2]), x => Functional.Dropout2d(x, 0, training: true), v => v);
        yield return DropoutTrain("dropout2d train seeded", [40, 25, 2, 3], (x, g) => Functional.Dropout2d(x, p, true, g),
            (x, y) => DropoutProperty(x, y, p, 6));
        yield return DropoutTrain("dropout2d train seeded 3d input", [40, 25, 3], (x, g) => Functional.Dropout2d(x, p, true, g),
            (x, y) => DropoutProperty(x, y, p, 3));
    }

    /// <summary>
    /// Each output is 0 or exactly x·(1/(1 − p)) in float, the same for each run of <paramref name="channel"/> elements
    /// (one mask draw), and about p of the channels are 0 (±0.05: 3.5σ for 1000 draws).
    /// </summary>
    static string? DropoutProperty(double[] x, float[] y, double p, int channel)
    {
        float scale = 1f / (float)(1 - p);
        for (int i = 0; i < x.Length; i++)
        {
            if (y[i] != 0 && y[i] != (float)x[i] * scale)
                return $"element {i} is {y[i]:R}: neither 0 nor x·(1/(1 - p)) = {(float)x[i] * scale:R}";
            if ((y[i] == 0) != (y[i - i % channel] == 0))
                return $"elements {i - i % channel} and {i} of one channel: one is dropped, the other is not";
        }
        double dropped = y.Where((_, i) => i % channel == 0).Count(v => v == 0) / (double)(y.Length / channel);
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
        foreach (var row in WeightedLosses())
            yield return row;
        foreach (var row in ElementLosses())
            yield return row;
    }

    /// <summary>PyTorch's reduction names. NOTE: a property, not a static field: <see cref="All"/> is built in the static constructor, before other fields.</summary>
    static string[] LossReductions => ["mean", "sum", "none"];

    static Reduction ReductionOf(string reduction) => Enum.Parse<Reduction>(reduction, ignoreCase: true);

    /// <summary>Exactly these int64 targets (-100: an ignored row).</summary>
    static OpInput IgnoredLabels(params double[] labels) => In.Fixed([labels.Length], labels) with { Kind = InputKind.Labels };

    /// <summary>nll_loss and cross_entropy with class weights, per-row output and label smoothing (PyTorch's formula with weights and ignored rows).</summary>
    static IEnumerable<OpCase> WeightedLosses()
    {
        foreach (var r in LossReductions)
        {
            var reduction = ReductionOf(r);
            yield return new OpCase($"nll_loss weighted {r}", [In.Uniform([5, 4], -3, 0), IgnoredLabels(2, -100, 0, 3, 2), In.Positive([4]).AsConstant()],
                x => Functional.NllLoss(x[0], x[1], reduction, weight: x[2]), x => HostRef.NllLoss(x[0], x[1], x[2], r));
            yield return new OpCase($"cross_entropy smoothing {r}", [In.Uniform([5, 6], -2, 2), IgnoredLabels(5, 0, -100, 3, 1)],
                x => Functional.CrossEntropy(x[0], x[1], reduction, labelSmoothing: 0.2), x => HostRef.CrossEntropy(x[0], x[1], null, r, smoothing: 0.2));
            yield return new OpCase($"cross_entropy weighted smoothing {r}", [In.Uniform([5, 6], -2, 2), IgnoredLabels(5, 0, -100, 3, 1), In.Positive([6]).AsConstant()],
                x => Functional.CrossEntropy(x[0], x[1], reduction, weight: x[2], labelSmoothing: 0.1),
                x => HostRef.CrossEntropy(x[0], x[1], x[2], r, smoothing: 0.1));
        }
        yield return new OpCase("nll_loss none", [In.Uniform([4, 5], -3, 0), In.Labels(4, 5)],
            x => Functional.NllLoss(x[0], x[1], Reduction.None), x => HostRef.NllLoss(x[0], x[1], null, "none"));
        yield return new OpCase("cross_entropy ignore_index in range weighted", [In.Uniform([5, 4], -2, 2), IgnoredLabels(1, 0, 3, 1, 2), In.Positive([4]).AsConstant()],
            x => Functional.CrossEntropy(x[0], x[1], ignoreIndex: 1, weight: x[2], labelSmoothing: 0.3),
            x => HostRef.CrossEntropy(x[0], x[1], x[2], "mean", ignoreIndex: 1, smoothing: 0.3));
        yield return new OpCase("cross_entropy probabilities mean", [In.Uniform([4, 5], -2, 2), In.Uniform([4, 5], 0, 1)],
            x => Functional.CrossEntropy(x[0], x[1]), x => HostRef.SoftCrossEntropy(x[0], x[1], null, "mean"));
        yield return new OpCase("cross_entropy probabilities weighted smoothing none", [In.Uniform([4, 5], -2, 2), In.Uniform([4, 5], 0, 1), In.Positive([5]).AsConstant()],
            x => Functional.CrossEntropy(x[0], x[1], Reduction.None, weight: x[2], labelSmoothing: 0.2),
            x => HostRef.SoftCrossEntropy(x[0], x[1], x[2], "none", 0.2));
        yield return new OpCase("cross_entropy smoothing 1", [In.Uniform([3, 4], -2, 2), In.Labels(3, 4)],
            x => Functional.CrossEntropy(x[0], x[1], labelSmoothing: 1), x => HostRef.CrossEntropy(x[0], x[1], null, "mean", smoothing: 1));
    }

    /// <summary>
    /// The element-wise losses with each reduction; both inputs differentiated where PyTorch differentiates both.
    /// Differences stay clear of L1's kink at 0; probabilities of BCE stay inside (0, 1) but for the clamp row.
    /// </summary>
    static IEnumerable<OpCase> ElementLosses()
    {
        int[] shape = [3, 4];
        foreach (var r in LossReductions)
        {
            var reduction = ReductionOf(r);
            yield return new OpCase($"mse_loss {r}", [In.Uniform(shape), In.Uniform(shape)],
                x => Functional.MseLoss(x[0], x[1], reduction), x => HostRef.MseLoss(x[0], x[1], r));
            yield return new OpCase($"l1_loss {r}", [In.AwayFromZero(shape), In.Uniform(shape, -0.05, 0.05)],
                x => Functional.L1Loss(x[0], x[1], reduction), x => HostRef.L1Loss(x[0], x[1], r));
            yield return new OpCase($"smooth_l1_loss {r}", [In.Uniform(shape, -2, 2), In.Uniform(shape)],
                x => Functional.SmoothL1Loss(x[0], x[1], reduction), x => HostRef.SmoothL1Loss(x[0], x[1], r, 1));
            yield return new OpCase($"binary_cross_entropy {r}", [In.Uniform(shape, 0.05, 0.95), In.Uniform(shape, 0, 1)],
                x => Functional.BinaryCrossEntropy(x[0], x[1], reduction: reduction), x => HostRef.BceLoss(x[0], x[1], null, r));
            yield return new OpCase($"bce_with_logits {r}", [In.Uniform(shape, -4, 4), In.Uniform(shape, 0, 1)],
                x => Functional.BinaryCrossEntropyWithLogits(x[0], x[1], reduction: reduction), x => HostRef.BceWithLogitsLoss(x[0], x[1], null, null, r));
        }
        yield return new OpCase("smooth_l1_loss beta 0.5", [In.Uniform(shape, -2, 2), In.Uniform(shape)],
            x => Functional.SmoothL1Loss(x[0], x[1], Reduction.Sum, beta: 0.5), x => HostRef.SmoothL1Loss(x[0], x[1], "sum", 0.5));
        yield return new OpCase("smooth_l1_loss beta 0 is l1", [In.AwayFromZero(shape), In.Uniform(shape, -0.05, 0.05)],
            x => Functional.SmoothL1Loss(x[0], x[1], Reduction.None, beta: 0), x => HostRef.L1Loss(x[0], x[1], "none"));
        yield return new OpCase("binary_cross_entropy weight", [In.Uniform(shape, 0.05, 0.95), In.Uniform(shape, 0, 1).AsConstant(), In.Positive([4]).AsConstant()],
            x => Functional.BinaryCrossEntropy(x[0], x[1], x[2]), x => HostRef.BceLoss(x[0], x[1], x[2], "mean"));
        yield return new OpCase("binary_cross_entropy log clamp", [In.Fixed([4], 0, 1, 0, 1), In.Fixed([4], 1, 0, 0, 1)],
            x => Functional.BinaryCrossEntropy(x[0], x[1], reduction: Reduction.None), x => HostRef.BceLoss(x[0], x[1], null, "none"))
        { Check = GradientCheck.None };
        yield return new OpCase("bce_with_logits weight pos_weight", [In.Uniform(shape, -4, 4), In.Uniform(shape, 0, 1), In.Positive([3, 1]).AsConstant(), In.Positive([4]).AsConstant()],
            x => Functional.BinaryCrossEntropyWithLogits(x[0], x[1], x[2], Reduction.Sum, x[3]), x => HostRef.BceWithLogitsLoss(x[0], x[1], x[2], x[3], "sum"));
        yield return new OpCase("bce_with_logits large logits", [In.Fixed([4], 100, -100, 30, -30) with { Kind = InputKind.Float }, In.Fixed([4], 0, 1, 0.5, 0.25)],
            x => Functional.BinaryCrossEntropyWithLogits(x[0], x[1], reduction: Reduction.None), x => HostRef.BceWithLogitsLoss(x[0], x[1], null, null, "none"));
    }
}
