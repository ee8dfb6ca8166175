using QSparse.Host.Training.Tasks;
using ScottPlot;

namespace QSparse.Host.Reporting;

/// <summary>What a training run measured over its steps, and the PNG plot of it.</summary>
public sealed class TrainingHistory
{
    readonly List<(double Step, double Loss)> losses = [];
    readonly List<(double Step, double Value)> metrics = [];
    string metricName = "accuracy";
    readonly List<(double Step, double Weights, double Activations)> sparsities = [];

    /// <summary>A training step's loss.</summary>
    public void AddLoss(long step, double loss) => losses.Add((step, loss));

    /// <summary>The task's main test metric (accuracy, PSNR) after <paramref name="step"/> steps.</summary>
    public void AddMetric(long step, Metric metric)
    {
        metricName = metric.Key;
        metrics.Add((step, metric.Value));
    }

    /// <summary>The mean mask sparsity of the weight and activation pruners after <paramref name="step"/> steps.</summary>
    public void AddSparsity(long step, IReadOnlyList<QsparseLayerState> layers)
    {
        double Mean(bool weights) =>
            layers.Where(l => l.MaskSparsity != null && (l.Target == "activation") != weights).Select(l => l.MaskSparsity!.Value).DefaultIfEmpty(0).Average();
        sparsities.Add((step, Mean(true), Mean(false)));
    }

    /// <summary>
    /// Writes the plot: the training loss on the left axis; test accuracy and weight and activation
    /// sparsity (fractions) on the right axis, all over the training steps. A metric that is not a fraction (PSNR, in dB)
    /// gets a right axis of its own.
    /// </summary>
    public void SavePlot(string path)
    {
        var plot = new Plot();
        var loss = plot.Add.ScatterLine(losses.Select(p => p.Step).ToArray(), losses.Select(p => p.Loss).ToArray());
        loss.LegendText = "training loss";
        plot.Axes.Left.Label.Text = "loss";
        bool fraction = metricName == "accuracy";
        var fractions = plot.Axes.Right;
        var metricAxis = fraction ? fractions : plot.Axes.AddRightAxis();
        fractions.Label.Text = "fraction";
        if (!fraction)
            metricAxis.Label.Text = $"test {metricName} (dB)";
        Add(plot, metricAxis, metrics.Select(p => (p.Step, p.Value)), $"test {metricName}", true);
        Add(plot, fractions, sparsities.Select(p => (p.Step, p.Weights)), "weight sparsity", false);
        Add(plot, fractions, sparsities.Select(p => (p.Step, p.Activations)), "activation sparsity", false);
        plot.Axes.Bottom.Label.Text = "step";
        plot.ShowLegend(Alignment.MiddleRight);
        var png = plot.GetImage(1000, 560).GetImageBytes(ImageFormat.Png);
        try
        {
            AtomicFile.Write(path, stream => stream.Write(png));
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new IOException($"{path}: cannot write the plot ({e.Message})", e);
        }
    }

    static void Add(Plot plot, IYAxis axis, IEnumerable<(double X, double Y)> points, string label, bool markers)
    {
        var list = points.ToList();
        if (list.Count == 0)
            return;
        var s = plot.Add.Scatter(list.Select(p => p.X).ToArray(), list.Select(p => p.Y).ToArray());
        s.LegendText = label;
        s.MarkerSize = markers ? 6 : 0;
        s.Axes.YAxis = axis;
    }
}
