namespace QSparse.Host.Training;

/// <summary>One step of the seed's training loop, shared by <see cref="Trainer"/> and <c>qsparse bench</c>.</summary>
public static class TrainingStep
{
    /// <summary>
    /// Forward, zero-grad, backward, update for images <paramref name="x"/> [B, 1, 28, 28] and labels
    /// <paramref name="y"/> [B] int64; returns the batch's loss (a scalar tensor of the open scope). Nothing here
    /// waits for the device: reading the loss does.
    /// </summary>
    public static Tensor Run(Module model, Optimizer optimizer, Tensor x, Tensor y)
    {
        var loss = Functional.NllLoss(model.Call(x), y);
        optimizer.ZeroGrad();
        loss.Backward();
        optimizer.Step();
        OpProfiler.Mark("optimizer step", x.Device);
        return loss;
    }
}
