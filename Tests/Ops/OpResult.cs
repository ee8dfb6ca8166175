namespace QSparse.Tests.Ops;

/// <summary>What one run of an op case produced on a device: the output and the gradient of each input (null where not differentiable).</summary>
public sealed record OpResult(int[] Shape, float[] Output, float[]?[] Grads);
