using ILGPU;
using ILGPU.Algorithms;

namespace QSparse.Kernels;

/// <summary>
/// Float functions the activation op structs share, written to stay finite for every finite input (no inf/inf,
/// no exp overflow) and accurate to a few ulp: they run inside kernels on every accelerator, where
/// XMath's forms are not guaranteed to be either.
/// </summary>
public static class ActivationMath
{
    /// <summary>tanh(x): an odd polynomial near 0 (Cephes tanhf), 1 - 2/(exp(2|x|) + 1) elsewhere, which tends to ±1 without overflow.</summary>
    public static float Tanh(float x)
    {
        float a = XMath.Abs(x);
        if (a < 0.625f)
        {
            float z = x * x;
            return x + x * z * ((((-5.70498872745e-3f * z + 2.06390887954e-2f) * z - 5.37397155531e-2f) * z
                + 1.33314422036e-1f) * z - 3.33332819422e-1f);
        }
        // NOTE: exp(2a) may be +inf for a > 44; 2/(inf + 1) is then 0, so the result is exactly ±1.
        float t = 1f - 2f / (XMath.Exp(2f * a) + 1f);
        return x < 0f ? -t : t;
    }

    /// <summary>1 / (1 + exp(-x)), with exp taken of -|x| only so it never overflows.</summary>
    public static float Sigmoid(float x)
    {
        float e = XMath.Exp(-XMath.Abs(x));
        return x >= 0f ? 1f / (1f + e) : e / (1f + e);
    }

    /// <summary>Φ(x) = (1 + erf(x/√2)) / 2, the standard normal CDF; in the left tail as erfc(|x|/√2)/2, keeping its relative accuracy.</summary>
    public static float NormalCdf(float x)
    {
        float u = x * 0.70710678118654752f;
        if (u >= -0.84375f) return 0.5f * (1f + Erf(u));
        // NOTE: erfc(a) changes by 2a² times the relative change of a: the rounding of x/√2 alone would cost 70 ulp
        // at x = -12, so exp(-a²) is taken of x²/2 split exactly instead.
        return 0.5f * (u > -1.25f ? Erfc1(-u) : ErfcTail(-u, -x, 0.5f));
    }

    /// <summary>The standard normal density exp(-x²/2)/√(2π).</summary>
    public static float NormalPdf(float x) => 0.39894228040143268f * XMath.Exp(-0.5f * x * x);

    // The rational approximations below are those of Sun's fdlibm s_erff.c (as in FreeBSD msun and musl):
    // Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved. Developed at SunPro, a Sun Microsystems,
    // Inc. business. Permission to use, copy, modify, and distribute this software is freely granted, provided
    // that this notice is preserved.

    /// <summary>erf(x), within about 1 ulp (fdlibm's erff).</summary>
    public static float Erf(float x)
    {
        float a = XMath.Abs(x);
        float r;
        if (a < 0.84375f)
        {
            float z = x * x;
            float p = 1.2837916613e-01f + z * (-3.2504209876e-01f + z * (-2.8481749818e-02f + z * (-5.7702702470e-03f + z * -2.3763017452e-05f)));
            float q = 1f + z * (3.9791721106e-01f + z * (6.5022252500e-02f + z * (5.0813062117e-03f + z * (1.3249473704e-04f + z * -3.9602282413e-06f))));
            return x + x * (p / q);
        }
        if (a < 1.25f) r = Erx + NearOne(a);
        else if (a >= 6f) r = 1f;
        else r = 1f - ErfcTail(a, a, 1f);
        return x < 0f ? -r : r;
    }

    /// <summary>erf(1) rounded to float precision and then some: erf = Erx + <see cref="NearOne"/> near 1.</summary>
    const float Erx = 8.4506291151e-01f;

    /// <summary>erfc(a) on [0.84375, 1.25).</summary>
    static float Erfc1(float a) => 1f - Erx - NearOne(a);

    /// <summary>erf(a) - Erx on [0.84375, 1.25) (fdlibm's expansion around 1).</summary>
    static float NearOne(float a)
    {
        float s = a - 1f;
        float p = -2.3621185683e-03f + s * (4.1485610604e-01f + s * (-3.7220788002e-01f + s * (3.1834661961e-01f
            + s * (-1.1089469492e-01f + s * (3.5478305072e-02f + s * -2.1663755178e-03f)))));
        float q = 1f + s * (1.0642088205e-01f + s * (5.4039794207e-01f + s * (7.1828655899e-02f
            + s * (1.2617121637e-01f + s * (1.3637083583e-02f + s * 1.1984500103e-02f)))));
        return p / q;
    }

    /// <summary>
    /// erfc(a) for a ≥ 1.25 (0 beyond 28, where it underflows anyway), where a² = <paramref name="scale"/>·t² with
    /// <paramref name="t"/> exact and <paramref name="scale"/> a power of two: a itself may be rounded.
    /// </summary>
    static float ErfcTail(float a, float t, float scale)
    {
        if (a >= 28f) return 0f;
        float s = 1f / (a * a), rs;
        if (a < 2.85714285f)
        {
            float r = -9.8649440333e-03f + s * (-6.9385856390e-01f + s * (-1.0558626175e+01f + s * (-6.2375331879e+01f
                + s * (-1.6239666748e+02f + s * (-1.8460508728e+02f + s * (-8.1287437439e+01f + s * -9.8143291473e+00f))))));
            float q = 1f + s * (1.9651271820e+01f + s * (1.3765776062e+02f + s * (4.3456588745e+02f + s * (6.4538726807e+02f
                + s * (4.2900814819e+02f + s * (1.0863500214e+02f + s * (6.5702495575e+00f + s * -6.0424413532e-02f)))))));
            rs = r / q;
        }
        else
        {
            float r = -9.8649431020e-03f + s * (-7.9928326607e-01f + s * (-1.7757955551e+01f + s * (-1.6063638306e+02f
                + s * (-6.3756646729e+02f + s * (-1.0250950928e+03f + s * -4.8351919556e+02f)))));
            float q = 1f + s * (3.0338060379e+01f + s * (3.2579251099e+02f + s * (1.5367296143e+03f + s * (3.1998581543e+03f
                + s * (2.5530502930e+03f + s * (4.7452853394e+02f + s * -2.2440952301e+01f))))));
            rs = r / q;
        }
        // NOTE: exp(-a²) is taken as exp(-s·z²)·exp(s·(z - t)(z + t)) with z = t cut to 12 mantissa bits, so z² is
        // exact and the large exponent loses no bits.
        float z = Interop.IntAsFloat(Interop.FloatAsInt(t) & 0xfffff000u);
        return XMath.Exp(-scale * z * z - 0.5625f) * XMath.Exp(scale * (z - t) * (z + t) + rs) / a;
    }
}
