"""The pinned embedded models are read from a manifest shipped in the package (data/embedded_models.json)."""

from __future__ import annotations

import dataclasses
import re

from charter.providers.embedded import EMBEDDED_MODELS, EmbeddedModel


def test_the_manifest_pins_each_model_by_sha256_with_every_field_typed():
    assert list(EMBEDDED_MODELS) == ["smollm2", "gemma3"]
    kinds = {"str": str, "int": int, "bool": bool}
    for key, model in EMBEDDED_MODELS.items():
        assert model.key == key
        assert re.fullmatch(r"[0-9a-f]{64}", model.sha256)
        for field in dataclasses.fields(EmbeddedModel):
            assert type(getattr(model, field.name)) is kinds[str(field.type)], (key, field.name)
