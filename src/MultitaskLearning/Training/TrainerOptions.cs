using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MultitaskLearning.Training.Aggregation;
using MultitaskLearning.Training.Weighting;
using static TorchSharp.torch;

namespace MultitaskLearning.Training;

/// <summary>Everything <see cref="MultitaskTrainer"/> needs to know; every property has a default. The trainer validates
/// the options when it receives them and reports every problem in one exception.</summary>
public sealed class TrainerOptions
{
    /// <summary>The number of passes over the training data.</summary>
    /// <value>Default 50. At least 1.</value>
    public int Epochs { get; set; } = 50;

    /// <summary>How many samples each step uses.</summary>
    /// <value>Default <see cref="GradientDescentMode.MiniBatch"/>.</value>
    public GradientDescentMode Mode { get; set; } = GradientDescentMode.MiniBatch;

    /// <summary>How steps choose samples when tasks have sample sets of different sizes.</summary>
    /// <value>Default <see cref="Training.TaskSampling.AllInputs"/>.</value>
    public TaskSampling TaskSampling { get; set; } = TaskSampling.AllInputs;

    /// <summary>The temperature τ of <see cref="Training.TaskSampling.Temperature"/> sampling, p_t ∝ n_t^(1/τ).</summary>
    /// <value>Default 2. Finite and &gt; 0.</value>
    public double SamplingTemperature { get; set; } = 2;

    /// <summary>Samples per step in <see cref="GradientDescentMode.MiniBatch"/> mode (per input table, when a model has several).</summary>
    /// <value>Default 32. At least 1.</value>
    public int BatchSize { get; set; } = 32;

    /// <summary>The optimiser.</summary>
    /// <value>Default <see cref="OptimizerKind.Sgd"/>.</value>
    public OptimizerKind Optimizer { get; set; } = OptimizerKind.Sgd;

    /// <summary>The learning rate.</summary>
    /// <value>Default 0.01. Finite and &gt; 0.</value>
    public double LearningRate { get; set; } = 0.01;

    /// <summary>SGD momentum.</summary>
    /// <value>Default 0.9. In [0, 1).</value>
    public double Momentum { get; set; } = 0.9;

    /// <summary>Whether SGD uses Nesterov momentum (needs <see cref="Momentum"/> &gt; 0).</summary>
    /// <value>Default <see langword="false"/>.</value>
    public bool Nesterov { get; set; }

    /// <summary>Weight decay (L2 penalty for SGD and Adam, decoupled for AdamW).</summary>
    /// <value>Default 0. Finite and ≥ 0.</value>
    public double WeightDecay { get; set; }

    /// <summary>The learning-rate schedule.</summary>
    /// <value>Default <see cref="LearningRateSchedule.Constant"/>.</value>
    public LearningRateSchedule Schedule { get; set; } = LearningRateSchedule.Constant;

    /// <summary>Epochs between decays of the step schedule.</summary>
    /// <value>Default 30. At least 1.</value>
    public int StepSize { get; set; } = 30;

    /// <summary>Factor of each decay of the step schedule.</summary>
    /// <value>Default 0.1. In (0, 1].</value>
    public double StepGamma { get; set; } = 0.1;

    /// <summary>The final learning rate of the cosine schedule.</summary>
    /// <value>Default 0. Finite, ≥ 0 and below <see cref="LearningRate"/>.</value>
    public double MinimumLearningRate { get; set; }

    /// <summary>Clip the global gradient norm to this value each step. The summed loss Σ_t α_t L_t of many tasks has a
    /// gradient many times larger than one task's, which makes plain SGD with momentum diverge easily (seen on the
    /// School data with 30 tasks at learning rate 0.01); clipping keeps such runs stable and rarely binds otherwise.</summary>
    /// <value>Default 5. <see langword="null"/> disables clipping; finite and &gt; 0 when set.</value>
    public double? GradientClipNorm { get; set; } = 5;

