"""Training jobs run as Ray tasks (issue 18 item 4, charter.training.remote), on a local Ray instance with 2
CPUs: a job trained on a Ray worker (``charter train work --ray`` with ``CHARTER_RAY_ADDRESS``) registers the
same candidate as the same job trained in one process: the same weights (the GGUF's SHA-256), loss and
steps; a failure in the task is the same error as in one process. Small: the two-block SmolLM2 cut of
test_finetune.py, 3 LoRA steps. Runs in a pytest process of its own
(tests/integration/evals/test_ray_isolated.py)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.support.ray_process import IN_RAY_PROCESS, SKIP_REASON

if not IN_RAY_PROCESS:
    pytest.skip(SKIP_REASON, allow_module_level=True)

from charter.store.schema import utcnow
from charter.training.finetune import TrainingConfig
from charter.training.jobs import claim_training, run_training_job
from charter.training.remote import train_on_ray
from tests.integration.oversight.conftest import BASE_CHARTER
from tests.integration.training.conftest import TRAINABLE, Trainer
from tests.integration.training.test_cli import cli  # noqa: F401 (fixture)
from tests.integration.training.test_cli import run as charter_cli
from tests.integration.training.test_finetune import ANSWER, FAST, QUESTIONS, tiny  # noqa: F401 (fixture)

ray = pytest.importorskip("ray", reason="ray is not installed: pip install 'charter[ray]'")

pytestmark = pytest.mark.slow

SMALL = {**FAST, "max_steps": 3, "save_steps": 3, "name": "parity"}  # one name: the GGUF's metadata matches


@pytest.fixture(scope="module")
def ray_address():
    """The address of a local Ray instance (2 CPUs) that the training driver joins."""
    started = not ray.is_initialized()
    if started:
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield ray.get_runtime_context().gcs_address
    if started:
        ray.shutdown()


def test_a_training_job_on_ray_registers_the_candidate_one_process_registers(
    ray_address: str, cli: Trainer, tiny: tuple[Path, Path], tmp_path: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    gguf, cache = tiny
    rt = cli.platform.rt
    (rt.settings.data_dir / "training").mkdir(parents=True, exist_ok=True)
    (rt.settings.data_dir / "training" / "cache").symlink_to(cache, target_is_directory=True)
    cli.charter(TRAINABLE.removeprefix(BASE_CHARTER))
    for question in QUESTIONS[:2]:
        cli.decide(cli.ask_with(question, ANSWER), "approve")
    code, built = charter_cli("train", "dataset", "build", "--use-case", "tax-helpdesk")
    assert code == 0, built
    options = tmp_path / "lora.json"
    options.write_text(json.dumps(SMALL))
    queued = []
    for _ in range(2):
        code, job = charter_cli("train", "run", "--dataset", built["id"], "--alias", "mock", "--base", str(gguf),
                                "--config", str(options))
        assert code == 0, job
        queued.append(job["id"])
    # one process
    job = rt.writer.write(lambda c: claim_training(c, worker="here", now=utcnow(), stale_s=60, job_id=queued[0]))
    local = run_training_job(rt, job, worker="here", ray_address=None)
    assert local["status"] == "succeeded", local
    # a Ray task, through the command
    monkeypatch.setenv("CHARTER_RAY_ADDRESS", ray_address)
    code, remote = charter_cli("train", "work", queued[1], "--ray")
    assert code == 0 and remote["status"] == "succeeded", remote
    ran_on = remote["result"]["metrics"]["ran_on"]
    assert ran_on["pid"] != os.getpid() and ran_on["ray_node"] == ray.get_runtime_context().get_node_id()
    assert "ran_on" not in local["result"]["metrics"]
    # the same weights, loss and steps; both candidates, each with its lineage
    assert remote["result"]["sha256"] == local["result"]["sha256"]
    assert remote["result"]["size"] == local["result"]["size"]
    for key in ("train_loss", "steps", "changed_tensors", "examples"):
        assert remote["result"]["metrics"][key] == local["result"]["metrics"][key], key
    assert remote["progress"] == local["progress"] == {"phase": "done"}
    assert remote["cpu_s"] > 0 and remote["cost"] > 0
    code, versions = charter_cli("models", "versions", "mock")
    by_label = {v["label"]: v for v in versions}
    for done in (local, remote):
        version = by_label[done["result"]["version"]]
        assert version["state"] == "candidate"
        assert version["lineage"]["dataset"]["id"] == built["id"]
        assert [f["sha256"] for f in version["lineage"]["files"]] == [local["result"]["sha256"]]


def test_a_failing_training_task_raises_what_one_process_raises(
    ray_address: str, tiny: tuple[Path, Path], tmp_path: Path  # noqa: F811
) -> None:
    gguf, cache = tiny
    data = tmp_path / "sft.jsonl"
    data.write_text(json.dumps({"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]}))
    config = TrainingConfig(method="dpo", base_gguf=gguf, data=data, output_dir=tmp_path / "out", cache_dir=cache,
                            **FAST)
    events: list[dict[str, object]] = []
    with pytest.raises(ValueError, match="needs prompt, chosen and rejected"):
        train_on_ray(config, events.append, ray_address)
    assert {"phase": "base"} in events  # progress came back from the task before it failed
    missing = config.model_copy(update={"data": tmp_path / "nowhere.jsonl"})
    with pytest.raises(FileNotFoundError, match="mount CHARTER_DATA_DIR"):
        train_on_ray(missing, None, ray_address)
