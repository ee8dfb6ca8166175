namespace QSparse.Scheduling;

/// <summary>
/// PyTorch 1.13's CosineAnnealingLR in its recursive (chainable) form: each rate is the previous one scaled by
/// (1 + cos(π·t/T_max)) / (1 + cos(π·(t-1)/T_max)) around <see cref="EtaMin"/>, and at the restarts
/// ((t - 1 - T_max) mod 2·T_max = 0) the rate climbs by (base - eta_min)·(1 - cos(π/T_max))/2. Past
/// <see cref="TMax"/> the rate therefore rises again (a cosine of period 2·T_max), as PyTorch's does.
/// </summary>
public sealed class CosineAnnealingLR : LRSchedule
{
    /// <param name="baseLr">The rate at epoch 0 (the optimizer's initial lr).</param>
    /// <param name="tMax">Epochs of the half period, ≥ 1.</param>
    /// <param name="etaMin">The lowest rate.</param>
    public CosineAnnealingLR(double baseLr, int tMax, double etaMin = 0) : base(baseLr, baseLr)
    {
        if (tMax < 1)
            throw new ArgumentOutOfRangeException(nameof(tMax), tMax, "T_max must be at least 1");
        TMax = tMax;
        EtaMin = etaMin;
    }

    /// <summary>Epochs of the half period (PyTorch's T_max).</summary>
    public int TMax { get; }

    /// <summary>The lowest rate (PyTorch's eta_min).</summary>
    public double EtaMin { get; }

    protected override double Next(double lr, int epoch)
    {
        // NOTE: Python's % is a floor modulo: (t - 1 - T_max) is negative before T_max.
        int period = 2 * TMax, phase = ((epoch - 1 - TMax) % period + period) % period;
        if (phase == 0)
            return lr + (BaseLr - EtaMin) * (1 - Math.Cos(Math.PI / TMax)) / 2;
        return (1 + Math.Cos(Math.PI * epoch / TMax)) / (1 + Math.Cos(Math.PI * (epoch - 1) / TMax)) * (lr - EtaMin) + EtaMin;
    }
}
