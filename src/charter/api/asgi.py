"""ASGI entry point for uvicorn workers: ``uvicorn --factory charter.api.asgi:create``."""

from __future__ import annotations

import gc

from fastapi import FastAPI

from charter.api.app import create_app
from charter.files import restrict_umask
from charter.runtime import Runtime
from charter.settings import load_settings


async def _freeze_startup_objects(_rt: Runtime) -> None:
    """Once the runtime, guards and models are loaded, move every object alive so far out of the
    cyclic collector's generations: they live as long as the worker, and scanning them again on each
    full collection cost the guarded request path ~0.1 ms (issue 12's profile). Only the served app
    does this; apps built in-process (tests, tools) keep the default collector."""
    gc.freeze()


def create() -> FastAPI:
    restrict_umask()  # a worker creates owner-only files, like the CLI (charter.files)
    app = create_app(load_settings())
    app.state.on_start.append(_freeze_startup_objects)
    return app
