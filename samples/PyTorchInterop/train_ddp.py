#!/usr/bin/env python3
"""Train an exported MultitaskLearning model in PyTorch on a shard store, on one or several processes (DDP, gloo, CPU).

EXPORT_DIR comes from MultitaskModel.ExportPyTorch (manifest.json + model.safetensors: the architecture, the initial
weights and the preprocessing statistics); rebuild.py builds the network from it. SHARDS_DIR is a shard store written by
the library (shards.json + shard-NNNNN.bin: features float32 [R, d], targets float32 [R, W], presence uint8 [R, T]),
read with numpy.memmap a batch at a time. OUT_DIR receives model.safetensors (the trained weights, without the
export's weightsSha256 metadata, so MultitaskModel.ImportPyTorch accepts the changed data), manifest.json (copied
unchanged) and, with --predict, predictions.json (rebuild.py's output format).

    torchrun --standalone --nproc_per_node 2 train_ddp.py EXPORT_DIR SHARDS_DIR OUT_DIR [--epochs N]
        [--batch-size B] [--learning-rate LR] [--optimizer sgd|adam] [--seed S] [--predict SAMPLES.json]
    python3 train_ddp.py EXPORT_DIR SHARDS_DIR OUT_DIR ...          # one process

(torch 1.13's torchrun on Python 3.11 stops with "'NoneType' object has no attribute 'get'": its default
--redirects/--tee value 0 no longer parses there; add --redirects 9:0 --tee 9:0 before the script.)

The loss is the library's (TaskLossComputer, FixedWeighting): L = sum_t weight_t * L_t, where L_t is the mean of the
task's per-row loss over the rows of the step's global batch (world size x B rows) that label the task; regression
targets are standardised with the manifest's targetStatistics first. Each rank divides its row sums by the global
labelled counts (one small all-reduce per step), so DDP's gradient average is exactly the gradient of that global mean.
Shard i belongs to rank i % world size. Every epoch each rank shuffles its shards and the rows inside each shard
(numpy default_rng seeded with (seed, epoch, rank)) and reads them as one stream of batches. Every rank must take the
same number of steps, so an epoch has min over ranks of ceil(rank rows / B) steps: a rank with more rows stops early
and skips its last rows in that epoch (other rows each epoch, as the order changes). Rank 0 prints one JSON line per
epoch: {"epoch", "loss": mean over its steps of its own batches' total loss, "tasks": per-task mean loss over its
labelled rows, null when it saw none}. Plain SGD or Adam; no dropout (rebuild.py's network has none), no schedule.
The model trains on the store's input only: with several inputs, the other inputs' encoders and tasks stay unchanged.

Needs python3, torch and numpy only.
"""

import argparse
import json
import math
import os
import shutil
import sys

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rebuild  # noqa: E402  (the network, preprocessing and output mapping)

LOSSES = ("CrossEntropy", "BinaryCrossEntropyWithLogits", "MeanSquaredError", "MeanAbsoluteError", "Huber")


def field(record, key, where):
    if not isinstance(record, dict) or key not in record:
        raise ValueError(f"{where}: the field '{key}' is missing")
    return record[key]


def target_width(task):
    """TaskDefinition.TargetWidth: a class index for multiclass and binary, one column per output otherwise."""
    return 1 if task["kind"] in ("Multiclass", "Binary") else task["outputSize"]


