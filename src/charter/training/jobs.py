"""Fine-tuning as a background job: queued, claimed, run with progress and a heartbeat, resumed after
a crash, registered in the model registry with its lineage and cost.

``charter train run`` (:func:`submit_training`) queues a job for a dataset version and a target alias.
The scheduler's ``training.run`` job (:func:`run_next_training`; or ``charter train work`` in its own
process) claims the oldest queued job, or a running one whose heartbeat is older than
``CHARTER_TRAINING_STALE_S`` (its process died), with one conditional UPDATE, and runs
:func:`charter.training.finetune.train` in a thread. The job's folder is
``$CHARTER_DATA_DIR/training/<job id>`` whatever process runs it, so a second attempt finds the
checkpoints of the first and resumes from the last one. When training finishes, the GGUF moves to
``$CHARTER_DATA_DIR/models/`` and is registered as a **candidate** version of the alias
(:func:`charter.training.registry.register_version`: base, dataset id and hash, the training config,
code version, metrics and the file's SHA-256) by the person who queued the job; it serves nobody until
the MD-3 gate passes (a canary or a promotion, by someone else). The job records its CPU and GPU
seconds and their cost at ``CHARTER_TRAINING_CPU_HOUR_PRICE`` / ``CHARTER_TRAINING_GPU_HOUR_PRICE``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection, and_, or_, select, update

from charter import ledger
from charter.errors import Conflict, InvalidRequest, NotFound
from charter.jobs.scheduler import replica_id
from charter.providers.embedded import EMBEDDED_MODELS, locate_model
from charter.runtime import Runtime
from charter.store.records import pick, pick_iso
from charter.store.schema import new_id, utcnow
from charter.store.types import iso
from charter.training.datasets import export_dataset
from charter.training.finetune import TrainingConfig, TrainingResult, train
from charter.training.registry import Registration, register_version
from charter.training.remote import train_on_ray
from charter.training.tables import training_datasets, training_jobs

__all__ = [
    "TrainingRequest",
    "claim_training",
    "get_training_job",
    "list_training_jobs",
    "run_next_training",
    "run_training_job",
    "submit_training",
    "training_cost",
]

log = logging.getLogger(__name__)

#: Options a job may set (the rest of TrainingConfig is decided by Charter: paths, the base file).
_PATHS = frozenset({"base_gguf", "data", "output_dir", "cache_dir"})
_HEARTBEAT_S = 5.0


@dataclass(frozen=True, slots=True)
class TrainingRequest:
    alias: str  # the model alias the result is registered under
    dataset_id: str
    base: str = "smollm2"  # an embedded model's key, or an absolute GGUF path (CLI only)
    options: dict[str, Any] = field(default_factory=dict)  # TrainingConfig fields (method from the dataset)


def _as_dict(r: Any) -> dict[str, Any]:
    return {
        **pick(r, "id", "alias", "dataset_id", "method", "options", "status", "progress", "attempts", "worker"),
        "heartbeat_at": iso(r.heartbeat_at),
        **pick(r, "result", "error", "model_version_id", "device", "cpu_s", "gpu_s", "cost", "created_by"),
        **pick_iso(r, "created_at", "started_at", "finished_at"),
    }


def _job_dir(rt: Runtime, job_id: str) -> Path:
    return rt.settings.data_dir / "training" / job_id


def _base_file(base: str) -> Path:
    if base in EMBEDDED_MODELS:
        return locate_model(base)
    path = Path(base).expanduser()
    if not path.is_absolute() or not path.is_file():
        raise InvalidRequest(f"base must be an embedded model ({', '.join(EMBEDDED_MODELS)}) or an absolute path "
                             "to a GGUF file", code="invalid_value", param="base")
    return path


def _config(rt: Runtime, job_id: str, method: str, base: Path, options: dict[str, Any]) -> TrainingConfig:
    folder = _job_dir(rt, job_id)
    try:
        return TrainingConfig(
            **{"name": job_id, **options}, method=method, base_gguf=base, data=folder / "data.jsonl",
            output_dir=folder / "out", cache_dir=rt.settings.data_dir / "training" / "cache",
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        param = ".".join(str(p) for p in first["loc"]) or "options"
        raise InvalidRequest(f"training option {param}: {first['msg']}", code="invalid_value", param=param) from exc


def submit_training(rt: Runtime, conn: Connection, tenant_id: str, request: TrainingRequest, *,
                    actor: str) -> dict[str, Any]:
    """Queue a fine-tuning job (validated now: dataset, options, base file). Ledgered."""
    found = conn.execute(select(training_datasets.c.kind, training_datasets.c.tainted_at).where(
        training_datasets.c.tenant_id == tenant_id, training_datasets.c.id == request.dataset_id)).first()
    if found is None:
        raise NotFound(f"training dataset {request.dataset_id!r} not found in this tenant "
                       "(`charter train dataset list`)", param="dataset")
    if found.tainted_at is not None:
        raise Conflict(f"training dataset {request.dataset_id} lost examples to an erasure or retention; build a "
                       "new version and train on that", code="dataset_tainted", param="dataset")
    bad = sorted(set(request.options) & (_PATHS | {"method"}))
    if bad:
        raise InvalidRequest(f"training options may not set {', '.join(bad)}: Charter decides them",
                             code="invalid_value", param=bad[0])
    if not request.alias.strip():
        raise InvalidRequest("alias names the model the result is registered under", code="missing_field",
                             param="alias")
    job_id = new_id("tjob")
    base = _base_file(request.base)
    config = _config(rt, job_id, str(found.kind), base, request.options)
    options = {**config.model_dump(mode="json", exclude=set(_PATHS) | {"method"}), "base": request.base}
    now = utcnow()
    values = {
        "id": job_id, "tenant_id": tenant_id, "alias": request.alias, "dataset_id": request.dataset_id,
        "method": found.kind, "options": options, "status": "queued", "progress": {}, "attempts": 0,
        "worker": None, "heartbeat_at": None, "result": None, "error": None, "model_version_id": None,
        "device": None, "cpu_s": 0.0, "gpu_s": 0.0, "cost": 0.0, "created_by": actor, "created_at": now,
        "started_at": None, "finished_at": None,
    }
    conn.execute(training_jobs.insert().values(**values))
    ledger.append(conn, tenant_id=tenant_id, actor=actor, action="training.job_queued", subject=job_id,
                  event={"alias": request.alias, "dataset_id": request.dataset_id, "method": found.kind,
                         "options": options})
    return get_training_job(conn, tenant_id, job_id)


def get_training_job(conn: Connection, tenant_id: str, job_id: str) -> dict[str, Any]:
    row = conn.execute(select(training_jobs).where(training_jobs.c.tenant_id == tenant_id,
                                                   training_jobs.c.id == job_id)).first()
    if row is None:
        raise NotFound(f"no training job {job_id!r} in this tenant (`charter train jobs`)", code="not_found")
    return _as_dict(row)


def list_training_jobs(conn: Connection, tenant_id: str, *, limit: int = 50) -> list[dict[str, Any]]:
    rows = conn.execute(select(training_jobs).where(training_jobs.c.tenant_id == tenant_id)
                        .order_by(training_jobs.c.created_at.desc()).limit(limit)).all()
    return [_as_dict(r) for r in rows]


def claim_training(conn: Connection, *, worker: str, now: dt.datetime, stale_s: float,
                   job_id: str | None = None, tenant_id: str | None = None) -> Any:
    """Take the oldest queued job, or a running one whose heartbeat went stale (one conditional UPDATE:
    of two workers, one wins). Returns the claimed row or None."""
    stale = now - dt.timedelta(seconds=stale_s)
    claimable = or_(training_jobs.c.status == "queued",
                    and_(training_jobs.c.status == "running", training_jobs.c.heartbeat_at < stale))
    query = select(training_jobs.c.id, training_jobs.c.status).where(claimable)
    if job_id is not None:
        query = query.where(training_jobs.c.id == job_id)
    if tenant_id is not None:
        query = query.where(training_jobs.c.tenant_id == tenant_id)
    for row in conn.execute(query.order_by(training_jobs.c.created_at).limit(5)).all():
        taken = conn.execute(
            update(training_jobs).where(training_jobs.c.id == row.id, claimable).values(
                status="running", worker=worker, heartbeat_at=now, attempts=training_jobs.c.attempts + 1,
                started_at=training_jobs.c.started_at if row.status == "running" else now, error=None)
        ).rowcount
        if taken == 1:
            if row.status == "running":
                log.warning("training job %s: its worker stopped; %s resumes it", row.id, worker)
            return conn.execute(select(training_jobs).where(training_jobs.c.id == row.id)).one()
    return None


def training_cost(rt: Runtime, result: TrainingResult) -> tuple[float, float, float]:
    """(CPU seconds, GPU seconds, cost) of a finished training run at the configured prices."""
    cpu_s = float(result.metrics.get("cpu_s", 0.0))
    gpu_s = float(result.metrics.get("wall_s", 0.0)) if result.metrics.get("device") == "cuda" else 0.0
    cost = cpu_s / 3600 * rt.settings.training_cpu_hour_price + gpu_s / 3600 * rt.settings.training_gpu_hour_price
    return cpu_s, gpu_s, round(cost, 6)


class _Heartbeat:
    """Refreshes the job's heartbeat and progress from a thread of its own while training runs."""

    def __init__(self, rt: Runtime, job_id: str, worker: str) -> None:
        self.rt, self.job_id, self.worker = rt, job_id, worker
        self.progress: dict[str, Any] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=f"charter-training-{job_id}", daemon=True)
        self._last = 0.0

    def __enter__(self) -> _Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def report(self, event: dict[str, Any]) -> None:
        self.progress = {k: v for k, v in event.items() if v is not None}
        if time.monotonic() - self._last > 1.0 or event.get("phase") in ("checkpoint", "export", "done"):
            self._beat()

    def _beat(self) -> None:
        self._last = time.monotonic()
        progress, now = dict(self.progress), utcnow()
        try:
            self.rt.writer.write(lambda c: c.execute(
                update(training_jobs).where(training_jobs.c.id == self.job_id, training_jobs.c.worker == self.worker)
                .values(heartbeat_at=now, progress=progress)))
        except Exception:  # a missed heartbeat only risks a second worker resuming: log it, go on
            log.warning("training job %s: heartbeat failed", self.job_id, exc_info=True)

    def _loop(self) -> None:
        while not self._stop.wait(_HEARTBEAT_S):
            self._beat()


