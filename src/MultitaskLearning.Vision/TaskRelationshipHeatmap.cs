using System.Globalization;
using MultitaskLearning.Training;
using SkiaSharp;

namespace MultitaskLearning.Vision;

/// <summary>Draws a <see cref="TaskRelationships"/> matrix as a PNG heatmap: blue for agreeing tasks (cosine +1),
/// white for unrelated (0), red for conflicting (−1), each cell labelled with its value.</summary>
public static class TaskRelationshipHeatmap
{
    /// <summary>Writes the mean-cosine heatmap, atomically (a temporary file is moved into place).</summary>
    /// <param name="relationships">The recorded relationships.</param>
    /// <param name="path">The PNG file.</param>
    /// <param name="cellSize">Pixels per cell.</param>
    public static void WritePng(TaskRelationships relationships, string path, int cellSize = 64)
    {
        ArgumentNullException.ThrowIfNull(relationships);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var bitmap = Draw(relationships, cellSize);
        var full = Path.GetFullPath(path);
        var temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = File.Create(temporary))
            {
                Encode(bitmap, file);
            }

            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>Writes the mean-cosine heatmap as PNG bytes to a stream (a blob store, a network response), from its
    /// current position. The stream is left open (the library never disposes a stream it is given); unlike
    /// <see cref="WritePng(TaskRelationships, string, int)"/>, durability is the stream owner's concern.</summary>
    /// <param name="relationships">The recorded relationships.</param>
    /// <param name="stream">A writable stream; it need not be seekable.</param>
    /// <param name="cellSize">Pixels per cell.</param>
    public static void WritePng(TaskRelationships relationships, Stream stream, int cellSize = 64)
    {
        ArgumentNullException.ThrowIfNull(relationships);
        ArgumentNullException.ThrowIfNull(stream);
        using var bitmap = Draw(relationships, cellSize);
        Encode(bitmap, stream);
    }

    /// <summary>Writes the mean-cosine heatmap as PNG bytes to a stream asynchronously: the image is drawn and encoded
    /// in memory, then written asynchronously. The stream is left open.</summary>
    /// <param name="relationships">The recorded relationships.</param>
    /// <param name="stream">A writable stream; it need not be seekable.</param>
    /// <param name="cellSize">Pixels per cell.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the bytes are written.</returns>
    public static async Task WritePngAsync(TaskRelationships relationships, Stream stream, int cellSize = 64, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(relationships);
        ArgumentNullException.ThrowIfNull(stream);
        using var memory = new MemoryStream();
        WritePng(relationships, memory, cellSize);
        memory.Position = 0;
        await memory.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
    }

    private static SKBitmap Draw(TaskRelationships relationships, int cellSize)
    {
        var count = relationships.TaskNames.Count;
        const int margin = 120;
        var bitmap = new SKBitmap(margin + (count * cellSize), margin + (count * cellSize));
        try
        {
            using var canvas = new SKCanvas(bitmap);
            using var text = new SKPaint { IsAntialias = true, Color = SKColors.Black };
            using var font = new SKFont { Size = Math.Max(10, cellSize / 5f) };
            using var fill = new SKPaint { Style = SKPaintStyle.Fill };
            canvas.Clear(SKColors.White);
            for (var i = 0; i < count; i++)
            {
                canvas.DrawText(Shorten(relationships.TaskNames[i]), 4, margin + (i * cellSize) + (cellSize / 2f), SKTextAlign.Left, font, text);
                canvas.Save();
                canvas.Translate(margin + (i * cellSize) + (cellSize / 2f), margin - 4);
                canvas.RotateDegrees(-60);
                canvas.DrawText(Shorten(relationships.TaskNames[i]), 0, 0, SKTextAlign.Left, font, text);
                canvas.Restore();
                for (var j = 0; j < count; j++)
                {
                    var value = relationships.MeanCosine[i, j];
                    fill.Color = Color(value);
                    var cell = SKRect.Create(margin + (j * cellSize), margin + (i * cellSize), cellSize, cellSize);
                    canvas.DrawRect(cell, fill);
                    var label = double.IsNaN(value) ? "–" : value.ToString("F2", CultureInfo.InvariantCulture);
                    canvas.DrawText(label, cell.Left + 4, cell.MidY + (font.Size / 3), SKTextAlign.Left, font, text);
                }
            }

            canvas.Flush();
            return bitmap;
        }
        catch
        {
            bitmap.Dispose();
            throw;
        }
    }

    private static void Encode(SKBitmap bitmap, Stream stream) => bitmap.Encode(stream, SKEncodedImageFormat.Png, 100);

    private static SKColor Color(double value)
    {
        if (double.IsNaN(value))
        {
            return new SKColor(220, 220, 220);
        }

        var v = Math.Clamp(value, -1, 1);
        var fade = (byte)Math.Round(255 * (1 - Math.Abs(v)));
        return v >= 0 ? new SKColor(fade, fade, 255) : new SKColor(255, fade, fade);
    }

    private static string Shorten(string name) => name.Length <= 14 ? name : name[..13] + "…";
}
