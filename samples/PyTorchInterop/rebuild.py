#!/usr/bin/env python3
"""Rebuild a MultitaskLearning model in PyTorch from an export folder and run it.

The folder comes from MultitaskModel.ExportPyTorch(directory): model.safetensors holds every parameter (float32,
named as MultitaskNetwork.named_parameters() names them) and manifest.json the architecture, tasks and the
preprocessing statistics. The modules below mirror src/MultitaskLearning/Models/*.cs, so that load_state_dict(strict=True)
accepts the file as it is and the outputs match MultitaskPredictor.

    python3 rebuild.py EXPORT_DIR SAMPLES.json [--output OUTPUT.json]

SAMPLES.json maps each input name to a list of raw samples (flat, or nested in the input's sample shape; null marks
a missing value); a bare list is accepted for a single-input model. The result maps input -> task -> one list of
scores per sample: class probabilities (multiclass, in label order), the positive label's probability (binary),
per-label probabilities (multi-label) or values in the target's units (regression).

Needs python3, torch and numpy only (the safetensors file is parsed here, without the safetensors package).
"""

import argparse
import json
import math
import os
import sys

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F


# ---------------------------------------------------------------------------------------------------------------------
# safetensors: 8-byte little-endian header length, JSON header, raw little-endian data.

def read_safetensors(path):
    """Returns ({name: float32 tensor}, metadata) after checking the header against the file."""
    with open(path, "rb") as file:
        content = file.read()
    if len(content) < 8:
        raise ValueError(f"{path}: {len(content)} bytes, too short for a safetensors file")
    header_length = int.from_bytes(content[:8], "little")
    if header_length > len(content) - 8:
        raise ValueError(f"{path}: the header claims {header_length} bytes, the file has {len(content) - 8} after the length")
    try:
        header = json.loads(content[8:8 + header_length].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"{path}: the header is not valid JSON ({error})") from error
    data = memoryview(content)[8 + header_length:]
    metadata = header.pop("__metadata__", {}) or {}
    tensors = {}
    for name, entry in header.items():
        if entry.get("dtype") != "F32":
            raise ValueError(f"{path}: tensor '{name}' has dtype {entry.get('dtype')}; only F32 is read")
        shape = [int(d) for d in entry["shape"]]
        begin, end = (int(o) for o in entry["data_offsets"])
        count = math.prod(shape)
        if end - begin != 4 * count or end > len(data):
            raise ValueError(f"{path}: tensor '{name}' {shape} has data_offsets [{begin}, {end}] that do not fit (data: {len(data)} bytes)")
        values = np.frombuffer(data, dtype="<f4", count=count, offset=begin).reshape(shape)
        tensors[name] = torch.from_numpy(values.astype(np.float32, copy=True))
    return tensors, metadata


# ---------------------------------------------------------------------------------------------------------------------
# The network, module for module (attribute names give the parameter names).

def activate(kind, x):
    """ActivationFunctions.Apply."""
    if kind == "ReLU":
        return F.relu(x)
    if kind == "Tanh":
        return torch.tanh(x)
    if kind == "GELU":
        return F.gelu(x)  # the exact (erf) form
    if kind == "SiLU":
        return F.silu(x)
    raise ValueError(f"unknown activation {kind}")


def checked_key(key):
    """PyTorch module names cannot contain '.', the separator of parameter names."""
    if "." in key or not key:
        raise ValueError(f"the name '{key}' cannot be a PyTorch module name (empty or contains '.')")
    return key


class DenseStack(nn.Module):
    """DenseStack: Linear layers, each followed by the activation (dropout is off in evaluation)."""

    def __init__(self, input_size, sizes, activation):
        super().__init__()
        self.activation = activation
        self.layers = nn.ModuleList()
        for size in sizes:
            self.layers.append(nn.Linear(input_size, size))
            input_size = size
        self.output_size = input_size

    def forward(self, x):
        for layer in self.layers:
            x = activate(self.activation, layer(x))
        return x


class DenseEncoder(nn.Module):
    """DenseEncoder: flatten, then the input's encoder layers."""

    def __init__(self, spec, activation):
        super().__init__()
        self.layers = DenseStack(math.prod(spec["sampleShape"]), spec.get("encoderLayers") or [], activation)

    def forward(self, x):
        return self.layers(x.reshape(x.shape[0], -1))


