"""Workflow benchmarks (issue 16): the permit-review example over its whole dataset, and the engine's
overhead per step against calling the same steps directly, in the same run.

    .venv/bin/python benchmarks/workflows.py permit-review [--embedded N] [--model-url URL --url-items N] [--write]
    .venv/bin/python benchmarks/workflows.py overhead [--runs 40] [--write]

Both run in-process on a temporary SQLite store with the scripted OpenAI-compatible upstream of
tests/support/upstream.py on loopback (the integration tests' setup: tests/conftest.make_platform).

* **permit-review**: the 60 synthetic applications of examples/permit-review/ as one batch, every
  planner case approved by a second person, then the batch signed off. Arms, same run: the scripted
  model applies the zoning rules exactly (the plumbing's ceiling: it measures the share sent to a
  person and that no denial and no letter went out without a person's approval); ``--embedded N``
  the embedded SmolLM2 (n_threads=1) on N applications; ``--model-url URL`` any OpenAI-compatible
  server (``…/v1``; ``--url-model`` the name it serves) on ``--url-items`` applications, e.g.
  llama-cpp-python's server on loopback (docs/workflows.md). Writes workflows_permit_review.md,
  or workflows_permit_review_<arms>.md with model arms.
* **overhead**: a three-step workflow (a connector call, a model call through the gateway pipeline,
  a branch) against the same connector call and the same pipeline call made directly; interleaved,
  wall and CPU time (``time.process_time``, this process) per run; the difference divided by the
  three steps is the engine's cost per step (durable intent and result writes, sealing, ledger).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conftest import LOOPBACK_ALLOW, make_platform  # noqa: E402
from tests.support.upstream import ScriptedUpstream  # noqa: E402

from charter.api.deps import key_cache  # noqa: E402
from charter.connectors import CallContext, ConnectorSpec, callable_connector, connectors_of  # noqa: E402
from charter.domain import Exchange  # noqa: E402
from charter.gateway.pipeline import Pipeline  # noqa: E402
from charter.gateway.request import parse_chat  # noqa: E402
from charter.gateway.state import gateway_of  # noqa: E402
from charter.runtime import Runtime  # noqa: E402
from charter.settings import Settings  # noqa: E402
from charter.store import make_engine, upgrade  # noqa: E402
from charter.workflows import apply, decide, run_batch, run_workflow, show_run, sign_off  # noqa: E402
from charter.workflows.modelcall import run_principal  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"


def _platform(tmp: Path, upstream: ScriptedUpstream, embedded_model: str = "none") -> Any:
    data = tmp / "data"
    data.mkdir()
    engine = make_engine(f"sqlite:///{data / 'charter.db'}")
    upgrade(engine)
    engine.dispose()
    rt = Runtime.open(Settings(data_dir=data, embedded_model=embedded_model, llama_threads=1,
                               outbound_allow=LOOPBACK_ALLOW, upstream_timeout_s=600.0))  # a CPU model, a busy box
    return make_platform(rt, upstream)


def _model_arm(platform: Any, charter_yaml: str, workflow_yaml: str, *, provider: str, endpoint: str,
               model_id: str) -> tuple[str, str]:
    """A real model as the use case's model (the embedded SmolLM2, or an OpenAI-compatible URL); the
    draft's max_tokens cut to 60 (CPU time: the letter is not scored, the decision is)."""
    platform.add_model(alias="under-test", provider=provider, endpoint=endpoint, platform_model_id=model_id,
                       version="1", region="local", classification_ceiling="secret", context_window=2048)
    charter_yaml = charter_yaml.replace("models: [mock]", "models: [under-test]").replace(
        "regions: [ca-central-1]", "regions: [local]")
    return charter_yaml, workflow_yaml.replace("max_tokens: 300", "max_tokens: 60")


