"""Fine-tuning: LoRA with PEFT through TRL's trainers (SFT, or DPO on preference pairs), merged and
exported as a GGUF file the embedded provider serves (issue 17 item 2).

:func:`train` is the whole of one training run as a plain function of a :class:`TrainingConfig`: the
background job (:mod:`charter.training.jobs`) calls it in a thread, and a Ray task can call it as it
is (the config is a pydantic model, the result a dataclass; both pickle). It

1. converts the base GGUF to a transformers checkpoint once (:func:`charter.training.weights.prepare_base`),
2. reads the dataset's JSON Lines (``charter train dataset export``: TRL's conversational formats),
   turning an SFT conversation into prompt and completion so the loss counts the answer only,
3. trains a LoRA adapter with checkpoints every ``save_steps`` into ``output_dir``; a run started
   again over the same ``output_dir`` resumes from the last checkpoint (a killed job loses at most
   ``save_steps`` steps),
4. with ``grid``, trains one adapter per combination on the training part of the split and keeps the
   one with the lowest loss on the held-out validation part (``validation_share``),
5. merges the adapter into the base and writes ``model.gguf`` (changed tensors in F16, the rest as
   shipped), hashed.

torch, transformers, peft, trl and gguf come from the ``training`` extra (pyproject.toml); nothing is
downloaded (``HF_HUB_OFFLINE=1``).
"""

from __future__ import annotations

import itertools
import json
import math
import os
import random
import resource
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from charter.providers.embedded import file_sha256
from charter.training.weights import export_gguf, prepare_base

__all__ = ["GRID_KEYS", "Progress", "TrainingConfig", "TrainingResult", "select_device", "train"]

#: What a hyperparameter grid may vary.
GRID_KEYS = frozenset({"learning_rate", "lora_r", "lora_alpha", "epochs", "beta"})

#: Progress reports: {"phase", "step", "max_steps", "loss", "epoch", "trial", "trials"}.
Progress = Callable[[dict[str, Any]], None]


