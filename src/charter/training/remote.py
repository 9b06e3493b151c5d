"""A training run as one Ray task (issue 18 item 4): with ``CHARTER_RAY_ADDRESS`` (or ``charter train work
--ray``) a training job's :func:`charter.training.finetune.train` runs on a node of the Ray cluster, asking
it for the CPUs (``threads``, at least one) and, for ``device`` ``cuda`` (or ``auto`` on a cluster that has
GPUs), one GPU; the job around it (claim, heartbeat, dataset export, registration, cost) stays where it was.

What fans out is the job, not the training: one run is one process (a LoRA fine-tune of a small model does
not gain from data parallelism across machines), and the gain a platform team wants is that training leaves
the serving replicas for the cluster's GPU nodes, several jobs at once on as many nodes.

The Ray driver runs in a child process (``python -m charter.training.remote``): a gateway replica that has
loaded ``usearch`` (knowledge search) would abort at ``ray.init`` (the two libraries' C++ runtimes collide,
:mod:`charter.cluster`), and a Ray driver that fails on start takes only the child with it. The child
prints the task's progress events as JSON lines and the result (or the error) as the last one; the parent
hands the events to ``progress`` as the local path does.

Paths travel as they are: the Ray node must see ``CHARTER_DATA_DIR`` (the job folder with the dataset and
checkpoints, the base model's cache) at the same path, as the replicas already share it to resume a job
whose worker died. A worker that cannot see it fails the job with a message naming the path.
"""

from __future__ import annotations

import builtins
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from charter.cluster import ray_session
from charter.errors import Unavailable
from charter.training.finetune import Progress, TrainingConfig, TrainingResult, train

__all__ = ["train_on_ray"]


class _ProgressBox:
    """A Ray actor holding the progress events of one run until the driver collects them."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def put(self, event: dict[str, Any]) -> None:
        self.events.append(event)

    def drain(self) -> list[dict[str, Any]]:
        events, self.events = self.events, []
        return events


def _train_task(config_json: str, box: Any) -> dict[str, Any]:
    """The Ray task: one training run on this node; the result as a JSON-ready dict."""
    import ray

    config = TrainingConfig.model_validate_json(config_json)
    missing = [str(p) for p in (config.base_gguf, config.data) if not p.is_file()]
    if missing:
        raise FileNotFoundError(f"the Ray node does not see {', '.join(missing)}: mount CHARTER_DATA_DIR (and the "
                                "base model) at the same path on every node (docs/operations.md, Batch work on Ray)")
    result = train(config, lambda event: box.put.remote(event))
    context = ray.get_runtime_context()
    result.metrics["ran_on"] = {"ray_node": context.get_node_id(), "pid": os.getpid()}
    return _as_json(result)


def _as_json(result: TrainingResult) -> dict[str, Any]:
    return {"gguf": str(result.gguf), "sha256": result.sha256, "size": result.size, "metrics": result.metrics,
            "config": result.config, "trials": result.trials}


def _gpus(ray: Any, config: TrainingConfig) -> int:
    if config.device == "cuda":
        return 1
    if config.device == "auto":
        return 1 if ray.cluster_resources().get("GPU", 0) >= 1 else 0
    return 0


def drive(config: TrainingConfig, progress: Progress, address: str) -> dict[str, Any]:
    """Run ``config`` as one Ray task on the cluster at ``address`` (in this process); ``progress`` gets the
    task's events as they come. Returns the result as :func:`_as_json` gives it."""
    with ray_session(address) as ray:
        box = ray.remote(num_cpus=0)(_ProgressBox).remote()
        task = ray.remote(_train_task).options(num_cpus=max(1, config.threads), num_gpus=_gpus(ray, config),
                                               max_retries=0)
        ref = task.remote(config.model_dump_json(), box)
        try:
            while True:
                ready, _ = ray.wait([ref], timeout=1.0)
                for event in ray.get(box.drain.remote()):
                    progress(event)
                if ready:
                    return dict(ray.get(ref))
        finally:
            ray.kill(box)


def _error(exc: BaseException) -> dict[str, Any]:
    cause = getattr(exc, "cause", None) or exc  # a RayTaskError carries the task's own exception
    if isinstance(cause, Unavailable):
        return {"type": "Unavailable", "message": cause.message}
    if type(cause).__module__.startswith("ray"):  # the worker died, the node went away: the cluster's fault
        return {"type": "Unavailable", "message": f"the training task on Ray failed: {type(cause).__name__}: "
                f"{str(cause)[:1000]}"}
    return {"type": type(cause).__name__, "message": str(cause)[:4000]}


def _raise(error: dict[str, Any]) -> None:
    """Raise what the task raised: the same builtin exception as the local path (so the job records the
    same error), ``503 ray_unavailable`` for the cluster's own failures."""
    kind, message = str(error.get("type", "")), str(error.get("message", ""))
    if kind == "Unavailable":
        raise Unavailable(message, code="ray_unavailable")
    found = getattr(builtins, kind, None)
    if isinstance(found, type) and issubclass(found, Exception):
        raise found(message)
    raise RuntimeError(f"{kind}: {message}")


def train_on_ray(config: TrainingConfig, progress: Progress | None, address: str) -> TrainingResult:
    """:func:`charter.training.finetune.train`, run as a Ray task from a child driver process (module
    docstring). A driver that cannot reach the cluster, or dies, raises ``503 ray_unavailable``."""
    report: Progress = progress or (lambda event: None)
    child = subprocess.Popen(
        [sys.executable, "-m", "charter.training.remote", address],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "RAY_USAGE_STATS_ENABLED": os.environ.get("RAY_USAGE_STATS_ENABLED", "0")},
    )
    assert child.stdin is not None and child.stdout is not None and child.stderr is not None
    child.stdin.write(config.model_dump_json())
    child.stdin.close()
    last: dict[str, Any] = {}
    for line in child.stdout:
        try:
            message = json.loads(line)
        except ValueError:
            continue  # a library printed to stdout
        if not isinstance(message, dict):
            continue
        if "event" in message:
            report(message["event"])
        else:
            last = message
    stderr = child.stderr.read()
    code = child.wait()
    if "result" in last:
        r = last["result"]
        return TrainingResult(gguf=Path(r["gguf"]), sha256=r["sha256"], size=r["size"], metrics=r["metrics"],
                              config=r["config"], trials=r["trials"])
    if "error" in last:
        _raise(last["error"])
    raise Unavailable(f"the Ray driver process exited with code {code}: {stderr.strip()[-1500:]}",
                      code="ray_unavailable")


def _main(address: str) -> int:
    def emit(message: dict[str, Any]) -> None:
        sys.stdout.write(json.dumps(message, default=str) + "\n")
        sys.stdout.flush()

    try:
        config = TrainingConfig.model_validate_json(sys.stdin.read())
        emit({"result": drive(config, lambda event: emit({"event": event}), address)})
    except Exception as exc:
        emit({"error": _error(exc)})
        return 1
    return 0


if __name__ == "__main__":
    # through the module's own name, so that Ray ships _train_task and _ProgressBox by reference
    from charter.training.remote import _main as main

    sys.exit(main(sys.argv[1]))
