namespace QSparse.Tests.Ops;

/// <summary>What an input of an op case is: a float tensor the gradient is checked for, or data the op only reads.</summary>
public enum InputKind
{
    /// <summary>float32, requires grad: its gradient is checked.</summary>
    Float,

    /// <summary>float32 the op reads but is not differentiated for (running statistics, decimals).</summary>
    Constant,

    /// <summary>int64 class labels.</summary>
    Labels,

    /// <summary>bool (values 0 and 1 on the host).</summary>
    Mask,
}
