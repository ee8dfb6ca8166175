namespace QSparse.Nn.Data;

/// <summary>A classification example: an image and its class.</summary>
/// <param name="Image">The image.</param>
/// <param name="Label">The class, 0..classes-1.</param>
public sealed record LabeledImage(HostImage Image, int Label);
