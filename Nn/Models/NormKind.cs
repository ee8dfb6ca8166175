namespace QSparse.Nn;

/// <summary>The normalisation layers of the pix2pix networks (upstream's <c>--norm batch | instance</c>).</summary>
public enum NormKind
{
    /// <summary>BatchNorm2d (affine, running statistics); the convolutions before it have no bias. pix2pix's default.</summary>
    Batch,

    /// <summary>InstanceNorm2d without affine parameters or running statistics; the convolutions keep their bias.</summary>
    Instance,
}
