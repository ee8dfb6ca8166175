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
    readonly BatchNorm2d bn1, bn2;
    readonly BatchNorm1d bn3;
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

    public override Tensor Forward(Tensor input)
    {
        var x = Apply(qin, input);
        x = Apply(q1, Apply(p1, bn1.Forward(conv1.Forward(x)))).Relu();
        x = Apply(q2, Apply(p2, bn2.Forward(conv2.Forward(x)))).Relu();
        x = dropout1.Forward(Functional.MaxPool2d(x, 2)).Flatten(1);
        x = dropout2.Forward(Apply(q3, Apply(p3, bn3.Forward(fc1.Forward(x)))).Relu());
        return Functional.LogSoftmax(fc2.Forward(x), 1);
    }

    static Tensor Apply(Module? m, Tensor x) => m?.Forward(x) ?? x;
}