class ShardStore:
    """shards.json and its shard files, checked against each other; shards are memory-mapped when first read."""

    def __init__(self, directory):
        self.path = os.path.join(directory, "shards.json")
        try:
            with open(self.path, encoding="utf-8") as file:
                info = json.load(file)
        except json.JSONDecodeError as error:
            raise ValueError(f"{self.path}: not valid JSON ({error})") from error
        if field(info, "format", self.path) != "MultitaskLearning.Shards" or field(info, "formatVersion", self.path) != 1:
            raise ValueError(f"{self.path}: format {info['format']!r} version {info['formatVersion']!r}; expected 'MultitaskLearning.Shards' version 1")
        where = lambda name: f"{self.path}, {name}"  # noqa: E731
        self.input_name = field(field(info, "input", self.path), "name", where("input"))
        self.sample_shape = [int(d) for d in field(info["input"], "sampleShape", where("input"))]
        self.tasks = field(info, "tasks", self.path)
        for t, task in enumerate(self.tasks):
            for key in ("name", "kind", "outputSize"):
                field(task, key, where(f"tasks[{t}]"))
        self.widths = [int(w) for w in field(info, "targetWidths", self.path)]
        if self.widths != [target_width(task) for task in self.tasks]:
            raise ValueError(f"{self.path}: targetWidths {self.widths} do not fit the tasks' kinds and output sizes "
                             f"(expected {[target_width(task) for task in self.tasks]})")
        self.d, self.w, self.t = math.prod(self.sample_shape), sum(self.widths), len(self.tasks)
        self.offsets = np.cumsum([0] + self.widths)
        self.files, self.rows = [], []
        for s, shard in enumerate(field(info, "shards", self.path)):
            file, rows = field(shard, "file", where(f"shards[{s}]")), int(field(shard, "rows", where(f"shards[{s}]")))
            path = os.path.join(directory, file)
            expected = rows * (4 * self.d + 4 * self.w + self.t)
            if not os.path.isfile(path):
                raise ValueError(f"{path}: the shard file is missing ({self.path} lists it)")
            if os.path.getsize(path) != expected:
                raise ValueError(f"{path}: {os.path.getsize(path)} bytes; {rows} rows of {self.d} features, {self.w} target "
                                 f"columns and {self.t} tasks take {expected} bytes (truncated or not this store's shard)")
            self.files.append(path)
            self.rows.append(rows)
        if sum(self.rows) != field(info, "rows", self.path):
            raise ValueError(f"{self.path}: 'rows' is {info['rows']} but the shards hold {sum(self.rows)} rows")
        self.maps = {}

    def open(self, s):
        if s not in self.maps:
            r, path = self.rows[s], self.files[s]
            self.maps[s] = (np.memmap(path, "<f4", "r", 0, (r, self.d)),
                            np.memmap(path, "<f4", "r", 4 * r * self.d, (r, self.w)),
                            np.memmap(path, "u1", "r", 4 * r * (self.d + self.w), (r, self.t)))
        return self.maps[s]

    def read(self, pieces, impute):
        """Rows [(shard, row indices), ...] as (features, targets, presence) arrays, with checked labels."""
        parts = []
        for s, rows in pieces:
            rows = np.sort(rows)  # the order inside a batch does not matter; sorted reads are sequential
            features, targets, present = (np.asarray(m[rows]) for m in self.open(s))
            if not impute and np.isnan(features).any():
                raise ValueError(f"{self.files[s]}, row {rows[np.isnan(features).any(1)][0]}: a feature is missing and "
                                 f"input '{self.input_name}' does not impute missing values")
            if not np.isin(present, (0, 1)).all():
                raise ValueError(f"{self.files[s]}: presence values other than 0 and 1")
            for t, task in enumerate(self.tasks):
                labelled = present[:, t] == 1
                values = targets[:, self.offsets[t]:self.offsets[t + 1]]
                bad = labelled[:, None] & ~np.isfinite(values)
                if task["kind"] == "Multiclass":
                    bad |= labelled[:, None] & ((values != np.round(values)) | (values < 0) | (values >= task["outputSize"]))
                if bad.any():
                    raise ValueError(f"{self.files[s]}, row {rows[bad.any(1)][0]}: task '{task['name']}' has the invalid "
                                     f"target {values[bad][0]}")
                values[~labelled] = 0  # unlabelled targets never reach the loss as NaN
            parts.append((features, targets, present))
        return tuple(np.concatenate(p) for p in zip(*parts))

    def batches(self, shards, rng, batch_size, impute):
        """One epoch of one rank: its shards in random order, each shard's rows in random order, in batches."""
        pieces, size = [], 0
        for s in rng.permutation(shards):
            order, start = rng.permutation(self.rows[s]), 0
            while start < len(order):
                take = min(batch_size - size, len(order) - start)
                pieces.append((s, order[start:start + take]))
                size, start = size + take, start + take
                if size == batch_size:
                    yield self.read(pieces, impute)
                    pieces, size = [], 0
        if pieces:
            yield self.read(pieces, impute)


def check_agreement(manifest, store, export_dir):
    """The store must hold the model's input and exactly that input's tasks, in the model's order."""
    inputs = {i["name"]: i for i in manifest["inputs"]}
    if store.input_name not in inputs:
        raise ValueError(f"{store.path} holds input '{store.input_name}'; the model in {export_dir} has the inputs {', '.join(inputs)}")
    shape = list(inputs[store.input_name]["sampleShape"])
    if shape != store.sample_shape:
        raise ValueError(f"input '{store.input_name}': sample shape {store.sample_shape} in {store.path}, {shape} in {export_dir}/manifest.json")
    expected = [t for t in manifest["tasks"] if t["input"] == store.input_name]
    describe = lambda tasks: ", ".join(f"{t['name']} ({t['kind']}, {t['outputSize']})" for t in tasks)  # noqa: E731
    if [(t["name"], t["kind"], t["outputSize"]) for t in expected] != [(t["name"], t["kind"], t["outputSize"]) for t in store.tasks]:
        raise ValueError(f"the tasks of input '{store.input_name}' differ: {store.path} has [{describe(store.tasks)}], "
                         f"{export_dir}/manifest.json has [{describe(expected)}] (names, kinds, output sizes and order must agree)")
    for task in expected:
        if task.get("loss") not in LOSSES:
            raise ValueError(f"{export_dir}/manifest.json: task '{task['name']}' has an unknown loss {task.get('loss')!r}")
    return expected


