namespace QSparse.Kernels;

/// <summary>
/// What <see cref="SelectionKernels"/> selects over: element i's 32-bit key, whose unsigned order is
/// the order to select in. Struct implementations specialise the selection kernels.
/// </summary>
public interface ISelectKeys
{
    uint Key(int i);
}
