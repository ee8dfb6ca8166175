namespace QSparse.Host.Benchmarks;

/// <summary>The three passes of a convolution in a training step.</summary>
public enum ConvPass
{
    Forward,
    BackwardData,
    BackwardWeight,
}