class ConvolutionalEncoder(nn.Module):
    """ConvolutionalEncoder: (conv k3 p1 -> activation -> max-pool 2) per block, flatten, dense encoder layers."""

    def __init__(self, spec, activation):
        super().__init__()
        shape = spec["sampleShape"]
        channels_out = spec["convolutionChannels"]
        self.activation = activation
        self.two_dimensional = len(shape) == 3
        self.convolutions = nn.ModuleList()
        channels = shape[0]
        for count in channels_out:
            convolution = nn.Conv2d if self.two_dimensional else nn.Conv1d
            self.convolutions.append(convolution(channels, count, kernel_size=3, padding=1))
            channels = count
        spatial = math.prod(d >> len(channels_out) for d in shape[1:])
        self.dense = DenseStack(channels_out[-1] * spatial, spec.get("encoderLayers") or [], activation)

    def forward(self, x):
        for convolution in self.convolutions:
            x = activate(self.activation, convolution(x))
            x = F.max_pool2d(x, 2) if self.two_dimensional else F.max_pool1d(x, 2)
        return self.dense(x.reshape(x.shape[0], -1))


def encoded_size(spec):
    """InputDefinition.EncodedSize."""
    if spec.get("encoderLayers"):
        return spec["encoderLayers"][-1]
    if spec.get("encoder") == "Convolutional":
        blocks = len(spec["convolutionChannels"])
        return spec["convolutionChannels"][-1] * math.prod(d >> blocks for d in spec["sampleShape"][1:])
    return math.prod(spec["sampleShape"])


def make_encoder(spec, activation):
    return ConvolutionalEncoder(spec, activation) if spec.get("encoder") == "Convolutional" else DenseEncoder(spec, activation)


class ExpertMixture(nn.Module):
    """ExpertMixture (MMoE, CGC): shared experts, each task's own experts and a softmax gate per task."""

    def __init__(self, task_names, input_size, layers, shared, per_task, activation):
        super().__init__()
        self.per_task = per_task
        self.sharedExperts = nn.ModuleList([DenseStack(input_size, layers, activation) for _ in range(shared)])
        self.taskExperts = nn.ModuleDict()
        self.gates = nn.ModuleDict()
        for name in task_names:
            for e in range(per_task):
                self.taskExperts[checked_key(f"{name}__{e}")] = DenseStack(input_size, layers, activation)
            self.gates[checked_key(name)] = nn.Linear(input_size, shared + per_task)

    def shared_outputs(self, encoded):
        return torch.stack([expert(encoded) for expert in self.sharedExperts], 0)

    def mix(self, task, encoded, shared_outputs):
        experts = shared_outputs
        if self.per_task > 0:
            own = torch.stack([self.taskExperts[f"{task}__{e}"](encoded) for e in range(self.per_task)], 0)
            experts = torch.cat([shared_outputs, own], 0)
        gate = F.softmax(self.gates[task](encoded), 1)
        return torch.einsum("be,ebh->bh", gate, experts)


class CrossStitchColumns(nn.Module):
    """CrossStitchColumns: one column per task (stacked [T, in, out]), mixed after every layer by a T x T unit."""

    def __init__(self, tasks, input_size, layers):
        super().__init__()
        self.weights = nn.ParameterList()
        self.biases = nn.ParameterList()
        self.stitches = nn.ParameterList()
        for size in layers:
            self.weights.append(nn.Parameter(torch.zeros(tasks, input_size, size)))
            self.biases.append(nn.Parameter(torch.zeros(tasks, 1, size)))
            self.stitches.append(nn.Parameter(torch.eye(tasks)))
            input_size = size

    def forward(self, encoded, hidden):
        z = encoded.unsqueeze(0)
        for weight, bias, stitch in zip(self.weights, self.biases, self.stitches):
            z = hidden(z.matmul(weight) + bias)
            z = torch.einsum("ts,sbh->tbh", stitch, z)
        return z  # [T, B, h]


class TaskBlock(nn.Module):
    """TaskBlock: the layers of a block of tasks, stacked per layer as weight [T, in, out] and bias [T, out]."""

    def __init__(self, task_count, sizes):
        super().__init__()
        self.weights = nn.ParameterList()
        self.biases = nn.ParameterList()
        for i in range(len(sizes) - 1):
            self.weights.append(nn.Parameter(torch.zeros(task_count, sizes[i], sizes[i + 1])))
            self.biases.append(nn.Parameter(torch.zeros(task_count, sizes[i + 1])))

    def forward(self, x, hidden):
        """x is [B, in] (the same for every task) or [T, B, in]; returns [B, T*out], task-major columns."""
        batch = x.shape[1] if x.dim() == 3 else x.shape[0]
        z = x if x.dim() == 3 else x.unsqueeze(0)
        last = len(self.weights) - 1
        for layer, (weight, bias) in enumerate(zip(self.weights, self.biases)):
            z = z.matmul(weight) + bias.unsqueeze(1)
            if layer < last:
                z = hidden(z)
        return z.permute(1, 0, 2).reshape(batch, -1)


