namespace QSparse.Host.Training.Tasks;

/// <summary>What a task measured on (part of) the test set.</summary>
/// <param name="Values">The metrics, the task's main one first, then its baseline and the others.</param>
/// <param name="Count">Examples evaluated.</param>
/// <param name="Summary">The metrics as the per-epoch line words them ("test loss 0.3375 accuracy 0.8783").</param>
public sealed record TaskMetrics(IReadOnlyList<Metric> Values, int Count, string Summary)
{
    /// <summary>The main metric (accuracy, PSNR).</summary>
    public Metric Primary => Values[0];

    /// <summary>The metric named <paramref name="key"/>.</summary>
    public double this[string key] => Values.First(m => m.Key == key).Value;

    /// <summary>Every metric as "key=value", space-separated, for the <c>result:</c> line.</summary>
    public string KeyValues => string.Join(" ", Values.Select(m => $"{m.Key}={m.Text}"));

    /// <summary>Equal when every metric (to the bit), the count and the summary are.</summary>
    public bool Equals(TaskMetrics? other) => other != null && Values.SequenceEqual(other.Values) && Count == other.Count && Summary == other.Summary;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Count, Summary);
}
