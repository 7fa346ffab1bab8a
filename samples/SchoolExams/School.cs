namespace MultitaskLearning.Samples.SchoolExams;

/// <summary>One school's rows for one split, features already standardised with the school's training rows.</summary>
/// <param name="Name">The task name, <c>school-N</c>.</param>
/// <param name="TrainFeatures">Training rows × 27 features.</param>
/// <param name="TrainScores">Training exam scores.</param>
/// <param name="TestFeatures">Test rows × 27 features.</param>
/// <param name="TestScores">Test exam scores.</param>
internal sealed record School(string Name, float[][] TrainFeatures, double[] TrainScores, float[][] TestFeatures, double[] TestScores);
