namespace QSparse.Host.Export;

/// <summary>
/// Every value a tensor's elements can take, as a closed interval of integers; long.MinValue and long.MaxValue stand
/// for −∞ and +∞ (a side nothing bounds). The arithmetic is sound (the result holds every result the operands' values
/// can give), widening to ∞ past 2^63, so [0, 0] is a proof that a value is zero for every input.
/// </summary>
readonly record struct Bounds(long Lo, long Hi)
{
    const long NegInf = long.MinValue, PosInf = long.MaxValue;

    /// <summary>Nothing known.</summary>
    public static readonly Bounds Unknown = new(NegInf, PosInf);

    /// <summary>Identically zero.</summary>
    public static readonly Bounds Zero = new(0, 0);

    public bool IsZero => Lo == 0 && Hi == 0;

    /// <summary>The interval of the finite doubles <paramref name="min"/> and <paramref name="max"/>, widened to integers.</summary>
    public static Bounds Of(double min, double max) => new(Narrow(Math.Floor(min)), Narrow(Math.Ceiling(max)));

    public static Bounds operator +(Bounds a, Bounds b) =>
        new(a.Lo == NegInf || b.Lo == NegInf ? NegInf : Clamp((Int128)a.Lo + b.Lo), a.Hi == PosInf || b.Hi == PosInf ? PosInf : Clamp((Int128)a.Hi + b.Hi));

    public static Bounds operator -(Bounds a) => new(a.Hi == PosInf ? NegInf : -a.Hi, a.Lo == NegInf ? PosInf : -a.Lo);

    public static Bounds operator -(Bounds a, Bounds b) => a + -b;

    /// <summary>The products' hull; zero times anything is zero (the values are finite).</summary>
    public static Bounds operator *(Bounds a, Bounds b)
    {
        if (a.IsZero || b.IsZero)
            return Zero;
        Int128[] corners = [Times(a.Lo, b.Lo), Times(a.Lo, b.Hi), Times(a.Hi, b.Lo), Times(a.Hi, b.Hi)];
        return new(Clamp(corners.Min()), Clamp(corners.Max()));
    }

    /// <summary>Integer division truncating toward zero (ONNX's and C's) by a positive divisor; anything else is <see cref="Unknown"/>.</summary>
    public static Bounds operator /(Bounds a, Bounds d)
    {
        if (d.Lo <= 0 || d.Hi == PosInf)
            return Unknown;
        // NOTE: trunc(x / d) grows with x, and for a fixed x moves toward zero as d grows: the corners bound it.
        Int128[] corners = [Quotient(a.Lo, d.Lo), Quotient(a.Lo, d.Hi), Quotient(a.Hi, d.Lo), Quotient(a.Hi, d.Hi)];
        return new(Clamp(corners.Min()), Clamp(corners.Max()));
    }

    /// <summary>The hull of both.</summary>
    public Bounds Union(Bounds other) => new(Math.Min(Lo, other.Lo), Math.Max(Hi, other.Hi));

    /// <summary>clamp(x, lo, hi) for every lo in <paramref name="lo"/>, hi in <paramref name="hi"/>.</summary>
    public Bounds Clip(Bounds lo, Bounds hi) => new(Math.Min(Math.Max(Lo, lo.Lo), hi.Lo), Math.Min(Math.Max(Hi, lo.Hi), hi.Hi));

    public Bounds Relu() => new(Math.Max(Lo, 0), Math.Max(Hi, 0));

    /// <summary>Whether every value lies in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public bool Within(long min, long max) => Lo >= min && Hi <= max;

    static Int128 Times(long x, long y)
    {
        if (x == 0 || y == 0)
            return 0;
        bool infinite = x is NegInf or PosInf || y is NegInf or PosInf;
        return infinite ? (Math.Sign(x) * Math.Sign(y) > 0 ? Int128.MaxValue : Int128.MinValue) : (Int128)x * y;
    }

    static Int128 Quotient(long x, long d) => x is NegInf or PosInf ? x : (Int128)x / d;

    static long Clamp(Int128 v) => v <= NegInf ? NegInf : v >= PosInf ? PosInf : (long)v;

    static long Narrow(double v) => v <= NegInf ? NegInf : v >= PosInf ? PosInf : (long)v;
}
