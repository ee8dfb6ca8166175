namespace QSparse.Nn;

/// <summary>Batch normalisation over [N, C] or [N, C, L] (torch.nn.BatchNorm1d).</summary>
public sealed class BatchNorm1d(int numFeatures, double eps = 1e-5, double momentum = 0.1, bool affine = true,
    bool trackRunningStats = true, Device? device = null)
    : BatchNorm(numFeatures, eps, momentum, affine, trackRunningStats, device)
{
    protected override void CheckInput(Tensor input)
    {
        if (input.Rank is not (2 or 3))
            throw new ArgumentException($"BatchNorm1d: expected 2D or 3D input, got {ShapeUtil.Format(input.Shape)}", nameof(input));
    }
}
