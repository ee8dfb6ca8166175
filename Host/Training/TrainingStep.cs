namespace QSparse.Host.Training;

/// <summary>One step of the training loop, shared by the tasks and <c>qsparse bench</c>.</summary>
public static class TrainingStep
{
    /// <summary>
    /// The seed's step: forward, zero-grad, backward, update for images <paramref name="x"/> [B, 1, 28, 28] and labels
    /// <paramref name="y"/> [B] int64; returns the batch's loss (a scalar tensor of the open scope). Nothing here
    /// waits for the device: reading the loss does.
    /// </summary>
    public static Tensor Run(Module model, Optimizer optimizer, Tensor x, Tensor y) => Update(optimizer, Functional.NllLoss(model.Call(x), y));

    /// <summary>Zero-grad, backward from <paramref name="loss"/>, update; returns <paramref name="loss"/>.</summary>
    public static Tensor Update(Optimizer optimizer, Tensor loss)
    {
        optimizer.ZeroGrad();
        loss.Backward();
        optimizer.Step();
        OpProfiler.Mark("optimizer step", loss.Device);
        return loss;
    }
}
