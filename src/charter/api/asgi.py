"""ASGI entry point for uvicorn workers: ``uvicorn --factory charter.api.asgi:create``."""

from __future__ import annotations

from fastapi import FastAPI

from charter.api.app import create_app
from charter.files import restrict_umask
from charter.settings import load_settings


def create() -> FastAPI:
    restrict_umask()  # a worker creates owner-only files, like the CLI (charter.files)
    return create_app(load_settings())
