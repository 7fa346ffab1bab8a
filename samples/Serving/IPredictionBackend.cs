namespace MultitaskLearning.Samples.Serving;

/// <summary>A way of running a saved model: the library's predictor or ONNX Runtime. Implementations are safe to call
/// from several requests at once.</summary>
public interface IPredictionBackend : IDisposable
{
    /// <summary>The model's inputs and tasks, and the back end's name.</summary>
    ModelDescription Description { get; }

    /// <summary>Predicts every task that reads an input, for a batch of samples.</summary>
    /// <param name="inputName">A name from <see cref="ModelDescription.Inputs"/>.</param>
    /// <param name="samples">Samples of the input's sample size, already checked (missing values are NaN, and only
    /// where the input accepts them).</param>
    /// <returns>Per sample, the prediction of each task by task name.</returns>
    IReadOnlyList<IReadOnlyDictionary<string, TaskResult>> Predict(string inputName, IReadOnlyList<float[]> samples);
}
