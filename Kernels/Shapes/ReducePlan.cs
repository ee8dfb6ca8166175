namespace QSparse.Kernels;

/// <summary>
/// The order in which every backend combines a reduction, fixed by the reduced extent alone so that a sum
/// is bit-identical on the CPU, the simulated GPU and a real one whatever their core counts. A reduction of
/// n terms is cut into <see cref="Partials"/> interleaved partials (partial p combines terms p, p + P,
/// p + 2P, ... in that order, at most <see cref="TermsPerPartial"/> of them), and the P partials are reduced
/// again by the same rule until one remains. Interleaving keeps a GPU's neighbouring threads on neighbouring
/// addresses; the bound on terms per partial keeps each thread's serial part short.
/// </summary>
public static class ReducePlan
{
    /// <summary>The most terms one partial combines serially.</summary>
    public const int TermsPerPartial = 256;

    /// <summary>How many partials a reduction of <paramref name="terms"/> terms is cut into (1: combine them serially).</summary>
    public static int Partials(int terms) =>
        terms <= TermsPerPartial ? 1 : (int)(((long)terms + TermsPerPartial - 1) / TermsPerPartial);
}