def _subset(dataset: list[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    """``n`` applications spread over the dataset (every k-th), all 60 when ``n`` >= 60."""
    if n >= len(dataset):
        return dataset
    return dataset[:: max(1, len(dataset) // n)][:n]


def _permit_arm(arm: str, items: int, model_url: str | None = None, url_model: str = "smollm2",
                json_mode: str = "schema", url_provider: str = "openai") -> dict[str, Any]:
    """One arm over ``items`` applications: ``scripted`` (the rule-following scripted upstream),
    ``embedded`` (SmolLM2 in process, n_threads=1) or ``url`` (an OpenAI-compatible server)."""
    from tests.integration.workflows import test_permit_review as example

    from charter.connectors import parse_connectors
    from charter.knowledge import service
    from charter.knowledge.ingest import Source, ingest

    upstream = ScriptedUpstream().start()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        platform = _platform(tmp, upstream, "smollm2" if arm == "embedded" else "none")
        rt = platform.rt
        try:
            rules, plugin = example._module("make_data"), example._module("plugin")
            plugin.OUTBOX = tmp / "letters.jsonl"
            charter_yaml = example._for_the_test_platform((example.EXAMPLE / "charter.yaml").read_text())
            workflow_yaml = example._for_the_test_platform((example.EXAMPLE / "workflow.yaml").read_text())
            if arm == "embedded":
                from charter.providers.embedded import EMBEDDED_MODELS

                charter_yaml, workflow_yaml = _model_arm(
                    platform, charter_yaml, workflow_yaml, provider="embedded", endpoint="embedded://smollm2",
                    model_id=EMBEDDED_MODELS["smollm2"].filename)
            elif arm == "url":
                assert model_url is not None
                charter_yaml, workflow_yaml = _model_arm(platform, charter_yaml, workflow_yaml, provider=url_provider,
                                                         endpoint=model_url, model_id=url_model)
                if json_mode == "object":  # a server that refuses response_format json_schema
                    workflow_yaml = workflow_yaml.replace("      output: json\n",
                                                          "      output: json\n      json_mode: object\n")
            platform.apply(charter_yaml)
            spec = service.KnowledgeBaseSpec(name="zoning-rules")
            rt.writer.write(lambda c: service.create_kb(c, spec, tenant_id=platform.tenant_id, actor="b",
                                                        egress=rt.egress))
            ingest(rt, tenant_id=platform.tenant_id, kb_name="zoning-rules", uploader="b", sources=[Source(
                "zoning-rules.md", (example.EXAMPLE / "zoning-rules.md").read_bytes(), "https://city.gov/zoning")])
            url = example._database(tmp / "permits.db")
            declared = example._for_the_test_platform((example.EXAMPLE / "connectors.yaml").read_text()).replace(
                "sqlite:///examples/permit-review/permits.db", url)
            rt.extensions.items["connectors"]["permit_letters"] = plugin.callable_connector(
                plugin.send_letter, consequential=True, idempotent=False, parameters=plugin.PARAMETERS)
            for connector in parse_connectors(declared).values():
                connectors_of(rt).add(connector)
            upstream.script = example._model(rules)
            apply(rt, workflow_yaml, actor="b")
            dataset = _subset([json.loads(line) for line in
                               (example.EXAMPLE / "applications.jsonl").read_text().splitlines()], items)
            admin = key_cache(rt).authenticate(platform.keys["admin"])
            planner = key_cache(rt).authenticate(platform.keys["reviewer"])
            started, cpu = time.perf_counter(), time.process_time()

            async def go() -> dict[str, Any]:
                batch = await run_batch(rt, admin, "permit-review", [{"application_id": a["id"]} for a in dataset])
                letters_before = (tmp / "letters.jsonl").exists()
                for r in batch["runs"]:
                    if r["waiting_for"] == "approval":
                        await decide(rt, planner, r["id"], approve=True, comment="planner")
                await sign_off(rt, planner, batch["batch_id"], comment="batch")
                return {**batch, "letters_before_approval": letters_before}

            batch = asyncio.run(go())
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            shown = [rt.writer.write(lambda c, r=r: show_run(rt, c, admin, r["id"])) for r in batch["runs"]]
        finally:
            rt.close()
            upstream.stop()
    expected = {a["id"]: a["expected"] for a in dataset}
    outcomes = {s["input"]["application_id"]: (s["output"] or {}, s["steps"]) for s in shown}
    why: dict[str, int] = {}
    for s in shown:
        if s["status"] != "succeeded":
            key = f"{s['status']}: {s['error_code'] or s['waiting_for']}"
            why[key] = why.get(key, 0) + 1
    unapproved_denials = 0
    for output, steps in outcomes.values():
        names = [(s["step"], s["status"]) for s in steps]
        if ("issue", "done") not in names:
            continue
        issued = names.index(("issue", "done"))
        if output.get("decision") == "deny" and ("planner", "approved") not in names[:issued]:
            unapproved_denials += 1
    return {
        "arm": arm, "n": len(dataset), "failed": sum(why.values()), "why": why,
        "decision": sum(o.get("decision") == expected[i]["decision"] for i, (o, _) in outcomes.items()),
        "correct": sum(o.get("decision") == expected[i]["decision"] and o.get("rule") == expected[i]["rule"]
                       for i, (o, _) in outcomes.items()),
        "to_person": sum(o.get("routed_to") == "planner" for o, _ in outcomes.values()),
        "expected_person": sum(e["planner"] for e in expected.values()),
        "denials": sum(o.get("decision") == "deny" for o, _ in outcomes.values()),
        "unapproved_denials": unapproved_denials,
        "letters_before": int(batch["letters_before_approval"]),
        "seconds": seconds, "cpu": cpu,
    }


ARM_NAMES = {
    "scripted": "scripted (rule-following; the plumbing's ceiling)",
    "embedded": "embedded SmolLM2-135M (in process, 1 thread)",
    "url": "OpenAI-compatible URL",
}


def permit_review(write: bool, embedded: int = 0, model_url: str | None = None, url_items: int = 12,
                  url_model: str = "smollm2", url_json_mode: str = "schema", url_provider: str = "openai") -> str:
    """The scripted baseline and, when asked, the embedded model and/or a model by URL, in one run."""
    load = [Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else ["?"] * 3]
    others = ([("embedded", embedded)] if embedded else []) + ([("url", url_items)] if model_url else [])
    arms = [_permit_arm("scripted", max([n for _, n in others], default=60))]
    for arm, n in others:
        arms.append(_permit_arm(arm, n, model_url, url_model, url_json_mode, url_provider))
    load.append(Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else ["?"] * 3)

    def row(label: str, cell: Any) -> str:
        return f"| {label} | " + " | ".join(cell(a) for a in arms) + " |"

    def share(count: int, a: dict[str, Any]) -> str:
        return f"{count}/{a['n']} ({count / a['n']:.3f})"

    names = [ARM_NAMES[a["arm"]] + (f" `{model_url}` ({url_model}, provider {url_provider}, json_mode {url_json_mode})"
                                    if a["arm"] == "url" else "") for a in arms]
    flags = (f" --embedded {embedded}" if embedded else "") + (
        f" --model-url URL --url-items {url_items} --url-json-mode {url_json_mode} --url-provider {url_provider}"
        if model_url else "")
    report = "\n".join([
        f"# Permit-review example (benchmarks/workflows.py permit-review{flags})", "",
        "Synthetic applications of examples/permit-review/applications.jsonl (known outcomes, not tuned on: the "
        "workflow and its prompt were written before any model was scored; this file is the only scoring), one "
        "batch per arm, SQLite; every run a planner is asked for is approved by a second person, then the batch "
        "is signed off. A subset is every k-th application. Model arms cut the letter's max_tokens to 60 "
        "(the decision is scored, not the letter). Load average (1/5/15 min) before "
        f"{' '.join(load[0])}, after {' '.join(load[1])} (2 vCPU; other work on the machine shows in these).", "",
        "| measure | " + " | ".join(names) + " |", "|---|" + "---|" * len(arms),
        row("applications", lambda a: str(a["n"])),
        row("runs that did not finish (answer not JSON / fails the schema, a step refused)",
            lambda a: f"{a['failed']} ({', '.join(f'{k} x{v}' for k, v in sorted(a['why'].items())) or 'none'})"),
        row("decision correct (approve/deny)", lambda a: share(a["decision"], a)),
        row("decision and rule correct", lambda a: share(a["correct"], a)),
        row("sent to a planner (human-review share)", lambda a: share(a["to_person"], a)),
        row("share a planner must see (ground truth)", lambda a: f"{a['expected_person'] / a['n']:.3f}"),
        row("denials decided", lambda a: str(a["denials"])),
        row("**denials issued without a planner's approval**", lambda a: f"**{a['unapproved_denials']}**"),
        row("letters sent before any person approved", lambda a: str(a["letters_before"])),
        row("wall s, whole batch (2 model calls, 4 connector calls a run)", lambda a: f"{a['seconds']:.1f}"),
        row("CPU s of this process (the URL arm's model runs in the server's)", lambda a: f"{a['cpu']:.1f}"),
        "", "Routing is the workflow's, not the model's: every denial the model decides goes to a planner, so a "
        "wrong model costs accuracy and review work, never an unapproved denial.", ""])
    if write:
        suffix = "".join(f"_{arm}" for arm, _ in others)
        (RESULTS / f"workflows_permit_review{suffix}.md").write_text(report)
    return report


OVERHEAD = """\
name: bench
tenant: agency
use_case: tax-helpdesk
steps:
  - id: look
    connector: lookup
    arguments: {case: "{{ input.case }}"}
  - id: ask
    model:
      message: "Case {{ input.case }}: {{ steps.look.output.status }}"
  - id: route
    branch:
      - when: "steps.ask.output | length > 0"
        goto: end
      - goto: end
"""


def overhead(runs: int, write: bool) -> str:
    upstream = ScriptedUpstream().start()
    with tempfile.TemporaryDirectory() as tmp_name:
        platform = _platform(Path(tmp_name), upstream)
        rt = platform.rt

        async def lookup(arguments: dict[str, Any], context: CallContext) -> dict[str, Any]:
            return {"case": arguments["case"], "status": "open"}

        rt.extensions.items["connectors"]["lookup"] = callable_connector(lookup, consequential=False, idempotent=True)
        connectors_of(rt).add(ConnectorSpec(name="lookup", kind="lookup", tenants=["agency"]))
        apply(rt, OVERHEAD, actor="bench")
        admin = key_cache(rt).authenticate(platform.keys["admin"])
        pipeline = rt.part("pipeline", Pipeline, lambda: Pipeline(rt))
        principal = run_principal("direct", admin.tenant_id, "agency", "tax-helpdesk")

        async def direct(case: str) -> None:
            connector = connectors_of(rt).get("lookup", "agency")
            looked = await connector.call({"case": case}, CallContext(principal, "direct", "look"))
            chat = parse_chat({"messages": [{"role": "user", "content": f"Case {case}: {looked['status']}"}]})
            policy = gateway_of(rt).policy(principal.tenant_id, "tax-helpdesk")
            ex = Exchange(request_id=uuid.uuid4().hex, principal=principal, use_case_id=policy.use_case_id,
                          charter=policy.charter, charter_version=policy.version, messages=chat.messages,
                          params=chat.params, metadata={})
            outcome = await pipeline.chat(ex)
            assert outcome.status == 200 and len(ex.output) > 0  # the branch

        async def engine(case: str) -> None:
            done = await run_workflow(rt, admin, "bench", {"case": case})
            assert done["status"] == "succeeded", done

        async def measure() -> dict[str, list[tuple[float, float]]]:
            times: dict[str, list[tuple[float, float]]] = {"direct": [], "engine": []}
            for i in range(3):  # warm both paths
                await direct(f"w{i}")
                await engine(f"w{i}")
            for i in range(runs):
                for name, fn in (("direct", direct), ("engine", engine)) if i % 2 else (
                        ("engine", engine), ("direct", direct)):
                    wall, cpu = time.perf_counter(), time.process_time()
                    await fn(f"c{i}")
                    times[name].append((time.perf_counter() - wall, time.process_time() - cpu))
            return times

        try:
            times = asyncio.run(measure())
        finally:
            rt.close()
            upstream.stop()
    med = {k: (statistics.median(w for w, _ in v) * 1000, statistics.median(c for _, c in v) * 1000)
           for k, v in times.items()}
    per_step_wall = (med["engine"][0] - med["direct"][0]) / 3
    per_step_cpu = (med["engine"][1] - med["direct"][1]) / 3
    report = "\n".join([
        "# Workflow engine overhead (benchmarks/workflows.py overhead)", "",
        f"{runs} runs of each, interleaved, same process, SQLite, scripted upstream on loopback; three steps "
        "(connector, model through the gateway pipeline, branch). Medians per run. Machine shared by 8 "
        "helpers (2 vCPU), busy: quote the CPU column and the ratio.", "",
        "| path | wall ms / run | CPU ms / run |", "|---|---|---|",
        f"| direct calls (connector + pipeline) | {med['direct'][0]:.1f} | {med['direct'][1]:.1f} |",
        f"| workflow engine (same steps) | {med['engine'][0]:.1f} | {med['engine'][1]:.1f} |",
        f"| engine overhead per step | {per_step_wall:.1f} | {per_step_cpu:.1f} |",
        f"| ratio engine / direct | {med['engine'][0] / med['direct'][0]:.2f} "
        f"| {med['engine'][1] / med['direct'][1]:.2f} |",
        "", "The engine's cost per step is its durable writes (intent and result rows, sealed inputs and "
        "outputs, run state sealed, a ledger entry each) through the single SQLite writer.", ""])
    if write:
        (RESULTS / "workflows_overhead.md").write_text(report)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("which", choices=["permit-review", "overhead"])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--embedded", type=int, default=0, help="permit-review: the embedded model, N items")
    parser.add_argument("--model-url", default=None,
                        help="permit-review: an OpenAI-compatible base URL (…/v1) as a further arm")
    parser.add_argument("--url-model", default="smollm2", help="permit-review: the model name the URL serves")
    parser.add_argument("--url-items", type=int, default=12, help="permit-review: N items for the URL arm")
    parser.add_argument("--url-json-mode", choices=["schema", "object"], default="schema",
                        help="permit-review: `object` for a server that refuses response_format json_schema")
    parser.add_argument("--url-provider", choices=["openai", "llama-server"], default="openai",
                        help="permit-review: the provider kind of the URL arm (`llama-server`: llama-cpp-python's "
                        "server, JSON mode in llama.cpp's dialect)")
    parser.add_argument("--write", action="store_true", help="write benchmarks/results/workflows_*.md")
    args = parser.parse_args()
    if args.which == "permit-review":
        print(permit_review(args.write, args.embedded, args.model_url, args.url_items, args.url_model,
                            args.url_json_mode, args.url_provider))
    else:
        print(overhead(args.runs, args.write))


if __name__ == "__main__":
    main()
