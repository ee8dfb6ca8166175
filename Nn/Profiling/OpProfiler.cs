using System.Diagnostics;

namespace QSparse.Nn;

/// <summary>
/// Wall time per recorded operation, forward and backward (a small torch.profiler): while a profiler is
/// open on this thread, autograd waits for the device at every recorded op and at every backward rule
/// and charges the time since the previous mark to that op ("gradient sums": autograd adding up
/// gradients between rules). Work between marks that records nothing (a no-grad parameter transform)
/// is charged to the next mark, so profile whole steps and read the table as "where a step spends its
/// time". Waiting at every op slows a GPU down; on the CPU it costs little.
/// </summary>
public sealed class OpProfiler : IDisposable
{
    [ThreadStatic] static OpProfiler? active;

    readonly Dictionary<string, (TimeSpan Time, int Calls)> totals = [];
    readonly Stopwatch clock = Stopwatch.StartNew();
    readonly OpProfiler? outer;
    TimeSpan last;

    /// <summary>Starts profiling on this thread until disposed.</summary>
    public OpProfiler()
    {
        outer = active;
        active = this;
    }

    /// <summary>Each op's total time and calls, longest first; "name" for forward, "name backward" for its rule.</summary>
    public IReadOnlyList<(string Op, TimeSpan Time, int Calls)> Totals =>
        totals.Select(kv => (kv.Key, kv.Value.Time, kv.Value.Calls)).OrderByDescending(t => t.Time).ToList();

    /// <summary>
    /// Charges the time since the previous mark, up to when <paramref name="device"/> is idle, to
    /// <paramref name="op"/>; autograd marks each op, a caller marks its own regions (an optimizer step).
    /// </summary>
    public static void Mark(string op, Device device)
    {
        if (active is not { } p)
            return;
        device.Synchronize();
        var now = p.clock.Elapsed;
        var (time, calls) = p.totals.GetValueOrDefault(op);
        p.totals[op] = (time + now - p.last, calls + 1);
        p.last = now;
    }

    public void Dispose() => active = outer;
}
