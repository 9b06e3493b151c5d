"""The app factory: ``create_app(settings)`` builds the ASGI app; no work happens at import time."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from types import ModuleType

from fastapi import FastAPI
from fastapi.routing import APIRoute

from charter import console
from charter.api import (
    alerts,
    assignments,
    drift,
    evals,
    gateway,
    guards,
    health,
    jobs,
    knowledge,
    ledger,
    management,
    model_training,
    model_versions,
    monitor,
    oidc,
    oversight,
    prompts,
    subjects,
    training,
    workflows,
)
from charter.api.edge import Edge
from charter.api.errors import install_error_handlers
from charter.api.responses import JSONResponse
from charter.runtime import Runtime
from charter.settings import Settings

__all__ = ["ROUTERS", "create_app"]

#: Router modules (``router = APIRouter()`` in each, and an optional ``setup(app)``), in order.
ROUTERS: tuple[ModuleType, ...] = (
    gateway, management, ledger, guards, oversight, prompts, evals, knowledge, monitor, jobs, health, drift,
    alerts, subjects, training, oidc, console, model_versions, model_training, assignments, workflows,
)


def create_app(settings: Settings, runtime: Runtime | None = None) -> FastAPI:
    """Build the app. With ``runtime`` the caller owns it; otherwise the app opens and closes one."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = runtime is None
        rt = runtime or Runtime.open(settings)
        app.state.runtime = rt
        for start in app.state.on_start:
            await start(rt)
        try:
            yield
        finally:
            for stop in app.state.on_stop:
                await stop(rt)
            if owned:
                rt.close()

    app = FastAPI(
        title="Charter",
        version="0.1.0",
        description="Governed OpenAI-compatible gateway and management API. Errors use one shape: "
        '`{"error": {"message", "type", "param", "code"}}` with a stable `code`.',
        lifespan=lifespan,
        default_response_class=JSONResponse,
    )
    app.state.on_start = []
    app.state.on_stop = []
    if runtime is not None:
        app.state.runtime = runtime
    install_error_handlers(app)
    routes: list[APIRoute] = []  # the edge looks up each request's route (roles, caps) here
    app.add_middleware(Edge, settings=settings, routes=routes)
    for module in ROUTERS:
        app.include_router(module.router)
        routes.extend(route for route in module.router.routes if isinstance(route, APIRoute))
        setup = getattr(module, "setup", None)
        if callable(setup):
            setup(app)
    return app
