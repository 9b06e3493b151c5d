"""Fine-tuning (issue 17 item 2) in small form: a two-block cut of the shipped SmolLM2 GGUF (same
tokenizer, template and layout; :func:`charter.training.weights.truncate_gguf`) trained for a few
LoRA steps on a dataset built from reviewed answers, through the job (``charter train run`` /
``charter train work``), merged, exported to GGUF and registered as a candidate with its lineage and
cost; the exported file loads in llama.cpp and answers measurably differently, closer to the trained
answer. A training process killed after a checkpoint resumes from it. The full-size fine-tune is in
benchmarks/learning.py."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import update

from charter.providers.embedded import locate_model, locate_registered
from charter.store.schema import utcnow
from charter.training.finetune import TrainingConfig, train
from charter.training.jobs import claim_training
from charter.training.tables import training_jobs
from charter.training.weights import prepare_base, truncate_gguf
from tests.integration.oversight.conftest import BASE_CHARTER
from tests.integration.training.conftest import TRAINABLE, Trainer
from tests.integration.training.test_cli import cli  # noqa: F401 (fixture)
from tests.integration.training.test_cli import run as charter_cli

ANSWER = "Bring form T1 to counter seven."
QUESTIONS = ["Where do I hand in my return?", "Where can I drop off my tax return?",
             "Where does my tax form go?", "Where do I submit my return on paper?"]
FAST = {"max_steps": 6, "learning_rate": 0.01, "batch_size": 2, "max_length": 48, "save_steps": 3,
        "target_modules": ["q_proj", "k_proj", "v_proj", "o_proj"], "threads": 1}


@pytest.fixture(scope="session")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """(the two-block GGUF, a cache folder holding its transformers checkpoint), made once a session."""
    kept = os.environ.get("CHARTER_TEST_TINY_MODEL_DIR")  # a folder kept between runs while developing
    folder = Path(kept) if kept else tmp_path_factory.mktemp("tiny-model")
    folder.mkdir(parents=True, exist_ok=True)
    if (folder / "smollm2-2blocks.gguf").is_file():
        yield folder / "smollm2-2blocks.gguf", folder / "cache"
        return
    gguf = truncate_gguf(locate_model("smollm2"), folder / "smollm2-2blocks.gguf", 2)
    prepare_base(gguf, folder / "cache")
    yield gguf, folder / "cache"


def _greedy(path: Path, question: str) -> str:
    from llama_cpp import Llama

    llm = Llama(str(path), n_ctx=256, n_threads=1, verbose=False, seed=0)
    try:
        out = llm.create_chat_completion([{"role": "user", "content": question}], max_tokens=12, temperature=0.0)
        return str(out["choices"][0]["message"]["content"])
    finally:
        llm.close()


def _overlap(text: str, target: str) -> float:
    words = {w.strip(".,").lower() for w in target.split()}
    said = {w.strip(".,").lower() for w in text.split()}
    return len(words & said) / len(words)


def test_a_fine_tune_job_registers_a_candidate_that_answers_differently(
    cli: Trainer, tiny: tuple[Path, Path], tmp_path: Path  # noqa: F811
) -> None:
    gguf, cache = tiny
    settings = cli.platform.rt.settings
    (settings.data_dir / "training").mkdir(parents=True, exist_ok=True)
    (settings.data_dir / "training" / "cache").symlink_to(cache, target_is_directory=True)
    cli.charter(TRAINABLE.removeprefix(BASE_CHARTER))
    for question in QUESTIONS:
        cli.decide(cli.ask_with(question, ANSWER), "approve")
    code, built = charter_cli("train", "dataset", "build", "--use-case", "tax-helpdesk")
    assert code == 0 and built["examples"] == 4, built
    config = tmp_path / "lora.json"
    config.write_text(json.dumps(FAST))
    code, queued = charter_cli("train", "run", "--dataset", built["id"], "--alias", "mock", "--base", str(gguf),
                               "--config", str(config))
    assert code == 0 and (queued["status"], queued["method"]) == ("queued", "sft"), queued
    code, bad = charter_cli("train", "run", "--dataset", built["id"], "--alias", "mock", "--config",
                            str(_write(tmp_path / "bad.json", {"output_dir": "/etc"})))
    assert code == 1 and bad["error"]["code"] == "invalid_value"
    code, done = charter_cli("train", "work", queued["id"])
    assert code == 0 and done["status"] == "succeeded", done
    assert done["result"]["metrics"]["steps"] == 6 and done["cpu_s"] > 0 and done["cost"] > 0
    assert done["result"]["version"] == "mock@2" and done["progress"] == {"phase": "done"}
    code, versions = charter_cli("models", "versions", "mock")
    [version] = [v for v in versions if v["label"] == "mock@2"]
    lineage = version["lineage"]
    assert version["state"] == "candidate"  # serves nobody before the gate
    assert lineage["dataset"] == {"id": built["id"], "sha256": built["sha256"]}
    assert lineage["training_config"]["learning_rate"] == 0.01 and lineage["training_config"]["method"] == "sft"
    assert lineage["metrics"]["training_cost"] == done["cost"] and lineage["base"].startswith(str(gguf))
    # total cost per version: training at the configured CPU-hour price, serving per 1,000 answers, quality
    code, report = charter_cli("cost", "report", "tax-helpdesk")
    assert code == 0, report
    [mock] = report["models"]
    by_label = {v["version"]: v for v in mock["versions"]}
    assert by_label["mock@2"]["training_cost"] == done["cost"] and by_label["mock@2"]["answers"] == 0
    assert by_label["mock@1"]["answers"] == 4 and by_label["mock@1"]["training_cost"] is None
    assert by_label["mock@1"]["cost_per_1000_answers"] == mock["cost_per_1000_answers"]
    [file] = lineage["files"]
    exported = locate_registered(file["path"], file["sha256"])  # what the embedded provider loads
    assert exported.parent == settings.data_dir / "models"
    before = [_greedy(gguf, q) for q in QUESTIONS[:2]]
    after = [_greedy(exported, q) for q in QUESTIONS[:2]]
    assert before != after
    assert sum(_overlap(a, ANSWER) for a in after) > sum(_overlap(b, ANSWER) for b in before)


def _write(path: Path, data: dict[str, object]) -> Path:
    path.write_text(json.dumps(data))
    return path


def _sft_data(path: Path) -> Path:
    """Every question answered with ANSWER, as an SFT dataset's JSON Lines."""
    path.write_text("\n".join(json.dumps({"messages": [{"role": "user", "content": q},
                                                      {"role": "assistant", "content": ANSWER}]})
                              for q in QUESTIONS))
    return path