class TrainingConfig(BaseModel):
    """One training run. Paths are absolute; everything else has a default fit for SmolLM2-135M on CPU."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    method: Literal["sft", "dpo"] = "sft"
    base_gguf: Path = Field(description="the base model's GGUF file (llama architecture)")
    data: Path = Field(description="the dataset's JSON Lines (charter train dataset export)")
    output_dir: Path = Field(description="checkpoints, adapter, merged GGUF; reused to resume")
    cache_dir: Path = Field(description="where the base's transformers checkpoint is kept")
    lora_r: int = Field(8, ge=1, le=256)
    lora_alpha: int = Field(16, ge=1, le=1024)
    lora_dropout: float = Field(0.0, ge=0.0, lt=1.0)
    target_modules: tuple[str, ...] = ("q_proj", "v_proj")
    learning_rate: float = Field(2e-4, gt=0.0, le=1.0)
    epochs: float = Field(1.0, gt=0.0, le=100.0)
    max_steps: int = Field(-1, ge=-1, description="-1: as many as the epochs take")
    batch_size: int = Field(4, ge=1, le=512)
    grad_accum: int = Field(1, ge=1, le=512)
    max_length: int = Field(256, ge=16, le=8192)
    save_steps: int = Field(50, ge=1)
    beta: float = Field(0.1, gt=0.0, le=10.0, description="DPO's beta")
    seed: int = 0
    validation_share: float = Field(0.0, ge=0.0, lt=0.9, description="held out to choose among grid trials")
    grid: dict[str, list[float]] = Field(default_factory=dict, description="hyperparameter search")
    export_dtype: Literal["f16", "f32"] = "f16"
    device: Literal["auto", "cpu", "cuda"] = "auto"
    threads: int = Field(0, ge=0, description="torch threads (0: torch's default)")
    name: str = "charter-finetune"

    @field_validator("grid")
    @classmethod
    def _grid_keys(cls, grid: dict[str, list[float]]) -> dict[str, list[float]]:
        unknown = sorted(set(grid) - GRID_KEYS)
        if unknown:
            raise ValueError(f"grid may vary {', '.join(sorted(GRID_KEYS))}, not {', '.join(unknown)}")
        if any(not values for values in grid.values()):
            raise ValueError("each grid entry needs at least one value")
        if math.prod(len(v) for v in grid.values()) > 16:
            raise ValueError("a grid of more than 16 combinations is too large for one job")
        return grid

    def trials(self) -> list[dict[str, Any]]:
        """Every combination of the grid (one empty one without a grid)."""
        keys = sorted(self.grid)
        return [dict(zip(keys, combo, strict=True)) for combo in itertools.product(*(self.grid[k] for k in keys))]


@dataclass
class TrainingResult:
    gguf: Path
    sha256: str
    size: int
    metrics: dict[str, Any]
    config: dict[str, Any]
    trials: list[dict[str, Any]] = field(default_factory=list)


# -- data ---------------------------------------------------------------------------------------


def _read_examples(path: Path, method: str) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    examples = []
    for row in rows:
        if method == "dpo":
            if not {"prompt", "chosen", "rejected"} <= set(row):
                raise ValueError("a DPO dataset needs prompt, chosen and rejected in every line (kind dpo)")
            examples.append({"prompt": row["prompt"], "chosen": row["chosen"], "rejected": row["rejected"]})
            continue
        messages = row.get("messages")
        if not isinstance(messages, list) or not messages or messages[-1].get("role") != "assistant":
            raise ValueError("an SFT dataset needs messages ending with the assistant's answer (kind sft)")
        examples.append({"prompt": messages[:-1], "completion": messages[-1:]})
    if not examples:
        raise ValueError(f"{path} has no examples")
    return examples


def _split(examples: list[dict[str, Any]], share: float, seed: int) -> tuple[list[Any], list[Any]]:
    if share <= 0 or len(examples) < 4:
        return examples, []
    order = list(range(len(examples)))
    random.Random(seed).shuffle(order)
    n_val = max(1, round(len(examples) * share))
    held = set(order[:n_val])
    return [e for i, e in enumerate(examples) if i not in held], [e for i, e in enumerate(examples) if i in held]


# -- one trial ----------------------------------------------------------------------------------


def select_device(requested: str, cuda_available: bool) -> str:
    """The device a run trains on: ``auto`` takes the GPU when torch sees one, else the CPU; ``cuda``
    without a GPU is refused (the Trainer would quietly fall back to the CPU while the run's cost was
    counted in GPU hours)."""
    if requested == "auto":
        return "cuda" if cuda_available else "cpu"
    if requested == "cuda" and not cuda_available:
        raise ValueError("device cuda was asked for, but torch sees no GPU here (use device auto or cpu)")
    return requested


def _device(config: TrainingConfig) -> str:
    import torch

    return select_device(config.device, torch.cuda.is_available())


def _progress_callback(report: Progress, trial: int, trials: int) -> Any:
    from transformers import TrainerCallback

    class _Report(TrainerCallback):  # type: ignore[misc]
        def on_log(self, args: Any, state: Any, control: Any, logs: Any = None, **kwargs: Any) -> None:
            logs = logs or {}
            report({"phase": "train", "step": state.global_step, "max_steps": state.max_steps,
                    "loss": logs.get("loss"), "epoch": state.epoch, "trial": trial, "trials": trials})

        def on_save(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            report({"phase": "checkpoint", "step": state.global_step, "max_steps": state.max_steps,
                    "trial": trial, "trials": trials})

    return _Report()


def _last_checkpoint(folder: Path) -> Path | None:
    from transformers.trainer_utils import get_last_checkpoint

    if not folder.is_dir():
        return None
    found = get_last_checkpoint(str(folder))
    return None if found is None else Path(found)


def _trainer(config: TrainingConfig, base_dir: Path, run_dir: Path, data: tuple[list[Any], list[Any]],
             params: dict[str, Any], callbacks: list[Any]) -> Any:
    import torch
    from datasets import Dataset
    from peft import LoraConfig
    from transformers import AutoModelForCausalLM, AutoTokenizer, set_seed

    # TRL wraps the model in its LoRA adapter (random initial weights) before the Trainer seeds the RNGs:
    # seed them first, or the same job trains different weights in another process (or a second run)
    set_seed(config.seed)
    device = _device(config)
    tokenizer = AutoTokenizer.from_pretrained(str(base_dir))
    model = AutoModelForCausalLM.from_pretrained(str(base_dir), dtype=torch.float32)
    lora = LoraConfig(
        r=int(params.get("lora_r", config.lora_r)),
        lora_alpha=int(params.get("lora_alpha", config.lora_alpha)),
        lora_dropout=config.lora_dropout,
        target_modules=list(config.target_modules),
        task_type="CAUSAL_LM",
    )
    common: dict[str, Any] = {
        "output_dir": str(run_dir),
        "learning_rate": float(params.get("learning_rate", config.learning_rate)),
        "num_train_epochs": float(params.get("epochs", config.epochs)),
        "max_steps": config.max_steps,
        "per_device_train_batch_size": config.batch_size,
        "per_device_eval_batch_size": config.batch_size,
        "gradient_accumulation_steps": config.grad_accum,
        "max_length": config.max_length,
        "save_strategy": "steps",
        "save_steps": config.save_steps,
        "save_total_limit": 2,
        "logging_steps": 1,
        "report_to": [],
        "seed": config.seed,
        "use_cpu": device == "cpu",
        "disable_tqdm": True,
        "dataloader_num_workers": 0,
        "lr_scheduler_type": "constant",
    }
    train_set = Dataset.from_list(data[0])
    eval_set = Dataset.from_list(data[1]) if data[1] else None
    if config.method == "dpo":
        from trl import DPOConfig, DPOTrainer

        trainer = DPOTrainer(model=model, args=DPOConfig(beta=float(params.get("beta", config.beta)), **common),
                             train_dataset=train_set, eval_dataset=eval_set, processing_class=tokenizer,
                             peft_config=lora, callbacks=callbacks)
    else:
        from trl import SFTConfig, SFTTrainer

        trainer = SFTTrainer(model=model, args=SFTConfig(completion_only_loss=True, **common),
                             train_dataset=train_set, eval_dataset=eval_set, processing_class=tokenizer,
                             peft_config=lora, callbacks=callbacks)
    from transformers.trainer_callback import PrinterCallback

    trainer.remove_callback(PrinterCallback)  # it prints every log line to stdout (a CLI's --json output)
    return trainer


def _run_trial(config: TrainingConfig, base_dir: Path, run_dir: Path, data: tuple[list[Any], list[Any]],
               params: dict[str, Any], report: Progress, trial: int, trials: int) -> tuple[Any, dict[str, Any]]:
    """Train one adapter in ``run_dir`` (resuming from its last checkpoint); returns the trainer and
    its metrics. A finished trial (``done.json``) is not trained again."""
    done = run_dir / "done.json"
    trainer = _trainer(config, base_dir, run_dir, data, params, [_progress_callback(report, trial, trials)])
    if done.is_file():
        metrics: dict[str, Any] = json.loads(done.read_text())
        from peft import set_peft_model_state_dict
        from safetensors.torch import load_file

        set_peft_model_state_dict(trainer.model, load_file(str(run_dir / "adapter" / "adapter_model.safetensors")))
        return trainer, metrics
    resume = _last_checkpoint(run_dir)
    output = trainer.train(resume_from_checkpoint=None if resume is None else str(resume))
    metrics = {
        "params": params,
        "train_loss": round(float(output.training_loss), 6),
        "steps": int(trainer.state.global_step),
        "epochs": round(float(trainer.state.epoch or 0.0), 4),
        "resumed_from_step": None if resume is None else int(resume.name.rsplit("-", 1)[-1]),
    }
    if data[1]:
        metrics["eval_loss"] = round(float(trainer.evaluate()["eval_loss"]), 6)
    trainer.model.save_pretrained(str(run_dir / "adapter"))
    done.write_text(json.dumps(metrics))
    return trainer, metrics


# -- the run ------------------------------------------------------------------------------------


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _changed_weights(trainer: Any) -> Iterator[tuple[str, Any]]:
    """The merged weights of the modules LoRA touched, under the base model's parameter names."""
    touched = {name.split(".lora_")[0] for name, _ in trainer.model.named_parameters() if ".lora_" in name}
    merged = trainer.model.merge_and_unload()
    prefixes = {t.removeprefix("base_model.model.") for t in touched}
    for name, param in merged.named_parameters():
        if name.removesuffix(".weight") in prefixes:
            yield name, param.detach().to("cpu").float().numpy()


