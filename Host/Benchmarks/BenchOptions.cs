namespace QSparse.Host.Benchmarks;

/// <summary>The settings of one <c>qsparse bench</c> run.</summary>
/// <param name="Device">The --device spec (null: QSPARSE_DEVICE, else auto).</param>
/// <param name="Repeats">Timed runs of each workload after its warm-up.</param>
/// <param name="Quick">Skips the batch-256 rows and the second first-launch row, for a run of about a minute on a CPU.</param>
/// <param name="Full">Runs SGEMM at 4096³ on CPU devices too (they default to 1024³).</param>
/// <param name="Networks">Runs only the example networks' training steps (<see cref="ExampleNet"/>), no first-launch rows.</param>
public sealed record BenchOptions(string? Device, int Repeats, bool Quick, bool Full, bool Networks = false)
{
    /// <summary>The batch sizes of the convolution and training-step rows.</summary>
    public int[] Batches => Quick ? [64] : [64, 256];
}
