namespace MultitaskLearning.Audio;

/// <summary>The orthonormal DCT-II used for MFCCs: c_k = s_k Σ_n x_n cos(π k (2n + 1) / (2N)), s_0 = √(1/N), s_k = √(2/N)
/// (scipy's <c>dct(type=2, norm="ortho")</c>).</summary>
public static class DiscreteCosineTransform
{
    /// <summary>The first <paramref name="coefficients"/> rows of the N × N orthonormal DCT-II matrix.</summary>
    /// <param name="coefficients">Rows to keep.</param>
    /// <param name="size">N.</param>
    /// <returns>The matrix [k][n].</returns>
    public static double[][] Matrix(int coefficients, int size)
    {
        var matrix = new double[coefficients][];
        for (var k = 0; k < coefficients; k++)
        {
            matrix[k] = new double[size];
            var scale = k == 0 ? Math.Sqrt(1.0 / size) : Math.Sqrt(2.0 / size);
            for (var n = 0; n < size; n++)
            {
                matrix[k][n] = scale * Math.Cos(Math.PI * k * ((2 * n) + 1) / (2.0 * size));
            }
        }

        return matrix;
    }
}