def make_preprocess(manifest, input_name):
    """rebuild.preprocess for a float32 [n, d] array (rebuild's takes lists of samples): the same fill of missing
    values and standardisation with the manifest's featureStatistics, in float32 as there."""
    shape = next(i for i in manifest["inputs"] if i["name"] == input_name)["sampleShape"]
    stats = next((s for s in manifest["featureStatistics"] if s["input"] == input_name), None)
    fill, mean, scale = (None,) * 3 if stats is None else (np.array(stats[k], dtype=np.float32) for k in ("fill", "mean", "scale"))

    def apply(values):
        if stats is not None:
            values = ((np.where(np.isnan(values), fill, values) - mean) / scale).astype(np.float32)
        return torch.from_numpy(np.ascontiguousarray(values, dtype=np.float32)).reshape([len(values)] + list(shape))
    return apply


def make_loss(manifest, tasks):
    """Per-task sums of the per-row losses over the labelled rows and their counts (TaskLossComputer.Compute)."""
    statistics = {s["task"]: s for s in manifest["targetStatistics"]}
    plan, out, tgt = [], 0, 0
    for t, task in enumerate(tasks):
        size, width = task["outputSize"], target_width(task)
        stats = statistics.get(task["name"])
        scaling = None if stats is None else (torch.tensor(stats["mean"], dtype=torch.float32), torch.tensor(stats["scale"], dtype=torch.float32))
        plan.append((t, task["loss"], float(task.get("huberDelta", 1)), slice(out, out + size), slice(tgt, tgt + width), scaling))
        out, tgt = out + size, tgt + width

    def compute(outputs, targets, present):
        sums = []
        for t, loss, delta, columns, target_columns, scaling in plan:
            o, y = outputs[:, columns], targets[:, target_columns]
            if scaling is not None:
                y = (y - scaling[0]) / scaling[1]
            if loss == "CrossEntropy":
                rows = -F.log_softmax(o, 1).gather(1, y.long()).squeeze(1)
            elif loss == "BinaryCrossEntropyWithLogits":
                rows = F.binary_cross_entropy_with_logits(o, y, reduction="none").mean(1)
            elif loss == "MeanSquaredError":
                rows = (o - y).square().mean(1)
            elif loss == "MeanAbsoluteError":
                rows = (o - y).abs().mean(1)
            else:
                rows = F.huber_loss(o, y, reduction="none", delta=delta).mean(1)
            sums.append((rows * present[:, t]).sum())
        return torch.stack(sums), present.sum(0)
    return compute


def write_atomically(path, write):
    temporary = f"{path}.tmp-{os.getpid()}"
    with open(temporary, "wb") as file:
        write(file)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)


def write_safetensors(path, state):
    """Every tensor as contiguous little-endian float32, named as in state; metadata {"format": "pt"} only."""
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name, tensor in state.items():
        data = tensor.detach().cpu().to(torch.float32).contiguous().numpy().astype("<f4", copy=False).tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensor.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)  # data aligned to 8 bytes, as the reference writer does

    def write(file):
        file.write(len(text).to_bytes(8, "little"))
        file.write(text)
        for blob in blobs:
            file.write(blob)
    write_atomically(path, write)


