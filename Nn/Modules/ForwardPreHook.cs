namespace QSparse.Nn;

/// <summary>
/// A forward pre-hook (PyTorch's register_forward_pre_hook): sees the input of a module's <see cref="Module.Call"/>
/// before <see cref="Module.Forward"/>; returns a replacement input, or null to keep it.
/// </summary>
public delegate Tensor? ForwardPreHook(Module module, Tensor input);
