namespace QSparse.Kernels;

/// <summary>One thread's quads of a slice in flight from global to shared memory (registers: the double buffering's prefetch).</summary>
internal struct TileStage
{
    public Float4 Q0, Q1;
}
