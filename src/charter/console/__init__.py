"""The web console under ``/console``: a face like :mod:`charter.api` and :mod:`charter.cli`.

Server-rendered HTML (Jinja2 templates in ``templates/``) with a small vendored htmx
(``static/htmx.min.js``, 2.0.11, BSD-0 licence) for partial updates and ``static/console.js`` for
keyboard shortcuts; no build step, no CDN, no inline script. Pages only translate: every action
calls the same capability functions as the API, after the same role and tenant checks
(docs/console.md). Capabilities never import this package.
"""

from __future__ import annotations

from importlib import resources

from fastapi import APIRouter, FastAPI

from charter.console import (
    auth,
    charters,
    citizen,
    evals,
    incidents,
    interactions,
    knowledge,
    ledger,
    models,
    monitoring,
    prompts,
    review,
    scoring,
    sso,
    teams,
    usecases,
    workflows,
)
from charter.console.web import make_templates

__all__ = ["router", "setup"]

router = APIRouter()
for _module in (auth, sso, scoring, teams, review, usecases, interactions, ledger, citizen,  # before review's /{id}
                charters, monitoring, incidents, prompts, evals, knowledge, models, workflows):
    router.include_router(_module.router)


def setup(app: FastAPI) -> None:
    """Load the templates and the static files once, when the app is built."""
    app.state.console_templates = make_templates()
    static = resources.files("charter.console") / "static"
    app.state.console_static = {name: (static / name).read_bytes() for name in auth.STATIC_FILES}
