"""Every route that checks a role names a group of :mod:`charter.principals.roles`, so the API and the
console read one table of who may do what (STYLE.md, "One rule per concept")."""

from __future__ import annotations

from collections.abc import Iterable
from types import ModuleType

from fastapi import APIRouter
from fastapi.routing import APIRoute

from charter.api.app import ROUTERS
from charter.api.deps import roles as roles_of
from charter.api.edge import _route_policy
from charter.domain import ROLES
from charter.principals import roles

GROUPS = {name: getattr(roles, name) for name in roles.__all__}


def _strays(modules: Iterable[ModuleType | APIRouter]) -> dict[str, tuple[str, ...]]:
    """``METHOD path`` -> roles, for each route whose roles are not one of the named groups."""
    groups = set(GROUPS.values())
    found = {}
    for module in modules:
        router = module if isinstance(module, APIRouter) else module.router
        for route in router.routes:
            if isinstance(route, APIRoute):
                allowed = _route_policy(route).roles
                if allowed and allowed not in groups:
                    found[f"{','.join(sorted(route.methods))} {route.path}"] = allowed
    return found


def test_every_route_that_checks_a_role_names_a_role_group() -> None:
    assert _strays(ROUTERS) == {}


def test_the_check_sees_a_route_that_spells_its_own_roles() -> None:
    router = APIRouter()

    @router.get("/api/v1/example")
    @roles_of("admin", "app")
    def example() -> None:  # pragma: no cover - never called
        return None

    assert _strays([router]) == {"GET /api/v1/example": ("admin", "app")}


def test_each_group_lists_known_roles_in_the_domain_order() -> None:
    for name, group in GROUPS.items():
        assert group, name
        assert list(group) == [role for role in ROLES if role in group], name