class MultitaskNetwork(nn.Module):
    """MultitaskNetwork: encoders, the family's shared part, and the task blocks; forward(input, x) gives the outputs
    of every task reading that input (logits or standardised values), in the manifest's task order."""

    def __init__(self, manifest):
        super().__init__()
        self.family = manifest["family"]
        architecture = manifest["architecture"]
        self.activation = architecture["activation"]
        trunk_layers = architecture.get("trunkLayers") or []
        tower_layers = architecture.get("towerLayers") or []
        self.inputs = {i["name"]: i for i in manifest["inputs"]}
        self.tasks = {t["name"]: t for t in manifest["tasks"]}
        self.task_blocks = manifest["taskBlocks"]
        # OutputLayout: the tasks of each input in the manifest's task order, and their first output columns.
        self.layout = {name: [t["name"] for t in manifest["tasks"] if t["input"] == name] for name in self.inputs}

        self.encoders = nn.ModuleDict()
        self.taskEncoders = nn.ModuleDict()
        self.trunks = nn.ModuleDict()
        self.mixtures = nn.ModuleDict()
        self.columns = nn.ModuleDict()
        self.taskBlocks = nn.ModuleDict()

        shared = self.family != "task-specific"
        trunk_input = 0
        for name, spec in self.inputs.items():
            if shared:
                self.encoders[checked_key(name)] = make_encoder(spec, self.activation)
                trunk_input = encoded_size(spec)
        trunk_output = trunk_input
        if self.family in ("mmoe", "cgc"):
            per_task = architecture.get("taskExperts", 1) if self.family == "cgc" else 0
            mixture = ExpertMixture(list(self.tasks), trunk_input, trunk_layers, architecture.get("experts", 4), per_task, self.activation)
            trunk_output = trunk_layers[-1]
            self.mixtures["experts"] = mixture
        elif self.family == "cross-stitch":
            for name, spec in self.inputs.items():
                self.columns[checked_key(name)] = CrossStitchColumns(len(self.layout[name]), encoded_size(spec), trunk_layers)
                trunk_output = trunk_layers[-1] if trunk_layers else encoded_size(spec)
        elif shared:
            trunk = DenseStack(trunk_input, trunk_layers, self.activation)
            trunk_output = trunk.output_size
            self.trunks["shared"] = trunk

        self.block_of_task = {}
        for b, names in enumerate(self.task_blocks):
            spec = self.inputs[self.tasks[names[0]]["input"]]
            convolutional = spec.get("encoder") == "Convolutional"
            if self.family == "shared-trunk":
                sizes = [trunk_output]
            elif self.family == "task-specific":
                sizes = ([encoded_size(spec)] if convolutional
                         else [math.prod(spec["sampleShape"])] + list(spec.get("encoderLayers") or [])) + list(trunk_layers)
                if convolutional:
                    for task in names:  # convolutions are not stacked: one encoder per task
                        self.taskEncoders[checked_key(task)] = make_encoder(spec, self.activation)
            else:
                sizes = [trunk_output] + list(tower_layers)
            sizes.append(self.tasks[names[0]]["outputSize"])
            self.taskBlocks[f"block{b}"] = TaskBlock(len(names), sizes)
            for task in names:
                self.block_of_task[task] = b

    def hidden(self, x):
        return activate(self.activation, x)

    def forward(self, input_name, x):
        tasks = self.layout[input_name]
        if self.family == "task-specific":
            per_task = (lambda name: self.taskEncoders[name](x)) if tasks[0] in self.taskEncoders else None
            return self.apply_blocks(x.reshape(x.shape[0], -1), input_name, per_task)
        encoded = self.encoders[input_name](x)
        if self.family in ("mmoe", "cgc"):
            mixture = self.mixtures["experts"]
            experts = mixture.shared_outputs(encoded)
            return self.apply_blocks(encoded, input_name, lambda name: mixture.mix(name, encoded, experts))
        if self.family == "cross-stitch":
            stitched = self.columns[input_name](encoded, self.hidden)
            return self.apply_blocks(encoded, input_name, lambda name: stitched[tasks.index(name)])
        return self.apply_blocks(self.trunks["shared"](encoded), input_name, None)

    def apply_blocks(self, x, input_name, per_task):
        """Runs the input's blocks and puts the columns in the layout's task order (blocks group tasks by size)."""
        tasks = self.layout[input_name]
        offsets, column = {}, 0
        for name in tasks:
            offsets[name] = column
            column += self.tasks[name]["outputSize"]
        blocks = list(dict.fromkeys(self.block_of_task[name] for name in tasks))
        outputs, produced = [], []
        for b in blocks:
            names = self.task_blocks[b]
            block_input = x if per_task is None else torch.stack([per_task(name) for name in names], 0)
            outputs.append(self.taskBlocks[f"block{b}"](block_input, self.hidden))
            for name in names:
                produced.extend(range(offsets[name], offsets[name] + self.tasks[name]["outputSize"]))
        output = torch.cat(outputs, 1)
        ordered = torch.empty_like(output)
        ordered[:, produced] = output
        return ordered


