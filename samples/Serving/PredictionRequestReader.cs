using System.Globalization;
using System.Text.Json;

namespace MultitaskLearning.Samples.Serving;

/// <summary>Reads and checks a <c>POST /predict</c> body against the model's inputs and the server's limits. Every
/// problem is reported under the name of the field that has it (<c>body</c>, <c>input</c>, <c>samples</c>,
/// <c>samples[2]</c>, <c>samples[2][7]</c>, <c>sample[7]</c>, or an unknown field's name).</summary>
internal static class PredictionRequestReader
{
    private const int MaxErrors = 20;

    /// <summary>Reads the body.</summary>
    /// <param name="request">The HTTP request.</param>
    /// <param name="model">The served model.</param>
    /// <param name="options">The limits.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The request, or the errors by field name.</returns>
    public static async Task<(PredictionRequest? Request, Dictionary<string, string[]> Errors)> ReadAsync(
        HttpRequest request, ModelDescription model, ServingOptions options, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var body = await ReadBodyAsync(request, options.MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            errors["body"] = [string.Create(CultureInfo.InvariantCulture, $"The body is larger than the limit of {options.MaxBodyBytes} bytes (Serving:MaxBodyBytes); send fewer samples per request.")];
            return (null, errors);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException ex)
        {
            errors["body"] = [$"The body is not valid JSON: {ex.Message}"];
            return (null, errors);
        }

        using (document)
        {
            return (Check(document.RootElement, model, options, errors), errors);
        }
    }

    private static PredictionRequest? Check(JsonElement root, ModelDescription model, ServingOptions options, Dictionary<string, string[]> errors)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            errors["body"] = [$"The body must be a JSON object with fields input and samples (or sample); got a JSON {Describe(root.ValueKind)}."];
            return null;
        }

        JsonElement? inputField = null, samplesField = null, sampleField = null;
        foreach (var property in root.EnumerateObject())
        {
            switch (property.Name)
            {
                case "input": inputField = property.Value; break;
                case "samples": samplesField = property.Value; break;
                case "sample": sampleField = property.Value; break;
                default: errors[property.Name] = ["Unknown field; the fields are input, samples and sample."]; break;
            }
        }

        var input = CheckInput(inputField, model, errors);
        if (samplesField is not null && sampleField is not null)
        {
            errors["sample"] = ["Give either samples (an array of samples) or sample (one sample), not both."];
            return null;
        }

        if (samplesField is null && sampleField is null)
        {
            errors["samples"] = ["The field is required: an array of samples, each an array of the input's values (or give one sample as sample)."];
            return null;
        }

        var samples = new List<float[]>();
        if (sampleField is { } single)
        {
            var sample = CheckSample(single, "sample", input, errors);
            if (sample is not null)
            {
                samples.Add(sample);
            }
        }
        else
        {
            var array = samplesField!.Value;
            if (array.ValueKind != JsonValueKind.Array)
            {
                errors["samples"] = [$"Must be an array of samples; got a JSON {Describe(array.ValueKind)}."];
                return null;
            }

            var count = array.GetArrayLength();
            if (count == 0)
            {
                errors["samples"] = ["Must hold at least one sample."];
                return null;
            }

            if (count > options.MaxSamples)
            {
                errors["samples"] = [string.Create(CultureInfo.InvariantCulture, $"Holds {count} samples; the limit is {options.MaxSamples} per request (Serving:MaxSamples).")];
                return null;
            }

            var index = 0;
            foreach (var element in array.EnumerateArray())
            {
                var sample = CheckSample(element, string.Create(CultureInfo.InvariantCulture, $"samples[{index}]"), input, errors);
                if (sample is not null)
                {
                    samples.Add(sample);
                }

                if (errors.Count >= MaxErrors)
                {
                    break;
                }

                index++;
            }
        }

        return errors.Count == 0 && input is not null ? new PredictionRequest(input.Name, samples) : null;
    }

    private static InputDescription? CheckInput(JsonElement? field, ModelDescription model, Dictionary<string, string[]> errors)
    {
        var names = string.Join(", ", model.Inputs.Select(i => i.Name));
        if (field is null)
        {
            if (model.Inputs.Count == 1)
            {
                return model.Inputs[0];
            }

            errors["input"] = [$"The model has {model.Inputs.Count} inputs ({names}); name the one the samples are for."];
            return null;
        }

        if (field.Value.ValueKind != JsonValueKind.String)
        {
            errors["input"] = [$"Must be the name of an input ({names}); got a JSON {Describe(field.Value.ValueKind)}."];
            return null;
        }

        var name = field.Value.GetString();
        var input = model.Inputs.FirstOrDefault(i => i.Name == name);
        if (input is null)
        {
            errors["input"] = [$"Unknown input '{name}'; the model's inputs are {names}."];
        }

        return input;
    }

    /// <summary>Checks one sample; <paramref name="input"/> is null when the input is unknown (then only the sample's
    /// form is checked).</summary>
    private static float[]? CheckSample(JsonElement element, string field, InputDescription? input, Dictionary<string, string[]> errors)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            errors[field] = [$"Must be an array of numbers (the sample's values, flattened row-major); got a JSON {Describe(element.ValueKind)}."];
            return null;
        }

        var length = element.GetArrayLength();
        if (input is null)
        {
            return null;
        }

        if (length != input.SampleSize)
        {
            errors[field] = [string.Create(CultureInfo.InvariantCulture,
                $"Has {length} values; input '{input.Name}' takes {input.SampleSize} (shape [{string.Join(", ", input.Shape)}], flattened row-major).")];
            return null;
        }

        var values = new float[length];
        var j = 0;
        foreach (var value in element.EnumerateArray())
        {
            var valueField = string.Create(CultureInfo.InvariantCulture, $"{field}[{j}]");
            switch (value.ValueKind)
            {
                case JsonValueKind.Number:
                    if (!value.TryGetSingle(out var number) || !float.IsFinite(number))
                    {
                        errors[valueField] = [$"{value.GetRawText()} is not a finite 32-bit float (its magnitude must stay below 3.4e38)."];
                        return null;
                    }

                    values[j] = number;
                    break;
                case JsonValueKind.Null when input.AcceptsMissingValues:
                    values[j] = float.NaN;
                    break;
                case JsonValueKind.Null:
                    errors[valueField] = [$"Is null (a missing value), but input '{input.Name}' does not fill in missing values; give a number."];
                    return null;
                default:
                    errors[valueField] = [$"Must be a finite number; got a JSON {Describe(value.ValueKind)}{(value.ValueKind == JsonValueKind.String ? $" ({value.GetRawText()})" : string.Empty)}."];
                    return null;
            }

            j++;
        }

        return values;
    }

    /// <summary>Reads the whole body, or returns null when it is larger than the limit.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => "value",
    };
}
