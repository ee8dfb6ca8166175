using ILGPU;
using ILGPU.Runtime;

namespace QSparse.Kernels;

/// <summary>
/// Random selection keys for the entries of a bool mask that are still on: a salted bijective hash of
/// the index (MurmurHash3's finaliser, twice), so on entries never tie and selecting the m smallest
/// picks exactly m of them; entries already off get the largest key.
/// </summary>
public readonly struct RandomMaskKeys(ArrayView<byte> mask, uint salt1, uint salt2) : ISelectKeys
{
    readonly ArrayView<byte> mask = mask;
    readonly uint salt1 = salt1, salt2 = salt2;

    public uint Key(int i) => mask[i] != 0 ? Mix(Mix((uint)i + salt1) ^ salt2) : 0xFFFFFFFFu;

    static uint Mix(uint h)
    {
        h ^= h >> 16;
        h *= 0x85EBCA6Bu;
        h ^= h >> 13;
        h *= 0xC2B2AE35u;
        return h ^ (h >> 16);
    }
}
