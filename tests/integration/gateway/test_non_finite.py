"""NaN and infinite numbers (JSON ``1e999``, ``NaN``, ``Infinity``; YAML ``.inf``, ``.nan``) are the
caller's ``400 invalid_value`` in every management body, on both stores (was 503: PostgreSQL's JSON
refuses them, the ledger cannot hash them)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from charter.store.schema import charter_versions, models

JSON = {"content-type": "application/json"}


def _count(platform, table) -> int:
    with platform.rt.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def _refused(r, param: str | None = None) -> None:
    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert error["code"] == "invalid_value", error
    if param is not None:
        assert error["param"] == param, error


@pytest.mark.parametrize("number", ["1e999", "-1e999", "NaN", "Infinity"])
def test_non_finite_model_price_is_400_invalid_value_and_stores_nothing(http, platform, number):
    before = _count(platform, models)
    body = '{"alias": "m-inf", "provider": "openai", "price_prompt_per_1k": ' + number + "}"
    r = http.post("/api/v1/models", content=body, headers={**platform.auth("admin"), **JSON})
    _refused(r)
    assert "price_prompt_per_1k" in r.text or "finite" in r.text
    assert _count(platform, models) == before


def test_model_price_of_1e999_names_the_field(platform):
    """Without the edge's JSON check (the CLI, a Python caller), the model spec itself refuses it."""
    from pydantic import ValidationError

    from charter.catalog import ModelSpec

    with pytest.raises(ValidationError) as err:
        ModelSpec(alias="m", price_prompt_per_1k=float("inf"))
    assert [(e["loc"], e["type"]) for e in err.value.errors()] == [(("price_prompt_per_1k",), "finite_number")]


@pytest.mark.parametrize("yaml_value", [".inf", "-.inf", ".nan"])
def test_non_finite_number_in_a_charter_is_400_not_5xx(http, platform, yaml_value):
    before = _count(platform, charter_versions)
    text = (
        "name: inf-case\ntenant: agency\nmodels: [mock]\nregions: [ca-central-1]\n"
        f"guards:\n  pii:\n    action: warn\n    options: {{min_score: {yaml_value}}}\n"
    )
    r = http.post("/api/v1/usecases", json={"yaml": text}, headers=platform.auth("admin"))
    assert r.status_code == 400, r.text
    assert r.json()["error"]["code"] == "invalid_charter"
    assert any("finite" in p["message"] for p in r.json()["error"]["problems"]), r.json()
    assert _count(platform, charter_versions) == before


def test_non_finite_prompt_parameter_is_400(http, platform):
    body = ('{"name": "inf-prompt", "template": "Answer: {{ question }}", '
            '"model_params": {"temperature": 1e999}}')
    r = http.post("/api/v1/prompts", content=body, headers={**platform.auth("admin"), **JSON})
    _refused(r)
    assert http.get("/api/v1/prompts/inf-prompt", headers=platform.auth("admin")).status_code == 404


def test_non_finite_prompt_parameter_in_a_yaml_file_is_refused():
    from charter.prompts.spec import PromptSpec

    with pytest.raises(ValueError, match=r"model_params.temperature must be a finite number"):
        PromptSpec(name="p", template="x", model_params={"temperature": float("inf")})
    with pytest.raises(ValueError, match=r"finite"):
        PromptSpec(name="p", template="x", thresholds={"accuracy": {"min": float("nan")}})


def test_non_finite_number_in_an_eval_dataset_line_is_400(http, platform):
    content = '{"input": "a", "meta": {"weight": NaN}}\n'
    r = http.post("/api/v1/evals/datasets", json={"name": "nan-set", "content": content},
                  headers=platform.auth("admin"))
    _refused(r)
    assert "line 1" in r.json()["error"]["message"]


def test_non_finite_suite_threshold_is_400(http, platform):
    ok = http.post("/api/v1/evals/datasets", json={"name": "fine-set", "content": '{"input": "a"}\n'},
                   headers=platform.auth("admin"))
    assert ok.status_code == 201, ok.text
    body = ('{"dataset": "fine-set", "evaluators": ["exact_match"], '
            '"thresholds": {"exact_match": {"min": 1e999}}}')
    r = http.put("/api/v1/evals/suites/tax-helpdesk", content=body, headers={**platform.auth("admin"), **JSON})
    _refused(r)