    /// <summary>How the per-task losses are combined.</summary>
    /// <value>Default <see cref="FixedWeighting"/>: L = Σ_t α_t L_t with the tasks' weights.</value>
    public LossWeighting LossWeighting { get; set; } = new FixedWeighting();

    /// <summary>How per-task gradients of the shared parameters are combined; <see langword="null"/> backpropagates the
    /// weighted total loss directly (one backward pass).</summary>
    /// <value>Default <see langword="null"/>.</value>
    public GradientAggregator? GradientAggregator { get; set; }

    /// <summary>Whether to record the pairwise cosine similarity of the task gradients on the shared parameters (and how
    /// often they conflict) in <see cref="TrainingHistory.TaskRelationships"/>. It takes one backward pass per task per step.</summary>
    /// <value>Default <see langword="false"/>.</value>
    public bool RecordTaskRelationships { get; set; }

    /// <summary>Whether to record the lookahead task affinity of Fifty et al. (NeurIPS 2021) in
    /// <see cref="TrainingHistory.TaskRelationships"/>: how a step on task i's gradient alone changes task j's loss on the
    /// same batch. It costs one backward pass and one extra forward pass per task per step.</summary>
    /// <value>Default <see langword="false"/>.</value>
    public bool RecordTaskAffinity { get; set; }

    /// <summary>Early stopping on validation data.</summary>
    /// <value>Default <see langword="null"/> (train all epochs).</value>
    public EarlyStoppingOptions? EarlyStopping { get; set; }

    /// <summary>Checkpoints during training.</summary>
    /// <value>Default <see langword="null"/> (none).</value>
    public CheckpointOptions? Checkpoints { get; set; }

    /// <summary>Seed of weight initialisation, shuffling, dropout and randomised strategies. The same seed, data and
    /// fixed <see cref="Threads"/> give the same model bit for bit on the same processor, once
    /// <see cref="Runtime.TorchBackend.UseReproducibleMath"/> has been called at start; other processors round
    /// differently.</summary>
    /// <value>Default 0.</value>
    public int Seed { get; set; }

    /// <summary>Whether regression targets are standardised with training statistics (saved with the model) while
    /// training; predictions are always returned in the original units.</summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool StandardizeRegressionTargets { get; set; } = true;

    /// <summary>Learning-rate factor of the shared parameters (encoders, trunk); 0 freezes them, as when training a new
    /// task's head on a trained trunk.</summary>
    /// <value>Default 1. Finite and ≥ 0.</value>
    public double SharedLearningRateFactor { get; set; } = 1;

    /// <summary>The tasks whose own parameters are trained; the others are frozen. <see langword="null"/> trains all.</summary>
    /// <value>Default <see langword="null"/>.</value>
    public IReadOnlyList<string>? TrainableTasks { get; set; }

    /// <summary>Rows per forward pass when evaluating validation data.</summary>
    /// <value>Default 1024. At least 1.</value>
    public int EvaluationBatchSize { get; set; } = 1024;

    /// <summary>The device; <see langword="null"/> for the CPU.</summary>
    /// <value>Default <see langword="null"/>.</value>
    public Device? Device { get; set; }

    /// <summary>Threads used for training: the fused engine's kernel threads and libtorch's intra-op thread count (set
    /// for the duration of Fit, and then a fixed count). <see langword="null"/> lets the fused engine use the cores up
    /// to 4 and lets the autograd engine use libtorch's count, switching to one thread while that is faster because
    /// another process holds a core (libtorch's threads stall when one of them loses its core; see the README's
    /// busy-machine benchmark). Set a count for bitwise-reproducible autograd runs on a busy machine, or 1 for the
    /// least interference with other processes.</summary>
    /// <value>Default <see langword="null"/>. At least 1 when set.</value>
    public int? Threads { get; set; }

    /// <summary>Whether the rows are visited in a new random order every epoch; <see langword="false"/> keeps the data's
    /// order (for reproducing another implementation step by step).</summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool Shuffle { get; set; } = true;

