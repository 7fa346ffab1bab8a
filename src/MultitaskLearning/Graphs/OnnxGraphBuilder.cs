using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;
using static TorchSharp.torch;

namespace MultitaskLearning.Graphs;

/// <summary>
/// Assembles an ONNX graph (the official protobuf schema, through OnnxSharp's generated classes) one operator at a
/// time: weights become initializers, every node gets a fresh output name, and the graph's inputs and outputs are
/// declared with their element types and shapes. The modules of a network add their own operators through it, next to
/// the TorchSharp code they mirror.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    /// <summary>The operator set the graph is written for (the default ONNX domain).</summary>
    public const int OperatorSet = 17;

    /// <summary>ONNX IR version 8, the one that goes with opset 17.</summary>
    public const long IrVersion = 8;

    private readonly GraphProto graph;
    private readonly HashSet<string> names = new(StringComparer.Ordinal);
    private readonly HashSet<string> reserved = new(StringComparer.Ordinal);
    private int counter;

    /// <summary>Starts an empty graph.</summary>
    /// <param name="name">The graph's name.</param>
    public OnnxGraphBuilder(string name)
    {
        graph = new GraphProto { Name = name };
    }

    /// <summary>Reserves the names of the graph's inputs and outputs before any operator is added, so that no
    /// operator output takes one of them.</summary>
    /// <param name="what">What the names are (for the error message).</param>
    /// <param name="publicNames">The names.</param>
    /// <exception cref="ArgumentException">A name is used twice.</exception>
    public void Reserve(string what, IEnumerable<string> publicNames)
    {
        foreach (var name in publicNames)
        {
            if (!names.Add(name))
            {
                throw new ArgumentException($"The ONNX graph would have two values named '{name}' ({what}); graph inputs and outputs need distinct names.");
            }

            reserved.Add(name);
        }
    }

    /// <summary>Declares a float32 graph input.</summary>
    /// <param name="name">The input's name.</param>
    /// <param name="batchDimension">The symbolic name of the first (batch) dimension.</param>
    /// <param name="sampleShape">The fixed dimensions after it.</param>
    /// <returns><paramref name="name"/>.</returns>
    public string AddInput(string name, string batchDimension, IEnumerable<int> sampleShape)
    {
        Claim(name);
        graph.Input.Add(ValueInfo(name, TensorProto.Types.DataType.Float, batchDimension, sampleShape));
        return name;
    }

    /// <summary>Declares a graph output produced by an Identity of <paramref name="value"/>, so that it carries the given name.</summary>
    /// <param name="name">The output's name.</param>
    /// <param name="value">The value it reports.</param>
    /// <param name="type">Its element type.</param>
    /// <param name="batchDimension">The symbolic batch dimension.</param>
    /// <param name="trailingShape">The fixed dimensions after the batch dimension (empty for a vector).</param>
    public void AddOutput(string name, string value, TensorProto.Types.DataType type, string batchDimension, IEnumerable<int> trailingShape)
    {
        Claim(name);
        graph.Node.Add(new NodeProto { OpType = "Identity", Name = $"output_{name}", Input = { value }, Output = { name } });
        graph.Output.Add(ValueInfo(name, type, batchDimension, trailingShape));
    }

    /// <summary>Adds a float32 initializer with the given shape.</summary>
    /// <param name="hint">A readable prefix for its name.</param>
    /// <param name="values">Its values, row-major.</param>
    /// <param name="dimensions">Its shape.</param>
    /// <returns>The initializer's name.</returns>
    public string Constant(string hint, ReadOnlySpan<float> values, params long[] dimensions)
    {
        CheckSize(hint, values.Length, dimensions);
        var tensor = new TensorProto { Name = Fresh(hint), DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values)) };
        tensor.Dims.AddRange(dimensions);
        graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>Adds an int64 initializer with the given shape (indices, axes, shapes).</summary>
    /// <param name="hint">A readable prefix for its name.</param>
    /// <param name="values">Its values.</param>
    /// <param name="dimensions">Its shape.</param>
    /// <returns>The initializer's name.</returns>
    public string Constant(string hint, ReadOnlySpan<long> values, params long[] dimensions)
    {
        CheckSize(hint, values.Length, dimensions);
        var tensor = new TensorProto { Name = Fresh(hint), DataType = (int)TensorProto.Types.DataType.Int64, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values)) };
        tensor.Dims.AddRange(dimensions);
        graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>Adds an int64 vector initializer (for axes, indices and shapes).</summary>
    /// <param name="hint">A readable prefix for its name.</param>
    /// <param name="values">Its values.</param>
    /// <returns>The initializer's name.</returns>
    public string Vector(string hint, params long[] values) => Constant(hint, values, values.Length);

    /// <summary>Adds a float32 scalar initializer.</summary>
    /// <param name="hint">A readable prefix for its name.</param>
    /// <param name="value">Its value.</param>
    /// <returns>The initializer's name.</returns>
    public string Scalar(string hint, float value) => Constant(hint, [value]);

    /// <summary>Adds a TorchSharp tensor (for example a parameter) as a float32 initializer of the same shape.</summary>
    /// <param name="hint">A readable prefix for its name.</param>
    /// <param name="value">The tensor; it is copied, not kept.</param>
    /// <returns>The initializer's name.</returns>
    public string Weight(string hint, Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.dtype != ScalarType.Float32)
        {
            throw new ArgumentException($"'{hint}' is a {value.dtype} tensor; ONNX export writes float32 weights.", nameof(value));
        }

        using var contiguous = value.detach().cpu().contiguous();
        return Constant(hint, contiguous.data<float>().ToArray(), contiguous.shape);
    }

    /// <summary>Adds an operator of the default domain with one output.</summary>
    /// <param name="operatorType">The ONNX operator (for example <c>Gemm</c>).</param>
    /// <param name="inputs">The names of its inputs, in the operator's order.</param>
    /// <param name="attributes">Its attributes.</param>
    /// <returns>The name of its output.</returns>
    public string Node(string operatorType, string[] inputs, params AttributeProto[] attributes)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var output = Fresh(operatorType.ToLowerInvariant());
        var node = new NodeProto { OpType = operatorType, Name = $"{output}_node", Output = { output } };
        node.Input.AddRange(inputs);
        node.Attribute.AddRange(attributes);
        graph.Node.Add(node);
        return output;
    }

    /// <summary>An integer attribute.</summary>
    /// <param name="name">The attribute's name.</param>
    /// <param name="value">Its value.</param>
    /// <returns>The attribute.</returns>
    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>An integer-list attribute.</summary>
    /// <param name="name">The attribute's name.</param>
    /// <param name="values">Its values.</param>
    /// <returns>The attribute.</returns>
    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    /// <summary>A string attribute.</summary>
    /// <param name="name">The attribute's name.</param>
    /// <param name="value">Its value.</param>
    /// <returns>The attribute.</returns>
    public static AttributeProto Text(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    /// <summary>Wraps the graph in a model with the operator set import, producer and metadata.</summary>
    /// <param name="producerVersion">The library version that wrote it.</param>
    /// <param name="documentation">The model's doc string.</param>
    /// <param name="metadata">Key/value metadata (for example label vocabularies).</param>
    /// <returns>The model.</returns>
    public ModelProto ToModel(string producerVersion, string documentation, IEnumerable<KeyValuePair<string, string>> metadata)
    {
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "MultitaskLearning",
            ProducerVersion = producerVersion,
            DocString = documentation,
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = OperatorSet });
        foreach (var (key, value) in metadata)
        {
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }

        return model;
    }

    private static ValueInfoProto ValueInfo(string name, TensorProto.Types.DataType type, string batchDimension, IEnumerable<int> trailingShape)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = batchDimension });
        foreach (var size in trailingShape)
        {
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = size });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }

    private static void CheckSize(string hint, int count, long[] dimensions)
    {
        var expected = dimensions.Aggregate(1L, (a, b) => a * b);
        if (expected != count)
        {
            throw new ArgumentException($"'{hint}': {count} values do not fill the shape [{string.Join(", ", dimensions)}].");
        }
    }

    private void Claim(string name)
    {
        if (!reserved.Remove(name) && !names.Add(name))
        {
            throw new InvalidOperationException($"The ONNX graph already has a value named '{name}'; graph inputs and outputs need distinct names.");
        }
    }

    private string Fresh(string hint)
    {
        string name;
        do
        {
            name = $"{hint}_{counter++}";
        }
        while (!names.Add(name));
        return name;
    }
}
