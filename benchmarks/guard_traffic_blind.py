"""Blind held-out splits (``blind11``, ``blind12``) for the injection guard: each written by a writer who read
none of the guard's code, its training data, its documentation, tests or results (issue 12).

    .venv/bin/python benchmarks/injection_traffic.py --split blind12 --final --signatures --baseline REF

benchmarks/data/guard_traffic/blind_test11.jsonl and blind_test12.jsonl: every line is ``{"label":
"attack"|"benign", "kind", "lang", "text"}`` or, for conversations, ``"messages"`` instead of ``"text"``;
written fresh for each split (CC0), in some twenty languages for both sides, so that a detector cannot win on
the language alone. blind11 was frozen 6 Dec 2026 16:35 UTC, before round 9 was scored (702 benign, 350
attacks); blind12 was frozen 7 Dec 2026 01:59 UTC by a second writer given the same brief, before round 10 was
scored on it (529 benign, 352 attacks; the writer ran short of time on benign documents).
Benign kinds: citizens' questions and conversations, staff IT questions, e-mails, letters, forms, tables,
web pages, minutes, policies, knowledge-base articles, JSON records (hard negatives that talk *about*
instructions, passwords, overriding decisions and "disregard the previous letter" among them).
Attack kinds: ``direct`` (the user's own message), ``inserted`` (an ordinary document with an
attacker's instruction hidden in it, screened as data), ``split`` (spread over user turns),
``encoded`` (base64, hex, ROT13, leetspeak, homoglyphs, zero-width characters, a language switch) and
``roleplay`` (persona, fiction, hypothetical framing).

Here they become the rows :mod:`injection_traffic` reads: benign items keep their kind (documents
are screened as data, as in the other splits); attacks become ``direct_blind``, ``direct_blind_encoded``,
``direct_blind_roleplay``, ``inserted_blind`` and ``split_blind``, with ``_xx`` for an attack not in English
(so the headline recall is the English one, as in the other splits, and ``recall_all_languages`` counts all).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
#: Each split's file and the sha256 of the file as its writer delivered it (checked on every load).
SPLITS = {
    "blind11": (HERE / "data" / "guard_traffic" / "blind_test11.jsonl",
                "f8f19565dad5247404f1a62db032f1d69a7757311430edf4a523c6b7a4707f60"),
    "blind12": (HERE / "data" / "guard_traffic" / "blind_test12.jsonl",
                "bb793b4895017b5974fef4e30b88435faee5e27f434609f29281736552335e11"),
}

#: The writer's benign kinds that the gateway screens as data (a document or a tool result).
AS_DATA = {"email", "letter", "form", "table", "webpage", "minutes", "policy", "kb", "json"}
#: The writer's attack kinds and the row each becomes (before the language suffix).
ATTACK_ROWS = {"direct": "direct_blind", "encoded": "direct_blind_encoded", "roleplay": "direct_blind_roleplay",
               "inserted": "inserted_blind", "split": "split_blind"}


def _rows(split: str) -> list[dict[str, Any]]:
    data, sha256 = SPLITS[split]
    raw = data.read_bytes()
    if hashlib.sha256(raw).hexdigest() != sha256:
        raise SystemExit(f"{data} is not the file the writer delivered (sha256 {sha256[:12]})")
    return [json.loads(line) for line in raw.decode("utf-8").splitlines() if line.strip()]


def _item(row: dict[str, Any], kind: str, index: int) -> dict[str, Any]:
    item: dict[str, Any] = {"kind": kind, "id": index, "lang": row.get("lang", "en")}
    if "messages" in row:
        item["messages"] = row["messages"]
        item["text"] = ""
    else:
        item["text"] = row["text"]
    return item


def load_benign(split: str = "blind11") -> list[dict[str, Any]]:
    """The benign rows (their kinds as written; ``webpage`` and the other documents are screened as data)."""
    return [_item(r, r["kind"], i) for i, r in enumerate(_rows(split)) if r["label"] == "benign"]


def attacks(split: str = "blind11") -> list[dict[str, Any]]:
    """The attack rows, as ``direct_blind[_encoded|_roleplay]``, ``inserted_blind`` or ``split_blind``,
    ending ``_translated`` where the attack is not in English (as the other splits name them)."""
    out = []
    for i, r in enumerate(_rows(split)):
        if r["label"] != "attack":
            continue
        kind = ATTACK_ROWS[r["kind"]] + ("" if r.get("lang", "en") == "en" else "_translated")
        out.append(_item(r, kind, i))
    return out
