namespace QSparse.Kernels;

/// <summary>
/// One axis of a pad: <see cref="In"/> positions with <see cref="Before"/> added in front and after added behind
/// (<see cref="Out"/> in all). A negative count crops (constant mode only).
/// </summary>
public readonly struct PadAxis(int input, int before, int after)
{
    public readonly int In = input, Before = before, Out = input + before + after;

    /// <summary>The most output runs that read one input position (<see cref="Readers"/>): itself and two reflections.</summary>
    public const int Parts = 3;

    /// <summary>The input position output <paramref name="o"/> reads, or -1 for the constant border.</summary>
    public int Source(int o, PadMode mode)
    {
        int i = o - Before;
        if (mode == PadMode.Reflect)
            return i < 0 ? -i : i >= In ? 2 * (In - 1) - i : i;
        if (mode == PadMode.Replicate)
            return i < 0 ? 0 : i >= In ? In - 1 : i;
        return i >= 0 && i < In ? i : -1;
    }

    /// <summary>
    /// Run <paramref name="part"/> (of <see cref="Parts"/>) of the outputs [start, end) that read input <paramref name="i"/>:
    /// part 0 its own position (replicate: with the whole border at an edge), parts 1 and 2 its mirror images in the
    /// front and back borders (reflect only). Empty runs have start ≥ end.
    /// </summary>
    public void Readers(int i, PadMode mode, int part, out int start, out int end)
    {
        start = 0;
        end = 0;
        if (part == 0)
        {
            start = mode == PadMode.Replicate && i == 0 ? 0 : i + Before;
            end = mode == PadMode.Replicate && i == In - 1 ? Out : i + Before + 1;
            if (start < 0) start = 0;
            if (end > Out) end = Out;
        }
        else if (mode == PadMode.Reflect && part == 1 && i >= 1 && Before - i >= 0)
        {
            start = Before - i;
            end = start + 1;
        }
        else if (mode == PadMode.Reflect && part == 2 && i <= In - 2 && Before + 2 * (In - 1) - i < Out)
        {
            start = Before + 2 * (In - 1) - i;
            end = start + 1;
        }
    }
}