_KILLABLE = """
import sys, time
from charter.training.finetune import TrainingConfig, train
config = TrainingConfig.model_validate_json(open(sys.argv[1]).read())
train(config, lambda event: time.sleep(600) if event.get("phase") == "checkpoint" else None)
"""


def test_a_killed_training_run_resumes_from_its_last_checkpoint(tiny: tuple[Path, Path], tmp_path: Path) -> None:
    gguf, cache = tiny
    data = _sft_data(tmp_path / "data.jsonl")
    config = TrainingConfig(base_gguf=gguf, data=data, output_dir=tmp_path / "out", cache_dir=cache,
                            **{**FAST, "save_steps": 2, "max_steps": 4})
    (tmp_path / "config.json").write_text(config.model_dump_json())
    child = subprocess.Popen([sys.executable, "-c", _KILLABLE, str(tmp_path / "config.json")],
                             env={**os.environ, "HF_HUB_OFFLINE": "1"})
    checkpoint = tmp_path / "out" / "run" / "checkpoint-2"
    deadline = time.monotonic() + 240
    while not (checkpoint / "trainer_state.json").is_file() and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(0.5)  # the checkpoint's files are written before on_save is called
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert child.returncode == -signal.SIGKILL and checkpoint.is_dir()
    assert not (tmp_path / "out" / "model.gguf").exists()
    result = train(config)
    assert (result.metrics["resumed_from_step"], result.metrics["steps"]) == (2, 4)
    assert result.gguf.is_file() and result.metrics["changed_tensors"] == 8


