"""Writes the permit-review example's synthetic data (deterministic; run once, the files are committed):

* ``parcels.jsonl``: the property register (parcel id, zone, lot area, heritage listing);
* ``applications.jsonl``: 60 building-permit applications with their known correct outcome
  (``expected``: approve or deny, the rule that decides, and whether a planner must see it).

The rules are those of ``zoning-rules.md``: R1 houses at most 9 m high, R1 sheds at most 4 m, R1 lot
coverage at most 40 %; C2 buildings at most 15 m; any work on a heritage-listed parcel goes to a
planner whatever the outcome, and so does every denial.

    python examples/permit-review/make_data.py
"""

from __future__ import annotations

import json
import random
from pathlib import Path

HERE = Path(__file__).parent
LIMITS = {("R1", "house"): 9.0, ("R1", "shed"): 4.0, ("C2", "shop"): 15.0, ("C2", "office"): 15.0}
RULE = {("R1", "house"): "R1-H", ("R1", "shed"): "R1-S", ("C2", "shop"): "C2-H", ("C2", "office"): "C2-H"}


def expected(app: dict[str, object], parcel: dict[str, object]) -> dict[str, object]:
    zone, structure = str(parcel["zone"]), str(app["structure"])
    height, footprint, lot = float(app["height_m"]), float(app["footprint_m2"]), float(parcel["lot_area_m2"])  # type: ignore[arg-type]
    if height > LIMITS[(zone, structure)]:
        decision, rule = "deny", RULE[(zone, structure)]
    elif zone == "R1" and footprint / lot > 0.40:
        decision, rule = "deny", "R1-C"
    else:
        decision, rule = "approve", RULE[(zone, structure)]
    return {"decision": decision, "rule": rule, "planner": decision == "deny" or bool(parcel["heritage"])}


def main() -> None:
    rng = random.Random(20261205)
    parcels, apps = [], []
    for i in range(60):
        zone = "R1" if i % 3 else "C2"
        parcel = {"parcel_id": f"P-{1000 + i}", "zone": zone, "lot_area_m2": rng.choice([300, 450, 600, 900]),
                  "heritage": rng.random() < 0.12}
        structure = rng.choice(["house", "shed"] if zone == "R1" else ["shop", "office"])
        limit = LIMITS[(zone, structure)]
        height = round(limit + rng.choice([-3.0, -1.5, -0.5, 0.5, 2.0]) * (0.4 if structure == "shed" else 1), 1)
        footprint = round(parcel["lot_area_m2"] * rng.choice([0.2, 0.3, 0.35, 0.45]), 1)  # type: ignore[operator]
        app = {"id": f"A-{i:03d}", "parcel_id": parcel["parcel_id"], "applicant": f"Applicant {i}",
               "structure": structure, "height_m": height, "footprint_m2": footprint}
        parcels.append(parcel)
        apps.append({**app, "expected": expected(app, parcel)})
    (HERE / "parcels.jsonl").write_text("".join(json.dumps(p) + "\n" for p in parcels))
    (HERE / "applications.jsonl").write_text("".join(json.dumps(a) + "\n" for a in apps))


if __name__ == "__main__":
    main()
