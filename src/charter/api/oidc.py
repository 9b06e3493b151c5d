"""``/api/v1/oidc``: the OpenID provider's back-channel logout (single sign-on, docs/operations.md).

The caller is the provider, not a person: the edge does not authenticate this route (``@public``);
the signed logout token is the credential (:mod:`charter.identity.logout`)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

import anyio.to_thread
from fastapi import APIRouter, Request

from charter.api.deps import get_runtime, oidc_verifier, public
from charter.api.responses import JSONResponse
from charter.errors import InvalidRequest, NotFound
from charter.identity.logout import accept_logout

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/oidc", tags=["identity"])


@router.post("/backchannel-logout")
@public
async def backchannel_logout(request: Request) -> JSONResponse:
    """Receive ``logout_token`` (form-encoded); 200 once the session is refused on every replica."""
    rt = get_runtime(request)
    verifier = oidc_verifier(rt)
    if verifier is None:
        raise NotFound("single sign-on is not configured (CHARTER_OIDC_ISSUER)", code="not_found")
    form = parse_qs((await request.body()).decode("utf-8", "replace"))
    tokens = form.get("logout_token", [])
    if len(tokens) != 1 or not tokens[0]:
        raise InvalidRequest(
            "send one `logout_token` (form-encoded)", code="invalid_logout_token", param="logout_token"
        )
    result: dict[str, Any] = await anyio.to_thread.run_sync(accept_logout, rt, verifier, tokens[0])
    return JSONResponse(result, headers={"cache-control": "no-store"})
