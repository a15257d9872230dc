#!/usr/bin/env python3
"""Copy the front-end assets installed by npm into daftar/static/vendor (self-hosted)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
DEST = ROOT / "daftar" / "static" / "vendor"

FILES = {
    "bootstrap/dist/css/bootstrap.rtl.min.css": "bootstrap/bootstrap.rtl.min.css",
    "bootstrap/dist/js/bootstrap.bundle.min.js": "bootstrap/bootstrap.bundle.min.js",
    "bootstrap/LICENSE": "bootstrap/LICENSE",
    "chart.js/dist/chart.umd.min.js": "chartjs/chart.umd.min.js",
    "chart.js/LICENSE.md": "chartjs/LICENSE.md",
    "htmx.org/dist/htmx.min.js": "htmx/htmx.min.js",
    "htmx.org/LICENSE": "htmx/LICENSE",
    "vazirmatn/fonts/webfonts/Vazirmatn-Regular.woff2": "vazirmatn/Vazirmatn-Regular.woff2",
    "vazirmatn/fonts/webfonts/Vazirmatn-Bold.woff2": "vazirmatn/Vazirmatn-Bold.woff2",
    "vazirmatn/OFL.txt": "vazirmatn/OFL.txt",
    "jalaali-js/LICENSE": "jalaali/LICENSE",
    # The map picker (issue 19): Leaflet draws the permitted zones as vectors; no tiles by default.
    "leaflet/dist/leaflet.js": "leaflet/leaflet.js",
    "leaflet/dist/leaflet.css": "leaflet/leaflet.css",
    "leaflet/dist/images/marker-icon.png": "leaflet/images/marker-icon.png",
    "leaflet/dist/images/marker-icon-2x.png": "leaflet/images/marker-icon-2x.png",
    "leaflet/dist/images/marker-shadow.png": "leaflet/images/marker-shadow.png",
    "leaflet/dist/images/layers.png": "leaflet/images/layers.png",  # leaflet.css names them: the
    "leaflet/dist/images/layers-2x.png": "leaflet/images/layers-2x.png",  # hashed build needs them
    "leaflet/LICENSE": "leaflet/LICENSE",
    # The reviewer's inline document viewer (issue 19): PDF.js, ES modules with a module worker.
    "pdfjs-dist/build/pdf.min.mjs": "pdfjs/pdf.min.mjs",
    "pdfjs-dist/build/pdf.worker.min.mjs": "pdfjs/pdf.worker.min.mjs",
    "pdfjs-dist/LICENSE": "pdfjs/LICENSE",
}

# Whole folders: PDF.js loads its JPEG 2000 and colour decoders (WebAssembly, with a plain-JS
# fallback that our CSP allows) and the standard PDF fonts by name from these at run time.
DIRS = {
    "pdfjs-dist/wasm": "pdfjs/wasm",
    "pdfjs-dist/standard_fonts": "pdfjs/standard_fonts",
}

# ES modules served as classic scripts (no bundler; one global each, so a page needs no import
# map and the hashed static names of production do not break relative imports).
MODULES_AS_GLOBALS = {
    "jalaali-js/dist/index.js": ("jalaali/jalaali.js", "jalaali"),
}


def _as_global(source: str, name: str) -> str:
    """The module's body in a function scope, its ``export { a, b }`` list assigned to ``window[name]``."""
    body, sep, exported = source.rpartition("export {")
    if not sep:
        raise SystemExit(f"no export list found for {name}")
    names = exported.split("}", 1)[0]
    return f"(function () {{\n{body}\nwindow.{name} = {{ {names.strip()} }};\n}})();\n"


def main() -> int:
    missing = [src for src in [*FILES, *DIRS, *MODULES_AS_GLOBALS] if not (NODE / src).exists()]
    if missing:
        print("missing from node_modules (run npm ci):", *missing, sep="\n  ", file=sys.stderr)
        return 1
    for src, dst in FILES.items():
        target = DEST / dst
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(NODE / src, target)
    for src, dst in DIRS.items():
        shutil.copytree(NODE / src, DEST / dst, dirs_exist_ok=True)
    for src, (dst, name) in MODULES_AS_GLOBALS.items():
        target = DEST / dst
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_as_global((NODE / src).read_text(encoding="utf-8"), name), encoding="utf-8")
    files = len(FILES) + len(MODULES_AS_GLOBALS)
    print(f"vendored {files} files and {len(DIRS)} folders into {DEST.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
