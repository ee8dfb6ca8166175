namespace QSparse.Host.Export;

/// <summary>An onnx-int model with its zero channels removed (<see cref="Thinning.Thin"/>), and what that removed.</summary>
public sealed record ThinnedModel(OnnxIntModel Model, ThinningReport Report);