# ---------------------------------------------------------------------------------------------------------------------
# Preprocessing and output mapping (FeatureStatistics.ApplyInPlace, PreparedData.ToScores).

def flatten(sample):
    """A sample's values in row-major order, whether given flat or nested in the sample shape."""
    if isinstance(sample, list):
        return [value for item in sample for value in flatten(item)]
    return [sample]


def preprocess(manifest, input_name, samples):
    spec = next(i for i in manifest["inputs"] if i["name"] == input_name)
    size = math.prod(spec["sampleShape"])
    rows = []
    for index, sample in enumerate(samples):
        flat = flatten(sample)
        if len(flat) != size:
            raise ValueError(f"input '{input_name}', sample {index}: {len(flat)} values; the model expects {size} (shape {spec['sampleShape']})")
        rows.append([math.nan if v is None else float(v) for v in flat])
    values = np.array(rows, dtype=np.float32).reshape(len(rows), size)
    missing = np.isnan(values)
    if missing.any() and spec.get("missingValues") == "Error":
        row, column = np.argwhere(missing)[0]
        raise ValueError(f"input '{input_name}', sample {row}, value {column} is missing and the input does not impute missing values")
    stats = next((s for s in manifest["featureStatistics"] if s["input"] == input_name), None)
    if stats is not None:
        fill, mean, scale = (np.array(stats[k], dtype=np.float32) for k in ("fill", "mean", "scale"))
        values = np.where(missing, fill, values)
        values = ((values - mean) / scale).astype(np.float32)
    return torch.from_numpy(values).reshape([len(rows)] + list(spec["sampleShape"]))


def to_scores(manifest, task, raw):
    kind = task["kind"]
    if kind == "Multiclass":
        return torch.softmax(raw, 1)
    if kind in ("Binary", "MultiLabel"):
        return torch.sigmoid(raw)
    if kind == "Regression":
        stats = next((s for s in manifest["targetStatistics"] if s["task"] == task["name"]), None)
        if stats is None:
            return raw
        return raw * torch.tensor(stats["scale"], dtype=torch.float32) + torch.tensor(stats["mean"], dtype=torch.float32)
    raise ValueError(f"task '{task['name']}' has an unknown kind {kind}")


def load(export_dir):
    """Returns (manifest, network in eval mode with the exported weights)."""
    with open(os.path.join(export_dir, "manifest.json"), encoding="utf-8") as file:
        manifest = json.load(file)
    tensors, _ = read_safetensors(os.path.join(export_dir, "model.safetensors"))
    network = MultitaskNetwork(manifest)
    network.load_state_dict(tensors, strict=True)
    network.eval()
    return manifest, network


def predict(manifest, network, samples_by_input):
    result = {}
    with torch.no_grad():
        for input_name, samples in samples_by_input.items():
            if input_name not in network.layout:
                raise ValueError(f"the model has no input '{input_name}'; inputs: {', '.join(network.layout)}")
            outputs = network(input_name, preprocess(manifest, input_name, samples))
            per_task, column = {}, 0
            for name in network.layout[input_name]:
                task = network.tasks[name]
                width = task["outputSize"]
                per_task[name] = to_scores(manifest, task, outputs[:, column:column + width]).tolist()
                column += width
            result[input_name] = per_task
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("export_dir", help="folder written by MultitaskModel.ExportPyTorch")
    parser.add_argument("samples", help="JSON file: {input name: [sample, ...]} (or a list for a single-input model)")
    parser.add_argument("--output", "-o", help="write the per-task outputs here instead of printing them")
    arguments = parser.parse_args()

    torch.set_num_threads(1)
    manifest, network = load(arguments.export_dir)
    with open(arguments.samples, encoding="utf-8") as file:
        samples = json.load(file)
    if isinstance(samples, list):
        if len(manifest["inputs"]) != 1:
            raise ValueError("the model has several inputs; map each input name to its samples")
        samples = {manifest["inputs"][0]["name"]: samples}
    result = predict(manifest, network, samples)
    text = json.dumps(result)
    if arguments.output:
        with open(arguments.output, "w", encoding="utf-8") as file:
            file.write(text)
    else:
        print(text)


if __name__ == "__main__":
    try:
        main()
    except (ValueError, KeyError, RuntimeError, OSError) as error:
        print(f"rebuild.py: {error}", file=sys.stderr)
        sys.exit(1)
