#!/usr/bin/env python3
"""Write the demo's illustrative district borders, ``daftar/rules/data/tehran_districts_illustrative.geojson``;
``--check`` only compares the file with what this script would write (a test runs it).

The 22 municipal districts of Tehran are not in the project's reference data (OpenStreetMap,
ODbL, ``../shared/data``), so the demo districts (منطقهٔ ۱ … ۲۲, flagged ``illustrative``) get
made-up borders: the polygon of Tehran County (``tehran_province_counties.geojson``, copied
unchanged beside the output) cut into as many pieces of about the same area, by halving it
again and again across its longer side (east–west or north–south) at the line that leaves
each half the share of districts it will hold. They are numbered as they are cut: the northern
or eastern half first. Nothing about them is real; every feature says so («(نمایشی)»,
``"illustrative": true``), and the map picker draws them with a legend saying the borders are
illustrative (docs/decisions/0035-map-picker.md).

Derived from OpenStreetMap data: © OpenStreetMap contributors, ODbL 1.0.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

from shapely.affinity import scale
from shapely.geometry import MultiPolygon, Polygon, box, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "daftar" / "rules" / "data"
SOURCE = DATA / "tehran_province_counties.geojson"
OUTPUT = DATA / "tehran_districts_illustrative.geojson"
COUNTY = "Tehran County"
DISTRICTS = 22  # daftar.demo.data.TEHRAN_DISTRICTS
DECIMALS = 5  # about a metre
SLIVER = 1e-6  # square degrees, about 0.01 km²: a sliver left where a cut grazes the border
FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def county(source: Path = SOURCE) -> BaseGeometry:
    data = json.loads(source.read_text(encoding="utf-8"))
    for feature in data["features"]:
        if feature["properties"].get("name_en") == COUNTY:
            return shape(feature["geometry"])
    raise SystemExit(f"{COUNTY} is not in {source}")


def _roundness(part: BaseGeometry) -> float:
    """1 for a circle, more the longer, thinner or more ragged ``part`` is (east–west distances
    shrunk by the cosine of the latitude)."""
    middle = (part.bounds[1] + part.bounds[3]) / 2
    flat = scale(part, xfact=math.cos(math.radians(middle)), yfact=1, origin=(0, 0))
    return flat.length**2 / (4 * math.pi * flat.area)


def _cut(piece: BaseGeometry, share: float) -> tuple[BaseGeometry, BaseGeometry]:
    """``piece`` cut along a parallel or a meridian, whichever leaves the rounder parts, so
    that the first part, north or east, holds ``share`` of its area."""
    cuts = [_cut_along(piece, share, north_south) for north_south in (True, False)]
    return min(cuts, key=lambda parts: max(_roundness(p) for p in parts))


def _cut_along(piece: BaseGeometry, share: float, north_south: bool) -> tuple[BaseGeometry, BaseGeometry]:
    west, south, east, north = piece.bounds

    def first(at: float) -> BaseGeometry:
        window = box(west, at, east, north) if north_south else box(at, south, east, north)
        return piece.intersection(window)

    low, high = (south, north) if north_south else (west, east)
    target = share * piece.area
    for _ in range(60):  # bisection on the cutting line: the first part shrinks as it moves
        middle = (low + high) / 2
        if first(middle).area > target:
            low = middle
        else:
            high = middle
    at = (low + high) / 2
    rest = box(west, south, east, at) if north_south else box(west, south, at, north)
    return first(at), piece.intersection(rest)


def divide(piece: BaseGeometry, count: int) -> list[BaseGeometry]:
    """``piece`` in ``count`` parts of about equal area, in the order they are numbered."""
    if count == 1:
        return [piece]
    ahead = count // 2
    head, tail = _cut(piece, ahead / count)
    return divide(head, ahead) + divide(tail, count - ahead)


def _polygons(geometry: BaseGeometry) -> BaseGeometry:
    """Only the areas of a cut (a line, a point or a sliver where the cut grazes the border is
    dropped), rounded to ``DECIMALS`` and wound as GeoJSON (RFC 7946) asks."""
    parts = [geometry] if isinstance(geometry, Polygon) else list(getattr(geometry, "geoms", []))
    kept = []
    for part in parts:
        if isinstance(part, Polygon) and part.area >= SLIVER:
            exterior = [(round(x, DECIMALS), round(y, DECIMALS)) for x, y in part.exterior.coords]
            holes = [[(round(x, DECIMALS), round(y, DECIMALS)) for x, y in ring.coords] for ring in part.interiors]
            kept.append(orient(Polygon(exterior, holes), sign=1.0))
    return kept[0] if len(kept) == 1 else MultiPolygon(kept)


def collection(count: int = DISTRICTS, source: Path = SOURCE) -> dict[str, Any]:
    features = []
    for number, piece in enumerate(divide(county(source), count), start=1):
        name = f"منطقهٔ {str(number).translate(FA_DIGITS)} (نمایشی)"
        features.append(
            {
                "type": "Feature",
                "properties": {"number": number, "name_fa": name, "illustrative": True},
                "geometry": mapping(_polygons(piece)),
            }
        )
    return {
        "type": "FeatureCollection",
        "illustrative": True,
        "note": (
            "Illustrative district borders for the demo only: Tehran County cut into pieces of about "
            "equal area by scripts/illustrative_districts.py. Not the municipal districts of Tehran."
        ),
        "source": "© OpenStreetMap contributors (ODbL 1.0): Tehran County from tehran_province_counties.geojson",
        "features": features,
    }


def render(data: dict[str, Any]) -> str:
    # one feature a line: small diffs, and the file stays readable
    head = {k: v for k, v in data.items() if k != "features"}
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in data["features"]]
    text = json.dumps(head, ensure_ascii=False, indent=1)[:-2] + ',\n "features": [\n'
    return text + ",\n".join(lines) + "\n ]\n}\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="compare with the committed file, write nothing")
    args = parser.parse_args(argv)
    text = render(collection())
    if args.check:
        if not OUTPUT.exists() or OUTPUT.read_text(encoding="utf-8") != text:
            print(f"{OUTPUT.relative_to(ROOT)} is not what scripts/illustrative_districts.py writes; run it.")
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
