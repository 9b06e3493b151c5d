"""What every group of settings shares: a field's help text is the docstring written under it."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

__all__ = ["Section"]


class Section(BaseModel):
    """A group of Charter's settings (one capability's). Each field's help text, its ``description``
    (listed in docs/settings.md), is the docstring under the field, its line breaks folded into spaces."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        for field in cls.__pydantic_fields__.values():
            if field.description:
                field.description = " ".join(field.description.split())
