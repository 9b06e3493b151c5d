"""What many routes take besides the caller: the base of every JSON body and the common query filters.

A body refuses fields it does not declare (``extra="forbid"``: a field the route would drop is an
error, never silently ignored) and non-finite numbers. A filter is a query parameter that narrows a
list; a route gives its own default (``status: StatusFilter = "pending"``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Query
from pydantic import BaseModel, ConfigDict

__all__ = ["JsonBody", "StatusFilter", "UseCaseFilter"]


class JsonBody(BaseModel):
    """A JSON request body: unknown fields and NaN or infinite numbers are refused (400)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


#: Only the items in this state (``None``: every state).
StatusFilter = Annotated[str | None, Query(max_length=16)]
#: Only this use case's items.
UseCaseFilter = Annotated[str | None, Query(max_length=64)]
