using static QSparse.Nn.QSparseOps;

namespace QSparse.Host.Training;

/// <summary>
/// The tutorial's NetPQ (SPEC.md §11): qin → conv1[Q] → bn1 → p1 → q1 → relu → conv2[P, Q] → bn2 → p2 → q2 →
/// relu → maxpool(2) → dropout1 → flatten → fc1[P, Q] → bn3 → p3 → q3 → relu → dropout2 → fc2[Q] → log_softmax,
/// with the schedule of the config's order in units of E. Parts the mode leaves out are skipped.
/// </summary>
public sealed class QsparseMnistNet : Module
{
    readonly Conv2d conv1, conv2;
    // NOTE: not readonly: FoldBatchNorm replaces them with the Identity modules fuse_bn leaves in their place.
    Module bn1, bn2, bn3;
    readonly Dropout dropout1, dropout2;
    readonly Linear fc1, fc2;
    readonly Module? qin, p1, q1, p2, q2, p3, q3;

    /// <summary>Builds the network for <paramref name="config"/>, initialised from and dropping out with <paramref name="generator"/>.</summary>
    public QsparseMnistNet(Device device, NetworkConfig config, Generator generator) : base(device)
    {
        int e = config.StepsPerEpoch, w = config.Window;
        bool quantizeFirst = config.Order == QsparseOrder.QuantizeFirst;
        int actTimeout = (quantizeFirst ? 3 : 7) * e, weightTimeout = (quantizeFirst ? 2 : 6) * e, start = (quantizeFirst ? 4 : 2) * e;
        bool q = config.Quantizes, pw = config.Prunes && config.Prune != PruneTarget.Features, pa = config.Prunes && config.Prune != PruneTarget.Weights;
        T W<T>(T m, bool prune, int channelwise) where T : Module
        {
            if (prune)
                m = Prune(m, sparsity: 0.5, start: start, interval: e, repetition: 3);
            return q ? Quantize(m, bits: 8, channelwise: channelwise, timeout: weightTimeout, biasBits: 20) : m;
        }
        Module? A(string name, bool quantize) => quantize
            ? RegisterModule(name, Quantize(channelwise: -1, decimalRange: (1, 7), timeout: actTimeout, windowSize: w, device: device))
            : null;
        Module? P(string name) => pa ? RegisterModule(name, Prune(sparsity: 0.5, start: start, interval: e, repetition: 3, windowSize: w, device: device)) : null;
        qin = A("qin", q);
        conv1 = RegisterModule("conv1", W(new Conv2d(1, 32, 3, device: device, generator: generator), false, 1));
        bn1 = RegisterModule("bn1", new BatchNorm2d(32, device: device));
        p1 = P("p1");
        q1 = A("q1", q);
        conv2 = RegisterModule("conv2", W(new Conv2d(32, 64, 3, device: device, generator: generator), pw, 1));
        bn2 = RegisterModule("bn2", new BatchNorm2d(64, device: device));
        p2 = P("p2");
        q2 = A("q2", q);
        dropout1 = RegisterModule("dropout1", new Dropout(0.25, generator, device));
        fc1 = RegisterModule("fc1", W(new Linear(9216, 128, device: device, generator: generator), pw, -1));
        bn3 = RegisterModule("bn3", new BatchNorm1d(128, device: device));
        p3 = P("p3");
        q3 = A("q3", q);
        dropout2 = RegisterModule("dropout2", new Dropout(0.5, generator, device));
        fc2 = RegisterModule("fc2", W(new Linear(128, 10, device: device, generator: generator), false, -1));
        AutoNamePruneQuantizeLayers(this);
    }

    /// <summary>The network layer each activation operator acts on the output of (the input quantizer stands for the input).</summary>
    public static readonly IReadOnlyDictionary<string, string> OutputOf = new Dictionary<string, string>
    {
        ["qin"] = "input (qin)", ["p1"] = "conv1", ["q1"] = "conv1", ["p2"] = "conv2", ["q2"] = "conv2", ["p3"] = "fc1", ["q3"] = "fc1",
    };

    /// <summary>
    /// The first training step at which a quantizer collects its window (timeout - window_size + 1, the
    /// earliest over all quantizers): with --fuse-bn the BatchNorms are folded before it, so every decimal
    /// is searched on the folded network.
    /// </summary>
    public long FoldStep => NamedModules().Select(m => m.Module).OfType<QuantizeLayer>()
        .Select(q => Math.Max(0L, q.Timeout - q.WindowSize + 1)).DefaultIfEmpty(long.MaxValue).Min();

    /// <summary>True once <see cref="FoldBatchNorm"/> has run: no BatchNorm between a layer and its output quantizer.</summary>
    public bool BatchNormFolded => bn1 is Identity;

    /// <summary>
    /// Called with each named intermediate result of <see cref="Forward"/>: "qin" (the quantized input),
    /// "conv1", "conv2", "fc1", "fc2" (each layer's output, BatchNorm not applied) and "q1", "q2", "q3"
    /// (the output quantizers' results, before ReLU). For verify-int; null (the default) records nothing.
    /// </summary>
    public Action<string, Tensor>? Probe { get; set; }

    /// <summary>Folds bn1, bn2 and bn3 into conv1, conv2 and fc1 with <see cref="FuseBn"/> (their running statistics); idempotent.</summary>
    public void FoldBatchNorm()
    {
        if (BatchNormFolded)
            return;
        FuseBn(this);
        var children = NamedChildren().ToDictionary(c => c.Name, c => c.Module);
        (bn1, bn2, bn3) = (children["bn1"], children["bn2"], children["bn3"]);
    }

    public override Tensor Forward(Tensor input)
    {
        var x = Tap("qin", Apply(qin, input));
        x = Tap("q1", Apply(q1, Apply(p1, bn1.Forward(Tap("conv1", conv1.Forward(x)))))).Relu();
        x = Tap("q2", Apply(q2, Apply(p2, bn2.Forward(Tap("conv2", conv2.Forward(x)))))).Relu();
        x = dropout1.Forward(Functional.MaxPool2d(x, 2)).Flatten(1);
        x = dropout2.Forward(Tap("q3", Apply(q3, Apply(p3, bn3.Forward(Tap("fc1", fc1.Forward(x)))))).Relu());
        return Functional.LogSoftmax(Tap("fc2", fc2.Forward(x)), 1);
    }

    Tensor Tap(string name, Tensor x)
    {
        Probe?.Invoke(name, x);
        return x;
    }

    static Tensor Apply(Module? m, Tensor x) => m?.Forward(x) ?? x;
}
