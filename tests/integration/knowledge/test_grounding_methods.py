"""The grounding guard's methods through the gateway, over real HTTP, on both stores: the charter picks
the check (``guards.grounding.options.method``); an unknown method is refused at apply."""

from __future__ import annotations

from tests.conftest import AGENCY_CHARTER
from tests.integration.knowledge.test_gateway import GUIDE, _ask, _charter, _kb

LIST_ANSWER = ("Here is what the guide says:\n- Returns filed late pay a penalty of 5 percent of the balance owing.\n"
               "- Refunds are paid within eight weeks of filing.\n- Late filers may appeal to the tax minister by fax.")


def _guarded(platform, method: str) -> None:
    _kb(platform, "tax-guide", GUIDE)
    _charter(platform, "knowledge_bases: [tax-guide]\nguards:\n"
             f"  grounding: {{action: block, threshold: 0.5, options: {{method: {method}}}}}\n")


def test_features_method_blocks_an_invented_list_item_and_passes_a_supported_answer(http, platform):
    _guarded(platform, "features")
    platform.upstream.reply = LIST_ANSWER
    blocked = _ask(http, platform, "What happens if I file late?")
    platform.upstream.reply = "Returns filed late pay a penalty of 5 percent of the balance owing."
    allowed = _ask(http, platform, "What is the late filing penalty?")
    assert blocked.status_code == 200, blocked.text
    assert blocked.json()["choices"][0]["finish_reason"] == "content_filter"
    assert blocked.json()["charter"]["content_filter"]["guard"] == "grounding"
    assert allowed.status_code == 200, allowed.text
    assert allowed.json()["choices"][0]["message"]["content"] == platform.upstream.reply
    assert allowed.json()["charter"]["grounding"]["score"] > 0.5


def test_lexical_method_on_request_and_an_unknown_method_is_refused_at_apply(http, platform):
    _guarded(platform, "lexical")
    platform.upstream.reply = "The filing deadline is June 15 and late returns are forgiven."
    blocked = _ask(http, platform, "When is the filing deadline?")
    assert blocked.status_code == 200, blocked.text
    assert blocked.json()["choices"][0]["finish_reason"] == "content_filter"
    yaml_text = AGENCY_CHARTER.format(rpm=1000, tpm=1_000_000, max_chars=4000) + (
        "guards:\n  grounding: {action: block, options: {method: vibes}}\n")
    refused = http.post("/api/v1/usecases", json={"yaml": yaml_text}, headers=platform.auth("admin"))
    assert refused.status_code == 400, refused.text
    assert refused.json()["error"]["code"] == "invalid_charter"
    assert refused.json()["error"]["param"] == "guards.grounding.options"