def test_a_job_whose_worker_died_is_claimed_again(cli: Trainer, tiny: tuple[Path, Path]) -> None:  # noqa: F811
    gguf, _ = tiny
    cli.charter(TRAINABLE.removeprefix(BASE_CHARTER))
    cli.decide(cli.ask_with(QUESTIONS[0], ANSWER), "approve")
    code, built = charter_cli("train", "dataset", "build", "--use-case", "tax-helpdesk")
    code, queued = charter_cli("train", "run", "--dataset", built["id"], "--alias", "mock", "--base", str(gguf))
    assert code == 0, queued
    rt = cli.platform.rt
    now = utcnow()
    first = rt.writer.write(lambda c: claim_training(c, worker="a", now=now, stale_s=60))
    assert first is not None and (first.id, first.attempts, first.worker) == (queued["id"], 1, "a")
    # running with a fresh heartbeat: nobody else takes it
    assert rt.writer.write(lambda c: claim_training(c, worker="b", now=now, stale_s=60)) is None
    # its worker stopped beating: the next claim resumes it
    rt.writer.write(lambda c: c.execute(update(training_jobs).where(training_jobs.c.id == queued["id"]).values(
        heartbeat_at=now - dt.timedelta(seconds=120))))
    again = rt.writer.write(lambda c: claim_training(c, worker="b", now=now, stale_s=60))
    assert again is not None and (again.id, again.attempts, again.worker) == (queued["id"], 2, "b")
    assert again.started_at == first.started_at


def test_preference_pairs_train_with_dpo(tiny: tuple[Path, Path], tmp_path: Path) -> None:
    gguf, cache = tiny
    data = tmp_path / "pairs.jsonl"
    rejected = [{"role": "assistant", "content": "Paper returns were withdrawn."}]
    data.write_text("\n".join(json.dumps({"prompt": [{"role": "user", "content": q}],
                                          "chosen": [{"role": "assistant", "content": ANSWER}], "rejected": rejected})
                              for q in QUESTIONS))
    config = TrainingConfig(method="dpo", base_gguf=gguf, data=data, output_dir=tmp_path / "out", cache_dir=cache,
                            **{**FAST, "max_steps": 2, "learning_rate": 0.001})
    result = train(config)
    assert result.metrics["steps"] == 2 and result.metrics["changed_tensors"] == 8
    assert result.config["method"] == "dpo" and result.gguf.is_file()
    with pytest.raises(ValueError, match="needs prompt, chosen and rejected"):
        train(config.model_copy(update={"method": "dpo", "data": _write(tmp_path / "sft.jsonl", {"messages": []})}))


def test_a_grid_trains_one_adapter_per_combination_and_keeps_the_lowest_validation_loss(
    tiny: tuple[Path, Path], tmp_path: Path
) -> None:
    gguf, cache = tiny
    data = _sft_data(tmp_path / "data.jsonl")
    config = TrainingConfig(base_gguf=gguf, data=data, output_dir=tmp_path / "out", cache_dir=cache,
                            **{**FAST, "max_steps": 2, "save_steps": 10, "validation_share": 0.25,
                               "grid": {"learning_rate": [1e-5, 0.01]}})
    result = train(config)
    assert [t["params"] for t in result.trials] == [{"learning_rate": 1e-5}, {"learning_rate": 0.01}]
    assert all(t["steps"] == 2 and "eval_loss" in t for t in result.trials)
    assert result.trials[0]["eval_loss"] != result.trials[1]["eval_loss"]
    best = min(result.trials, key=lambda t: t["eval_loss"])
    assert result.metrics["chosen"] == best["params"] and result.metrics["eval_loss"] == best["eval_loss"]
    assert (result.metrics["train_examples"], result.metrics["validation_examples"]) == (3, 1)
    assert {p.name for p in (tmp_path / "out").iterdir() if p.is_dir()} == {"trial-1", "trial-2"}
    assert result.gguf.is_file()
    with pytest.raises(ValueError, match="grid may vary"):
        TrainingConfig.model_validate({**config.model_dump(), "grid": {"warmup": [1.0]}})