    /// <summary>Whether the last batch of an epoch is skipped when it has fewer than <see cref="BatchSize"/> rows
    /// (PyTorch's <c>drop_last</c>).</summary>
    /// <value>Default <see langword="false"/>.</value>
    public bool DropLastPartialBatch { get; set; }

    /// <summary>How steps are computed: the general TorchSharp autograd engine or the fused engine for dense shared-trunk
    /// models (see <see cref="TrainingEngine"/>).</summary>
    /// <value>Default <see cref="TrainingEngine.Automatic"/>.</value>
    public TrainingEngine Engine { get; set; } = TrainingEngine.Automatic;

    /// <summary>Where the per-task gradients that <see cref="GradientAggregator"/> combines are taken: with respect to
    /// the shared parameters (exact, one backward pass per task) or to the shared representation (one backward pass in
    /// all; valid for aggregators that only produce task weights, such as MGDA's upper bound).</summary>
    /// <value>Default <see cref="AggregationSpace.SharedParameters"/>.</value>
    public AggregationSpace AggregationSpace { get; set; } = AggregationSpace.SharedParameters;

    /// <summary>A checkpoint to continue from: a checkpoint file (<c>epoch-NNNN.mtl</c> written with
    /// <see cref="Checkpoints"/>), or a checkpoint folder, from which the checkpoint of the highest epoch is taken — or,
    /// when the folder has none or does not exist yet, training starts from the beginning (so one command both starts
    /// and restarts a job). The run continues exactly where the checkpoint was written: parameters, optimiser state,
    /// schedule, counters, data order, strategy state, early stopping and history; the options, the model definition
    /// and the training data must be those of the original run (checked; a difference is an
    /// <see cref="ArgumentException"/> that names it).</summary>
    /// <value>Default <see langword="null"/> (start a new run).</value>
    public string? ResumeFrom { get; set; }

    /// <summary>Receives what the trainer decides and does: the engine chosen and why, fused-engine fallbacks, thread
    /// switches of the contention guard, checkpoints written, resume points, divergence.</summary>
    /// <value>Default <see cref="NullLogger.Instance"/> (nothing is logged).</value>
    public ILogger Logger { get; set; } = NullLogger.Instance;

    /// <summary>Receives reports within epochs — the step, the epoch's running training loss and the elapsed time (see
    /// <see cref="TrainingStepProgress"/>) — so that a progress bar can move step by step and show the time left; the
    /// per-epoch reports go to the <c>progress</c> argument of Fit. Reports come on the training thread after the last
    /// step of every epoch, and after other steps once <see cref="StepProgressInterval"/> has passed since the previous
    /// report. Training computes the same with and without it (the reports only pass on sums the trainer keeps anyway).</summary>
    /// <value>Default <see langword="null"/> (no reports within epochs).</value>
    public IProgress<TrainingStepProgress>? StepProgress { get; set; }