def run_training_job(rt: Runtime, job: Any, *, worker: str, ray_address: str | None = None) -> dict[str, Any]:
    """Run a claimed job to its end (blocking: call in a thread): export the dataset, train (resuming
    from the job folder's checkpoints), move the GGUF under the models folder, register the version,
    record the result and cost. A failure is recorded on the job (``failed``) and returned. With
    ``ray_address`` (default ``CHARTER_RAY_ADDRESS``) the training itself runs as one Ray task
    (:mod:`charter.training.remote`); everything else stays here."""
    address = ray_address or rt.settings.ray_address
    folder = _job_dir(rt, job.id)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        body, _ = rt.writer.write(lambda c: export_dataset(c, job.tenant_id, job.dataset_id, actor=job.created_by))
        (folder / "data.jsonl").write_bytes(body)
        options = {k: v for k, v in job.options.items() if k != "base"}
        config = _config(rt, job.id, job.method, _base_file(job.options.get("base", "smollm2")), options)
        with _Heartbeat(rt, job.id, worker) as beat:
            result = train_on_ray(config, beat.report, address) if address else train(config, beat.report)
        models_dir = rt.settings.data_dir / "models"
        models_dir.mkdir(parents=True, exist_ok=True)
        target = models_dir / f"{job.alias}-{job.id}.gguf"
        shutil.move(str(result.gguf), target)
        target.chmod(0o444)
        cpu_s, gpu_s, cost = training_cost(rt, result)
        registration = Registration(
            alias=job.alias, base=f"{job.options.get('base', 'smollm2')} ({config.base_gguf.name})", file=target,
            dataset_id=job.dataset_id, training_config={"method": job.method, **options},
            metrics={**result.metrics, "training_cost": cost, "trials": result.trials},
        )

        def finish(conn: Connection) -> dict[str, Any]:
            version = register_version(conn, job.tenant_id, registration, actor=job.created_by)
            conn.execute(update(training_jobs).where(training_jobs.c.id == job.id).values(
                status="succeeded", result={"metrics": result.metrics, "trials": result.trials,
                                            "sha256": result.sha256, "size": result.size,
                                            "version": version["label"]},
                model_version_id=version["id"], device=result.metrics.get("device"), cpu_s=cpu_s, gpu_s=gpu_s,
                cost=cost, finished_at=utcnow(), progress={"phase": "done"}))
            ledger.append(conn, tenant_id=job.tenant_id, actor=job.created_by, action="training.job_finished",
                          subject=job.id, event={"version": version["label"], "sha256": result.sha256,
                                                 "metrics": result.metrics, "cost": cost})
            return get_training_job(conn, job.tenant_id, job.id)

        return rt.writer.write(finish)
    except Exception as exc:
        log.exception("training job %s failed", job.id)
        error = f"{type(exc).__name__}: {exc}"[:4000]

        def failed(conn: Connection) -> dict[str, Any]:
            conn.execute(update(training_jobs).where(training_jobs.c.id == job.id).values(
                status="failed", error=error, finished_at=utcnow()))
            ledger.append(conn, tenant_id=job.tenant_id, actor="scheduler", action="training.job_failed",
                          subject=job.id, event={"error": error})
            return get_training_job(conn, job.tenant_id, job.id)

        return rt.writer.write(failed)


async def run_next_training(rt: Runtime) -> dict[str, Any]:
    """The ``training.run`` job: claim one training job (queued or stale) and run it in a thread."""
    worker = replica_id()
    now = utcnow()
    job = await rt.writer.awrite(lambda c: claim_training(c, worker=worker, now=now,
                                                          stale_s=rt.settings.training_stale_s))
    if job is None:
        return {"ran": None}
    done = await asyncio.to_thread(run_training_job, rt, job, worker=worker)
    outcome: dict[str, Any] = {"ran": job.id, "status": done["status"], "attempt": done["attempts"]}
    if done["status"] == "failed":
        outcome["errors"] = [done["error"]]
    return outcome
