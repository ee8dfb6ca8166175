namespace QSparse.Nn;

/// <summary>
/// A layer whose output channel c is a linear map of its input with weight slice c (along
/// <see cref="WeightOutputDim"/> of the "weight" parameter) plus bias[c] (the "bias" parameter, possibly
/// absent): Conv2d, ConvTranspose2d, Linear. What <see cref="QSparseOps.FuseBn"/> folds a following
/// BatchNorm into, by scaling those slices; a user layer of that form implements it to be folded too.
/// </summary>
public interface IFoldableLayer
{
    /// <summary>The dimension of "weight" that indexes the output channels: 0 for [out, in, ...], 1 for a transposed convolution's [in, out, ...].</summary>
    int WeightOutputDim { get; }
}
