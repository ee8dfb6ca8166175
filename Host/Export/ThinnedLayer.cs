namespace QSparse.Host.Export;

/// <summary>
/// One Conv2d or Linear layer of an onnx-int graph before and after thinning: its output and input channels (features),
/// its parameters (the elements of the constants named after it: int8 weights, aligned bias, alignment factors) and the
/// multiply-accumulates of its ConvInteger / MatMulInteger nodes for one input.
/// </summary>
public sealed record ThinnedLayer(string Path, Change OutChannels, Change InChannels, Change Parameters, Change Macs);