    /// <summary>The least wall time between two reports to <see cref="StepProgress"/> within an epoch (the last step of
    /// an epoch is always reported). <see cref="TimeSpan.Zero"/> reports every step.</summary>
    /// <value>Default 100 ms. At least <see cref="TimeSpan.Zero"/>.</value>
    public TimeSpan StepProgressInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Checks every property and throws one exception listing every problem.</summary>
    /// <exception cref="ArgumentException">Some properties are out of range.</exception>
    public void Validate()
    {
        var errors = new List<string>();
        void Check(bool ok, string property, string range, object? value)
        {
            if (!ok)
            {
                errors.Add($"{property} must be {range}. Got {value ?? "null"} instead.");
            }
        }

        Check(Epochs >= 1, nameof(Epochs), ">= 1", Epochs);
        Check(Enum.IsDefined(Mode), nameof(Mode), "a defined mode", Mode);
        Check(BatchSize >= 1, nameof(BatchSize), ">= 1", BatchSize);
        Check(Enum.IsDefined(TaskSampling), nameof(TaskSampling), "a defined sampling", TaskSampling);
        Check(double.IsFinite(SamplingTemperature) && SamplingTemperature > 0, nameof(SamplingTemperature), "finite and > 0", SamplingTemperature);
        Check(Enum.IsDefined(Optimizer), nameof(Optimizer), "a defined optimiser", Optimizer);
        Check(double.IsFinite(LearningRate) && LearningRate > 0, nameof(LearningRate), "finite and > 0", LearningRate);
        Check(Momentum >= 0 && Momentum < 1, nameof(Momentum), "in [0, 1)", Momentum);
        Check(!Nesterov || Momentum > 0, nameof(Nesterov), "false when Momentum is 0", Nesterov);
        Check(double.IsFinite(WeightDecay) && WeightDecay >= 0, nameof(WeightDecay), "finite and >= 0", WeightDecay);
        Check(Enum.IsDefined(Schedule), nameof(Schedule), "a defined schedule", Schedule);
        Check(StepSize >= 1, nameof(StepSize), ">= 1", StepSize);
        Check(StepGamma > 0 && StepGamma <= 1, nameof(StepGamma), "in (0, 1]", StepGamma);
        Check(double.IsFinite(MinimumLearningRate) && MinimumLearningRate >= 0 && MinimumLearningRate < LearningRate, nameof(MinimumLearningRate), "finite, >= 0 and below LearningRate", MinimumLearningRate);
        Check(GradientClipNorm is null || (double.IsFinite(GradientClipNorm.Value) && GradientClipNorm > 0), nameof(GradientClipNorm), "null or finite and > 0", GradientClipNorm);
        Check(LossWeighting is not null, nameof(LossWeighting), "set", LossWeighting);
        Check(Logger is not null, nameof(Logger), "set (NullLogger.Instance logs nothing)", Logger);
        Check(StepProgressInterval >= TimeSpan.Zero, nameof(StepProgressInterval), ">= 0", StepProgressInterval);
        Check(ResumeFrom is null || !string.IsNullOrWhiteSpace(ResumeFrom), nameof(ResumeFrom), "null or a path", ResumeFrom);
        Check(double.IsFinite(SharedLearningRateFactor) && SharedLearningRateFactor >= 0, nameof(SharedLearningRateFactor), "finite and >= 0", SharedLearningRateFactor);
        Check(EvaluationBatchSize >= 1, nameof(EvaluationBatchSize), ">= 1", EvaluationBatchSize);
        Check(Threads is null || Threads >= 1, nameof(Threads), "null or >= 1", Threads);
        Check(Enum.IsDefined(Engine), nameof(Engine), "a defined engine", Engine);
        Check(Enum.IsDefined(AggregationSpace), nameof(AggregationSpace), "a defined space", AggregationSpace);
        Check(
            AggregationSpace == AggregationSpace.SharedParameters || GradientAggregator is null || GradientAggregator.SupportsRepresentationGradients,
            nameof(AggregationSpace),
            $"SharedParameters for aggregator '{GradientAggregator?.Name}' (only aggregators that output task weights valid on representation gradients, such as MGDA, support SharedRepresentation)",
            AggregationSpace);
        if (EarlyStopping is { } early)
        {
            Check(early.Patience >= 1, "EarlyStopping.Patience", ">= 1", early.Patience);
            Check(double.IsFinite(early.MinDelta) && early.MinDelta >= 0, "EarlyStopping.MinDelta", "finite and >= 0", early.MinDelta);
            Check(early.Monitor is not null, "EarlyStopping.Monitor", "set", early.Monitor);
        }

        if (Checkpoints is { } checkpoints)
        {
            Check(checkpoints.EveryEpochs >= 0, "Checkpoints.EveryEpochs", ">= 0", checkpoints.EveryEpochs);
            Check(checkpoints.Keep >= 1, "Checkpoints.Keep", ">= 1", checkpoints.Keep);
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid trainer options: " + string.Join(" ", errors));
        }
    }
}
