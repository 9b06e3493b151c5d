"""Every route under ``/api/`` and ``/v1/`` is in the edge's table, so the edge authenticates it and
checks its roles before the body is read.

The edge learns the routes from each router module's ``router.routes``; a router included into another
(``router.include_router``) hides its routes there in recent FastAPI releases (0.165 keeps them behind a
private ``_IncludedRouter``), and a route the edge does not know is passed through unauthenticated to
the route's own dependencies, after its body was read. The OpenAPI document lists every route however
it was included, so it is the reference here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute

from charter.api.app import create_app
from charter.api.edge import Edge
from charter.settings import Settings

_PARAM = re.compile(r"\{[^}/]+\}")


def _edge_routes(app: FastAPI) -> Sequence[APIRoute]:
    (edge,) = [m for m in app.user_middleware if m.cls is Edge]
    routes: Sequence[APIRoute] = edge.kwargs["routes"]
    return routes


def _unseen(app: FastAPI, routes: Sequence[APIRoute]) -> list[str]:
    """``METHOD /path`` of each documented route under /api/ or /v1/ that no route of ``routes`` matches."""
    missing = []
    paths: dict[str, dict[str, Any]] = app.openapi()["paths"]
    for path, operations in paths.items():
        if not path.startswith(("/api/", "/v1/")):
            continue
        concrete = _PARAM.sub("x1", path)
        for method in operations:
            if not any(method.upper() in (r.methods or ()) and r.path_regex.match(concrete) for r in routes):
                missing.append(f"{method.upper()} {path}")
    return missing


def test_every_api_route_is_in_the_edge_table() -> None:
    app = create_app(Settings(data_dir=Path("/nonexistent/charter-edge-test")))
    routes = _edge_routes(app)
    assert len(routes) > 100
    assert _unseen(app, routes) == []


def test_the_check_sees_a_route_the_edge_does_not_know() -> None:
    outer, inner = APIRouter(), APIRouter(prefix="/api/v1/inner")

    @inner.get("/{name}")
    def hidden(name: str) -> dict[str, str]:
        return {"name": name}

    outer.include_router(inner)
    app = FastAPI()
    app.include_router(outer)
    assert _unseen(app, []) == ["GET /api/v1/inner/{name}"]
    assert _unseen(app, [r for r in inner.routes if isinstance(r, APIRoute)]) == []
