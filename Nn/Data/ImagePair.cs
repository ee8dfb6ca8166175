namespace QSparse.Nn.Data;

/// <summary>An image-to-image example (super-resolution, pix2pix): the network's input and the image it should produce.</summary>
/// <param name="Input">The network's input.</param>
/// <param name="Target">The expected output.</param>
public sealed record ImagePair(HostImage Input, HostImage Target);
