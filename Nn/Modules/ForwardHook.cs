namespace QSparse.Nn;

/// <summary>
/// A forward hook (PyTorch's register_forward_hook): sees the input and output of a module's <see cref="Module.Call"/>
/// after <see cref="Module.Forward"/>; returns a replacement output, or null to keep it.
/// </summary>
public delegate Tensor? ForwardHook(Module module, Tensor input, Tensor output);
