namespace QSparse.Nn;

/// <summary>
/// Where modules and tensors go when no device or generator is named: the device picked by
/// QSPARSE_DEVICE (else auto) and a generator seeded with 0. Set both at program start.
/// </summary>
public static class Defaults
{
    static Device? device;

    public static Device Device
    {
        get => device ??= Device.Open();
        set => device = value;
    }

    public static Generator Generator { get; set; } = new(0);
}
