namespace QSparse.Nn;

/// <summary>Batch normalisation over [N, C, H, W] (torch.nn.BatchNorm2d).</summary>
public sealed class BatchNorm2d(int numFeatures, double eps = 1e-5, double momentum = 0.1, bool affine = true,
    bool trackRunningStats = true, Device? device = null)
    : BatchNorm(numFeatures, eps, momentum, affine, trackRunningStats, device)
{
    protected override void CheckInput(Tensor input)
    {
        if (input.Rank != 4)
            throw new ArgumentException($"BatchNorm2d: expected 4D input, got {ShapeUtil.Format(input.Shape)}", nameof(input));
    }
}
