using Microsoft.ML.Data;

namespace MultitaskLearning.ML.Tests;

/// <summary>One student of the School data as an ML.NET row: 22 features (exam year, school intake, ethnic group,
/// school type; the student's gender and VR band are tasks, not features) and three labels.</summary>
public sealed class Student
{
    /// <summary>The features.</summary>
    [VectorType(Students.FeatureCount)]
    public float[] Features { get; set; } = [];

    /// <summary>The exam score (regression); NaN when missing.</summary>
    public float Score { get; set; }

    /// <summary>The VR band "VR1", "VR2" or "VR3" (multiclass); empty when missing.</summary>
    public string Band { get; set; } = "";

    /// <summary>1 for a girl, 0 for a boy (binary); NaN when missing.</summary>
    public float Girl { get; set; }
}