def read_samples(manifest, path):
    """The --predict file as rebuild.py reads it, checked now rather than after training."""
    with open(path, encoding="utf-8") as file:
        try:
            samples = json.load(file)
        except json.JSONDecodeError as error:
            raise ValueError(f"{path}: not valid JSON ({error})") from error
    if isinstance(samples, list):
        if len(manifest["inputs"]) != 1:
            raise ValueError(f"{path}: the model has several inputs; map each input name to its samples")
        samples = {manifest["inputs"][0]["name"]: samples}
    for name, values in samples.items():
        if name not in {i["name"] for i in manifest["inputs"]}:
            raise ValueError(f"{path}: the model has no input '{name}'")
        try:
            rebuild.preprocess(manifest, name, values)
        except (ValueError, TypeError) as error:
            raise ValueError(f"{path}: {error}") from error
    return samples


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("export_dir", help="folder written by MultitaskModel.ExportPyTorch")
    parser.add_argument("shards_dir", help="shard store written by the library (shards.json + shard-*.bin)")
    parser.add_argument("out_dir", help="where model.safetensors, manifest.json and predictions.json are written")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=32, help="rows per process and step (global batch: world size x B)")
    parser.add_argument("--learning-rate", type=float, default=0.01)
    parser.add_argument("--optimizer", choices=("sgd", "adam"), default="sgd")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--predict", metavar="SAMPLES.json", help="samples as rebuild.py reads them; writes OUT_DIR/predictions.json")
    args = parser.parse_args()
    if args.epochs < 1 or args.batch_size < 1 or not (math.isfinite(args.learning_rate) and args.learning_rate > 0):
        parser.error("--epochs and --batch-size must be >= 1 and --learning-rate finite and > 0")

    distributed = "WORLD_SIZE" in os.environ and "RANK" in os.environ
    world, rank = (int(os.environ["WORLD_SIZE"]), int(os.environ["RANK"])) if distributed else (1, 0)
    torch.manual_seed(args.seed)
    torch.set_num_threads(1)

    manifest, network = rebuild.load(args.export_dir)
    store = ShardStore(args.shards_dir)
    tasks = check_agreement(manifest, store, args.export_dir)
    samples = read_samples(manifest, args.predict) if args.predict else None
    rank_rows = [sum(store.rows[s] for s in range(r, len(store.rows), world)) for r in range(world)]
    steps = min(math.ceil(rows / args.batch_size) for rows in rank_rows)
    if steps == 0:
        raise ValueError(f"{store.path}: {len(store.rows)} shards, {sum(store.rows)} rows; with {world} processes "
                         f"rank {rank_rows.index(0)} gets no rows (shard i goes to rank i % world size)")
    spec = next(i for i in manifest["inputs"] if i["name"] == store.input_name)
    impute = spec.get("missingValues") != "Error"
    if rank == 0 and float(manifest["architecture"].get("dropout") or 0) > 0:
        print("train_ddp.py: the model's dropout is not applied here (rebuild.py's network has no dropout layers)", file=sys.stderr)
    os.makedirs(args.out_dir, exist_ok=True)

    if distributed:
        dist.init_process_group("gloo")
    try:
        network.train()
        model = network
        if world > 1:  # other inputs' encoders and tasks take no part in the forward pass
            model = torch.nn.parallel.DistributedDataParallel(network, find_unused_parameters=len(manifest["inputs"]) > 1)
        if args.optimizer == "sgd":
            optimizer = torch.optim.SGD(model.parameters(), lr=args.learning_rate)
        else:
            optimizer = torch.optim.Adam(model.parameters(), lr=args.learning_rate, betas=(0.9, 0.999), eps=1e-8)
        preprocess, losses = make_preprocess(manifest, store.input_name), make_loss(manifest, tasks)
        weights = torch.tensor([float(t.get("weight", 1)) for t in tasks], dtype=torch.float32)
        mine = list(range(rank, len(store.rows), world))

        for epoch in range(1, args.epochs + 1):
            rng = np.random.default_rng([args.seed, epoch, rank])
            total, task_sums, task_counts = 0.0, torch.zeros(len(tasks)), torch.zeros(len(tasks))
            for _, (features, targets, present) in zip(range(steps), store.batches(mine, rng, args.batch_size, impute)):
                outputs = model(store.input_name, preprocess(features))
                present = torch.from_numpy(present).to(torch.float32)
                sums, counts = losses(outputs, torch.from_numpy(targets), present)
                global_counts = counts.clone()
                if world > 1:
                    dist.all_reduce(global_counts)  # sum over ranks: the global batch's labelled rows per task
                loss = (weights * sums / global_counts.clamp_min(1)).sum() * world  # DDP averages over ranks
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                with torch.no_grad():
                    total += float((weights * sums / counts.clamp_min(1)).sum())
                    task_sums += sums.detach()
                    task_counts += counts
            if rank == 0:
                means = {t["name"]: (float(task_sums[i] / task_counts[i]) if task_counts[i] > 0 else None) for i, t in enumerate(tasks)}
                print(json.dumps({"epoch": epoch, "loss": total / steps, "tasks": means}), flush=True)

        if rank == 0:
            write_safetensors(os.path.join(args.out_dir, "model.safetensors"), network.state_dict())
            with open(os.path.join(args.export_dir, "manifest.json"), "rb") as source:
                write_atomically(os.path.join(args.out_dir, "manifest.json"), lambda file: shutil.copyfileobj(source, file))
            if samples is not None:
                text = json.dumps(rebuild.predict(manifest, network.eval(), samples)).encode("utf-8")
                write_atomically(os.path.join(args.out_dir, "predictions.json"), lambda file: file.write(text))
        if distributed:
            dist.barrier()
    finally:
        if distributed and dist.is_initialized():
            dist.destroy_process_group()


if __name__ == "__main__":
    try:
        main()
    except (ValueError, KeyError, RuntimeError, OSError) as error:
        print(f"train_ddp.py: {error}", file=sys.stderr)
        sys.exit(1)
