using ScottPlot;

namespace QSparse.Host.Reporting;

/// <summary>What a training run measured over its steps, and the PNG plot of it.</summary>
public sealed class TrainingHistory
{
    readonly List<(double Step, double Loss)> losses = [];
    readonly List<(double Step, double Accuracy)> accuracies = [];
    readonly List<(double Step, double Weights, double Activations)> sparsities = [];

    /// <summary>A training step's loss.</summary>
    public void AddLoss(long step, double loss) => losses.Add((step, loss));

    /// <summary>A test accuracy after <paramref name="step"/> steps.</summary>
    public void AddAccuracy(long step, double accuracy) => accuracies.Add((step, accuracy));

    /// <summary>The mean mask sparsity of the weight and activation pruners after <paramref name="step"/> steps.</summary>
    public void AddSparsity(long step, IReadOnlyList<QsparseLayerState> layers)
    {
        double Mean(bool weights) =>
            layers.Where(l => l.MaskSparsity != null && (l.Target == "activation") != weights).Select(l => l.MaskSparsity!.Value).DefaultIfEmpty(0).Average();
        sparsities.Add((step, Mean(true), Mean(false)));
    }

    /// <summary>
    /// Writes the plot: the training loss on the left axis; test accuracy and weight and activation
    /// sparsity (fractions) on the right axis, all over the training steps.
    /// </summary>
    public void SavePlot(string path)
    {
        var plot = new Plot();
        var loss = plot.Add.ScatterLine(losses.Select(p => p.Step).ToArray(), losses.Select(p => p.Loss).ToArray());
        loss.LegendText = "training loss";
        plot.Axes.Left.Label.Text = "loss";
        AddRight(plot, accuracies.Select(p => (p.Step, p.Accuracy)), "test accuracy", true);
        AddRight(plot, sparsities.Select(p => (p.Step, p.Weights)), "weight sparsity", false);
        AddRight(plot, sparsities.Select(p => (p.Step, p.Activations)), "activation sparsity", false);
        plot.Axes.Right.Label.Text = "fraction";
        plot.Axes.Bottom.Label.Text = "step";
        plot.ShowLegend(Alignment.MiddleRight);
        try
        {
            plot.SavePng(path, 1000, 560);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new IOException($"{path}: cannot write the plot ({e.Message})", e);
        }
    }

    static void AddRight(Plot plot, IEnumerable<(double X, double Y)> points, string label, bool markers)
    {
        var list = points.ToList();
        if (list.Count == 0)
            return;
        var s = plot.Add.Scatter(list.Select(p => p.X).ToArray(), list.Select(p => p.Y).ToArray());
        s.LegendText = label;
        s.MarkerSize = markers ? 6 : 0;
        s.Axes.YAxis = plot.Axes.Right;
    }
}
