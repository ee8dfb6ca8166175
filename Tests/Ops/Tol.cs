namespace QSparse.Tests.Ops;

/// <summary>|actual − expected| ≤ Atol·scale + Rtol·|expected|; scale is √K for an op summing K products.</summary>
public readonly record struct Tol(double Rtol, double Atol);
