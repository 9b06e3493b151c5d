"""Model pages: the tenant's aliases, and per alias its registered versions with lineage (base, dataset
version, training config, code version, file hashes), state (serving, candidate, canary with its share,
withdrawn with the reason), quality (the latest evaluation on each use case's suite), training cost and
serving cost per 1,000 answers (``charter cost report``), its canaries and its fine-tuning jobs with
their progress. Admin and developer start and stop a canary, promote and roll back after a confirmation
page (a reason for the stop and the rollback, recorded in the ledger). The same
:mod:`charter.training` functions and roles as ``/api/v1/models`` and ``/api/v1/training/jobs``."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy import Connection

from charter import catalog
from charter.api.deps import get_runtime
from charter.console.web import PREFIX, ConsoleRoute, Posted, Viewer, posted, redirect, render, signed_in, tenant_read
from charter.errors import CharterError, InvalidRequest
from charter.monitor import cost
from charter.policy import service as policy
from charter.principals import roles
from charter.store.schema import utcnow
from charter.training import canary, registry
from charter.training.jobs import list_training_jobs

__all__ = ["MODEL_BUILDERS", "router"]

router = APIRouter(prefix=PREFIX + "/models", route_class=ConsoleRoute, include_in_schema=False)

MODEL_BUILDERS = roles.BUILDERS
_ACTIONS = ("canary-start", "canary-stop", "promote", "rollback")
_OPEN = ("running", "promotable")


@router.get("")
def list_page(request: Request, viewer: Viewer = Depends(signed_in)) -> Response:
    entries = tenant_read(request, viewer, MODEL_BUILDERS, catalog.list_models)
    aliases: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        aliases.setdefault(entry["alias"], []).append(entry)
    return render(request, "models.html", viewer=viewer, aliases=aliases)


def _alias_page(request: Request, viewer: Viewer, alias: str, *, status: int = 200,
                refusal: CharterError | None = None, done: str = "") -> Response:
    p = viewer.require(*MODEL_BUILDERS)
    view = get_runtime(request).read(lambda conn: _alias_view(conn, p.tenant_id, alias))
    return render(request, "model.html", viewer=viewer, status=status, alias=alias, **view, refusal=refusal,
                  done=done, may_act=viewer.may(*MODEL_BUILDERS))


def _alias_view(conn: Connection, tenant_id: str, alias: str) -> dict[str, Any]:
    """An alias's versions (newest first), canaries, training jobs, the use cases that name it and what
    each version costs them."""
    versions = registry.list_versions(conn, tenant_id, alias)
    canaries = canary.list_canaries(conn, tenant_id, alias)
    jobs = [j for j in list_training_jobs(conn, tenant_id) if j["alias"] == alias]
    use_cases = [u["name"] for u in policy.list_use_cases(conn, tenant_id) if alias in u["models"]]
    reports = {name: cost.use_case_report(conn, tenant_id, name, now=utcnow()) for name in use_cases}
    costs: dict[str, dict[str, dict[str, Any]]] = {}  # version label -> use case -> the report's figures
    for name, report in reports.items():
        for model in report["models"]:
            if model["model"] == alias:
                for v in model["versions"]:
                    costs.setdefault(v["version"], {})[name] = v
    latest: dict[int, dict[str, Any]] = {}  # version number -> its newest canary
    for c in canaries:
        latest.setdefault(c["version"], c)
    return {"versions": list(reversed(versions)), "canaries": canaries, "latest": latest,
            "open": next((c for c in canaries if c["state"] in _OPEN), None), "jobs": jobs, "costs": costs,
            "use_cases": use_cases}


@router.get("/{alias}")
def detail(alias: str, request: Request, viewer: Viewer = Depends(signed_in)) -> Response:
    done = request.query_params.get("done", "")
    return _alias_page(request, viewer, alias, done=done if done in _ACTIONS else "")


def _int(post: Posted, name: str, default: int | None = None) -> int:
    raw = post.text(name, max_length=9)
    if not raw and default is not None:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise InvalidRequest(f"{name} must be a whole number from 1", code="invalid_value", param=name)
    return int(raw)


def _share(post: Posted) -> float:
    raw = post.text("share", max_length=12) or "0.1"
    try:
        return float(raw)
    except ValueError:
        raise InvalidRequest("share must be a number between 0 and 1", code="invalid_value", param="share") from None


@router.post("/{alias}/{action}")
def act(alias: str, action: str, request: Request, post: Posted = Depends(posted)) -> Response:
    """Step one shows what will happen and asks again; step two (``confirm=yes``) calls what the API's
    route calls; a refusal (a failed gate, a second person needed) stays on the alias's page."""
    p = post.viewer.require(*MODEL_BUILDERS)
    if action not in _ACTIONS:
        raise InvalidRequest(f"unknown action {action!r}", code="invalid_value", param="action")
    reason = post.text("reason", required=action in ("canary-stop", "rollback"), max_length=500)
    version = _int(post, "version") if action in ("canary-start", "promote") else None
    share = _share(post) if action == "canary-start" else None
    rt = get_runtime(request)
    versions = rt.read(lambda conn: registry.list_versions(conn, p.tenant_id, alias))  # 404 before anything is asked
    if post.form.get("confirm") != "yes":
        return render(request, "model_confirm.html", viewer=post.viewer, alias=alias, action=action, reason=reason,
                      version=version, share=share, serving=[v["label"] for v in versions if v["state"] == "serving"])
    try:
        if action == "canary-start":
            assert version is not None and share is not None
            start = canary.CanaryStart(alias=alias, version=version, share=share)
            _, decisions = rt.writer.write(lambda c: canary.start_canary(c, p.tenant_id, start, actor=p.key_id))
        elif action == "promote":
            assert version is not None
            _, decisions = rt.writer.write(
                lambda c: registry.promote_version(c, p.tenant_id, alias, version, approver=p.key_id))
        elif action == "canary-stop":
            decisions = []
            rt.writer.write(lambda c: canary.stop_canary(c, p.tenant_id, alias, actor=p.key_id, reason=reason))
        else:
            decisions = []
            rt.writer.write(lambda c: registry.rollback_version(c, p.tenant_id, alias, actor=p.key_id, reason=reason))
        for decision in decisions:
            if not decision.passed:
                raise decision.error()
    except CharterError as exc:
        return _alias_page(request, post.viewer, alias, status=exc.status, refusal=exc)
    rt.policy_changed()
    return redirect(f"{PREFIX}/models/{quote(alias, safe='')}?done={action}")
