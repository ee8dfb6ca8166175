namespace QSparse.Scheduling;

/// <summary>PyTorch's LambdaLR: the rate of epoch t is base·lambda(t) (not chained).</summary>
public sealed class LambdaLR : LRSchedule
{
    readonly Func<int, double> lambda;

    /// <param name="baseLr">The optimizer's initial lr.</param>
    /// <param name="lambda">The factor of each epoch; a pure function of the epoch, so a restored schedule replays it.</param>
    public LambdaLR(double baseLr, Func<int, double> lambda) : base(baseLr, baseLr * lambda(0)) => this.lambda = lambda;

    protected override double Next(double lr, int epoch) => BaseLr * lambda(epoch);
}
