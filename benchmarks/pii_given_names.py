"""Build src/charter/guards/pii/data/world_given_names.txt: given names from many cultures, the
evidence the PII engine asks of a capitalised run before it calls it a person (names.py).

    .venv/bin/python benchmarks/pii_given_names.py WHEEL   # WHEEL: faker-40.63.0-py3-none-any.whl

Source: the per-locale person providers of Faker 40.63.0 (MIT licence; wheel sha256
36627c20b575b4138f54b6c21f8703e9ab122fd487aca11319beec2aa6ca7232, checked here), every attribute
holding given names (``first_names``, ``first_names_male``, ``first_names_female``,
``first_romanized_names``, ...), Latin-script names only, lower-cased, one a line, sorted. Faker is
not a dependency: the wheel is read as a zip file, its modules imported from a temporary folder.

Note for the figures: benchmarks/pii_fresh.py draws its people's names from the same Faker release,
so recall on that fresh set is optimistic for names; synth_dataset_v2 (tests/.../pii_regression) is
the independent check.
"""

from __future__ import annotations

import hashlib
import importlib
import re
import sys
import tempfile
import zipfile
from pathlib import Path

WHEEL_SHA256 = "36627c20b575b4138f54b6c21f8703e9ab122fd487aca11319beec2aa6ca7232"
OUT = Path(__file__).resolve().parents[1] / "src" / "charter" / "guards" / "pii" / "data" / "world_given_names.txt"
LATIN = re.compile(r"[A-Za-z\u00c0-\u024f'\u2019-]+")
HEADER = """\
# Given names from many cultures (Latin script, lower case): the evidence names.py asks of a
# capitalised run with no other cue before it reports a person ("Ana Ruiz", "Nguyen Thi Lan").
# Source: Faker 40.63.0 (MIT licence), wheel sha256 {sha}, every per-locale person provider's
# given-name attributes; built by benchmarks/pii_given_names.py. The fresh PII set
# (benchmarks/pii_fresh.py) draws names from the same release: its name recall is optimistic.
"""


def main(wheel: str) -> int:
    data = Path(wheel).read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    if sha != WHEEL_SHA256:
        raise SystemExit(f"{wheel}: sha256 {sha}, expected {WHEEL_SHA256}")
    names: set[str] = set()
    with tempfile.TemporaryDirectory() as tmp:
        zipfile.ZipFile(wheel).extractall(tmp)
        sys.path.insert(0, tmp)
        folder = Path(tmp) / "faker" / "providers" / "person"
        for locale in sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith("_")):
            provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
            for attr in dir(provider):
                if not attr.startswith("first_") or "name" not in attr:
                    continue
                value = getattr(provider, attr)
                if isinstance(value, (tuple, list, dict)) or hasattr(value, "keys"):
                    for name in value:
                        for part in str(name).split():
                            if LATIN.fullmatch(part) and len(part) >= 2:
                                names.add(part.lower())
    OUT.write_text(HEADER.format(sha=sha) + "".join(f"{n}\n" for n in sorted(names)), encoding="utf-8")
    print(f"{len(names)} names -> {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
