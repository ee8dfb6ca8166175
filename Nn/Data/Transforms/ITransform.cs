namespace QSparse.Nn.Data;

/// <summary>A transform of one example; a random one draws its choices from the example's <see cref="SampleRandom"/>.</summary>
/// <typeparam name="TIn">The example it takes.</typeparam>
/// <typeparam name="TOut">The example it gives.</typeparam>
public interface ITransform<in TIn, out TOut>
{
    /// <summary>Transforms <paramref name="input"/>, which it never modifies (it may return it when there is nothing to do).</summary>
    TOut Apply(TIn input, SampleRandom random);
}
