namespace QSparse.Tests.Ops;

public static partial class HostRef
{
    /// <summary>PyTorch's reduction of per-element losses: "mean", "sum" or "none".</summary>
    public static HostArray Reduce(HostArray loss, string reduction) => reduction switch
    {
        "mean" => HostArray.Scalar(loss.Data.Average()),
        "sum" => HostArray.Scalar(loss.Data.Sum()),
        _ => loss,
    };

    public static HostArray MseLoss(HostArray x, HostArray t, string reduction) => Reduce(Zip(x, t, (a, b) => (a - b) * (a - b)), reduction);

    public static HostArray L1Loss(HostArray x, HostArray t, string reduction) => Reduce(Zip(x, t, (a, b) => Math.Abs(a - b)), reduction);

    /// <summary>0.5·d²/β where |d| &lt; β, else |d| − 0.5·β (β = 0: |d|).</summary>
    public static HostArray SmoothL1Loss(HostArray x, HostArray t, string reduction, double beta) =>
        Reduce(Zip(x, t, (a, b) => Math.Abs(a - b) < beta ? 0.5 * (a - b) * (a - b) / beta : Math.Abs(a - b) - 0.5 * beta), reduction);

    /// <summary>−w·(t·log p + (1 − t)·log(1 − p)), each log clamped at −100 (PyTorch's binary_cross_entropy).</summary>
    public static HostArray BceLoss(HostArray p, HostArray t, HostArray? weight, string reduction)
    {
        var loss = Zip(p, t, (a, b) => -(b * Math.Max(Math.Log(a), -100) + (1 - b) * Math.Max(Math.Log(1 - a), -100)));
        return Reduce(weight == null ? loss : Zip(loss, weight, (l, w) => l * w), reduction);
    }

    /// <summary>−w·(p_c·t·log σ(x) + (1 − t)·log(1 − σ(x))), p_c the positive weight of x's class (last dimension).</summary>
    public static HostArray BceWithLogitsLoss(HostArray x, HostArray t, HostArray? weight, HostArray? posWeight, string reduction)
    {
        static double LogSigmoid(double v) => v >= 0 ? -Math.Log(1 + Math.Exp(-v)) : v - Math.Log(1 + Math.Exp(v));
        var pw = posWeight ?? HostArray.Scalar(1);
        var loss = Broadcast([x, t, pw], v => -(v[2] * v[1] * LogSigmoid(v[0]) + (1 - v[1]) * LogSigmoid(-v[0])));
        return Reduce(weight == null ? loss : Zip(loss, weight, (l, w) => l * w), reduction);
    }

    /// <summary>
    /// torch.nn.functional.cross_entropy over logits [N, C], class targets [N], class weights [C] (or none) and
    /// label smoothing ε, written from PyTorch's definition: row i's nll is −w[t]·logp[i, t] and its smooth term
    /// −Σ_c w_c·logp[i, c], both 0 where t is ignored; "mean" divides each by Σ w[t] over the counted rows.
    /// </summary>
    public static HostArray CrossEntropy(HostArray logits, HostArray target, HostArray? weight, string reduction,
        int ignoreIndex = -100, double smoothing = 0) =>
        NllLoss(LogSoftmax(logits, 1), target, weight, reduction, ignoreIndex, smoothing);

    /// <summary><see cref="CrossEntropy"/> of log-probabilities (smoothing 0: nll_loss with class weights and any reduction).</summary>
    public static HostArray NllLoss(HostArray logProbs, HostArray target, HostArray? weight, string reduction,
        int ignoreIndex = -100, double smoothing = 0)
    {
        int n = logProbs.Shape[0], classes = logProbs.Shape[1];
        double W(int c) => weight?.Data[c] ?? 1;
        var nll = new HostArray([n]);
        var smooth = new HostArray([n]);
        double weightSum = 0;
        for (int i = 0; i < n; i++)
        {
            int t = (int)target.Data[i];
            if (t == ignoreIndex)
                continue;
            nll.Data[i] = -W(t) * logProbs.Data[i * classes + t];
            smooth.Data[i] = -Enumerable.Range(0, classes).Sum(c => W(c) * logProbs.Data[i * classes + c]);
            weightSum += W(t);
        }
        HostArray Reduced(HostArray rows) => reduction switch
        {
            "mean" => HostArray.Scalar(rows.Data.Sum() / weightSum),
            "sum" => HostArray.Scalar(rows.Data.Sum()),
            _ => rows,
        };
        return Zip(Reduced(nll), Reduced(smooth), (a, b) => (1 - smoothing) * a + smoothing / classes * b);
    }

    /// <summary>cross_entropy against class probabilities [N, C]: row i is −Σ_c w_c·logp[i, c]·((1 − ε)·t[i, c] + ε/C).</summary>
    public static HostArray SoftCrossEntropy(HostArray logits, HostArray target, HostArray? weight, string reduction, double smoothing = 0)
    {
        var logProbs = LogSoftmax(logits, 1);
        int n = logits.Shape[0], classes = logits.Shape[1];
        var rows = new HostArray([n], Enumerable.Range(0, n).Select(i => -Enumerable.Range(0, classes).Sum(c =>
            (weight?.Data[c] ?? 1) * logProbs.Data[i * classes + c] * ((1 - smoothing) * target.Data[i * classes + c] + smoothing / classes))).ToArray());
        return Reduce(rows, reduction);
    }
}
