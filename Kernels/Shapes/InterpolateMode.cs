namespace QSparse.Kernels;

/// <summary>How an interpolation reads its source (torch.nn.functional.interpolate's <c>mode</c>).</summary>
public enum InterpolateMode
{
    /// <summary>Each output copies one source pixel: 'nearest'.</summary>
    Nearest,

    /// <summary>Each output mixes the 2×2 source pixels around its source position: 'bilinear'.</summary>
    Bilinear,
}
