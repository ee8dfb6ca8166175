using static QSparse.Nn.QSparseOps;

namespace QSparse.Nn;

/// <summary>
/// The seed's MNIST network (SPEC.md §11), named like PyTorch's MNIST example, in every mode of
/// <see cref="QsparsePlan"/>: qin → conv1[Q] → bn1 → p1 → q1 → relu1 → conv2[P, Q] → bn2 → p2 → q2 → relu2 →
/// pool(2) → dropout1(0.25) → flatten → fc1[P, Q] → bn3 → p3 → q3 → relu3 → dropout2(0.5) → fc2[Q] → log_softmax,
/// where the QSPARSE parts (qin, the p's and q's, the weights' [P, Q]) are there only when the options ask for
/// them: with none it is the float network conv1(1→32, 3) → bn1 → relu → conv2(32→64, 3) → bn2 → relu →
/// maxpool(2) → dropout → flatten → fc1(9216→128) → bn3 → relu → dropout → fc2(128→10) → log_softmax.
/// Input [N, 1, 28, 28], output log-probabilities [N, 10]. Every step is a child module called from a field,
/// so rewrites (FuseBn, Convert) change what Forward runs and a <see cref="ModelTrace"/> sees every step.
/// </summary>
public sealed class MnistNet : Module
{
    // NOTE: declared Module, not their layer types: FuseBn replaces the BatchNorms with Identity, Convert wraps layers in Sequentials.
    readonly Module conv1, bn1, relu1, conv2, bn2, relu2, pool, dropout1, flatten, fc1, bn3, relu3, dropout2, fc2, logSoftmax;
    readonly Module? qin, p1, q1, p2, q2, p3, q3;

    /// <summary>The network for <paramref name="options"/> (default: full precision), initialised from and dropping out with <paramref name="generator"/>.</summary>
    public MnistNet(Device? device = null, Generator? generator = null, QsparsePlan? options = null) : base(device)
    {
        var o = options ?? new QsparsePlan();
        int e = o.StepsPerEpoch, w = o.Window;
        T W<T>(T m, bool prune, int channelwise) where T : Module
        {
            if (prune)
                m = Prune(m, sparsity: 0.5, start: o.PruneStart, interval: e, repetition: o.PruneRepetition);
            return o.Quantize ? Quantize(m, bits: 8, channelwise: channelwise, timeout: o.WeightTimeout, biasBits: 20) : m;
        }
        Module? Q(string name) => o.Quantize
            ? RegisterModule(name, Quantize(channelwise: -1, decimalRange: (1, 7), timeout: o.ActivationTimeout, windowSize: w, device: Device))
            : null;
        Module? P(string name) => o.PruneFeatures
            ? RegisterModule(name, Prune(sparsity: 0.5, start: o.PruneStart, interval: e, repetition: o.PruneRepetition, windowSize: w, device: Device))
            : null;
        qin = Q("qin");
        conv1 = RegisterModule("conv1", W(new Conv2d(1, 32, 3, device: Device, generator: generator), false, 1));
        bn1 = RegisterModule("bn1", new BatchNorm2d(32, device: Device));
        p1 = P("p1");
        q1 = Q("q1");
        relu1 = RegisterModule("relu1", new ReLU(Device));
        conv2 = RegisterModule("conv2", W(new Conv2d(32, 64, 3, device: Device, generator: generator), o.PruneWeights, 1));
        bn2 = RegisterModule("bn2", new BatchNorm2d(64, device: Device));
        p2 = P("p2");
        q2 = Q("q2");
        relu2 = RegisterModule("relu2", new ReLU(Device));
        pool = RegisterModule("pool", new MaxPool2d(2, device: Device));
        dropout1 = RegisterModule("dropout1", new Dropout(0.25, generator, Device));
        flatten = RegisterModule("flatten", new Flatten(device: Device));
        fc1 = RegisterModule("fc1", W(new Linear(9216, 128, device: Device, generator: generator), o.PruneWeights, -1));
        bn3 = RegisterModule("bn3", new BatchNorm1d(128, device: Device));
        p3 = P("p3");
        q3 = Q("q3");
        relu3 = RegisterModule("relu3", new ReLU(Device));
        dropout2 = RegisterModule("dropout2", new Dropout(0.5, generator, Device));
        fc2 = RegisterModule("fc2", W(new Linear(128, 10, device: Device, generator: generator), false, -1));
        logSoftmax = RegisterModule("log_softmax", new LogSoftmax(1, Device));
        AutoNamePruneQuantizeLayers(this);
    }

    /// <summary>The network layer each activation operator acts on the output of (the input quantizer stands for the input).</summary>
    public static readonly IReadOnlyDictionary<string, string> OutputOf = new Dictionary<string, string>
    {
        ["qin"] = "input (qin)", ["p1"] = "conv1", ["q1"] = "conv1", ["p2"] = "conv2", ["q2"] = "conv2", ["p3"] = "fc1", ["q3"] = "fc1",
    };

    /// <summary>
    /// The first training step at which a quantizer collects its window (timeout - window_size + 1, the
    /// earliest over all quantizers; never without quantizers): folding BatchNorm before it makes every
    /// decimal be searched on the folded network.
    /// </summary>
    public long FoldStep => NamedModules().Select(m => m.Module).OfType<QuantizeLayer>()
        .Select(q => Math.Max(0L, q.Timeout - q.WindowSize + 1)).DefaultIfEmpty(long.MaxValue).Min();

    /// <summary>True once <see cref="FoldBatchNorm"/> has run: no BatchNorm between a layer and its output operators.</summary>
    public bool BatchNormFolded => bn1 is Identity;

    /// <summary>Folds bn1, bn2 and bn3 into conv1, conv2 and fc1 with <see cref="QSparseOps.FuseBn"/> (their running statistics); idempotent.</summary>
    public void FoldBatchNorm()
    {
        if (!BatchNormFolded)
            FuseBn(this);
    }

    public override Tensor Forward(Tensor input)
    {
        var x = Apply(qin, input);
        x = relu1.Call(Apply(q1, Apply(p1, bn1.Call(conv1.Call(x)))));
        x = relu2.Call(Apply(q2, Apply(p2, bn2.Call(conv2.Call(x)))));
        x = flatten.Call(dropout1.Call(pool.Call(x)));
        x = dropout2.Call(relu3.Call(Apply(q3, Apply(p3, bn3.Call(fc1.Call(x))))));
        return logSoftmax.Call(fc2.Call(x));
    }

    static Tensor Apply(Module? m, Tensor x) => m?.Call(x) ?? x;
}
