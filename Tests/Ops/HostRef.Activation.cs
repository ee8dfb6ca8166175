namespace QSparse.Tests.Ops;

public static partial class HostRef
{
    public static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>x·sigmoid(x) and its derivative s·(1 + x·(1 − s)).</summary>
    public static double Silu(double x) => x * Sigmoid(x);

    public static double SiluGrad(double x) => Sigmoid(x) * (1 + x * (1 - Sigmoid(x)));

    /// <summary>
    /// erf in float64 (System.Math has none): its Taylor series below 2.5 (terms stay below e^6.25, so about
    /// 1e-13 is lost), 1 − erfc by its continued fraction above.
    /// </summary>
    public static double Erf(double x)
    {
        double a = Math.Abs(x);
        if (a >= 2.5)
            return Math.Sign(x) * (1 - ErfcContinuedFraction(a));
        double term = x, sum = x;
        for (int n = 1; Math.Abs(term) > 1e-17 * Math.Abs(sum); n++)
        {
            term *= -x * x / n;
            sum += term / (2 * n + 1);
        }
        return 2 / Math.Sqrt(Math.PI) * sum;
    }

    /// <summary>erfc(a) = exp(−a²)/√π · 1/(a + (1/2)/(a + 1/(a + (3/2)/(a + ...)))) for a ≥ 2.5, evaluated from the 200th level up.</summary>
    public static double ErfcContinuedFraction(double a)
    {
        double tail = a;
        for (int k = 200; k >= 1; k--)
            tail = a + k / 2.0 / tail;
        return Math.Exp(-a * a) / Math.Sqrt(Math.PI) / tail;
    }

    /// <summary>Φ(x), the standard normal CDF, from erfc in the left tail so it keeps its relative accuracy there.</summary>
    public static double NormalCdf(double x) =>
        x < -2.5 * Math.Sqrt(2) ? 0.5 * ErfcContinuedFraction(-x / Math.Sqrt(2)) : 0.5 * (1 + Erf(x / Math.Sqrt(2)));

    /// <summary>Exact GELU x·Φ(x) and its derivative Φ(x) + x·φ(x).</summary>
    public static double Gelu(double x) => x * NormalCdf(x);

    public static double GeluGrad(double x) => NormalCdf(x) + x * Math.Exp(-x * x / 2) / Math.Sqrt(2 * Math.PI);

    /// <summary>PyTorch's tanh-approximated GELU, x/2·(1 + tanh(√(2/π)·(x + 0.044715·x³))).</summary>
    public static double GeluTanh(double x) => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));

    /// <summary>softmax along <paramref name="dim"/>: exp of <see cref="LogSoftmax"/>.</summary>
    public static HostArray Softmax(HostArray x, int dim) => LogSoftmax(x, dim).Map(Math.Exp);
}
