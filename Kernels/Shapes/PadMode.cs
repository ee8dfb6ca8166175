namespace QSparse.Kernels;

/// <summary>What fills the border a pad adds (torch.nn.functional.pad's <c>mode</c>).</summary>
public enum PadMode
{
    /// <summary>A constant value: 'constant' (ZeroPad2d, ConstantPad2d).</summary>
    Constant,

    /// <summary>The input mirrored about its edge pixel, which is not repeated: 'reflect' (ReflectionPad2d).</summary>
    Reflect,

    /// <summary>The edge pixel repeated: 'replicate' (ReplicationPad2d).</summary>
    Replicate,
}
