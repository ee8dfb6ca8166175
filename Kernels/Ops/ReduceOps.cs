namespace QSparse.Kernels;

/// <summary>An associative combine with its identity, for reductions.</summary>
public interface IReduceOp
{
    float Identity { get; }
    float Combine(float a, float b);
}

public readonly struct SumReduce : IReduceOp
{
    public float Identity => 0f;
    public float Combine(float a, float b) => a + b;
}

public readonly struct MaxReduce : IReduceOp
{
    public float Identity => float.NegativeInfinity;
    // NOTE: NaN propagates, as in torch.max.
    public float Combine(float a, float b) => a > b || float.IsNaN(a) ? a : b;
}