def train(config: TrainingConfig, progress: Progress | None = None) -> TrainingResult:
    """Train, choose, merge and export (module docstring); calls ``progress`` as it goes."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    report: Progress = progress or (lambda event: None)
    wall, cpu = time.monotonic(), _cpu_seconds()
    device = _device(config)  # before anything slow: a GPU asked for and missing fails at once
    if config.threads:
        import torch

        torch.set_num_threads(config.threads)
    config.output_dir.mkdir(parents=True, exist_ok=True)
    (config.output_dir / "config.json").write_text(config.model_dump_json(indent=1))
    report({"phase": "base"})
    base_dir = prepare_base(config.base_gguf, config.cache_dir)
    examples = _read_examples(config.data, config.method)
    data = _split(examples, config.validation_share if config.grid or config.validation_share else 0.0, config.seed)
    trials = config.trials()
    results: list[dict[str, Any]] = []
    best: tuple[Any, dict[str, Any]] | None = None
    for number, params in enumerate(trials, start=1):
        run_dir = config.output_dir / (f"trial-{number}" if config.grid else "run")
        trainer, metrics = _run_trial(config, base_dir, run_dir, data, params, report, number, len(trials))
        results.append(metrics)
        score = metrics.get("eval_loss", metrics["train_loss"])
        if best is None or score < best[1].get("eval_loss", best[1]["train_loss"]):
            best = (trainer, metrics)
        else:
            del trainer
    assert best is not None
    trainer, chosen = best
    report({"phase": "export"})
    model_config = json.loads((base_dir / "config.json").read_text())
    changed = dict(_changed_weights(trainer))
    out = export_gguf(config.base_gguf, changed, model_config, config.output_dir / "model.gguf", name=config.name,
                      dtype=config.export_dtype)
    digest = file_sha256(out)
    metrics = {
        **{k: v for k, v in chosen.items() if k != "params"},
        "chosen": chosen.get("params", {}),
        "examples": len(examples),
        "train_examples": len(data[0]),
        "validation_examples": len(data[1]),
        "wall_s": round(time.monotonic() - wall, 2),
        "cpu_s": round(_cpu_seconds() - cpu, 2),
        "device": device,
        "changed_tensors": len(changed),
    }
    report({"phase": "done", **metrics})
    return TrainingResult(gguf=out, sha256=digest, size=out.stat().st_size, metrics=metrics,
                          config=config.model_dump(mode="json"), trials=results)
