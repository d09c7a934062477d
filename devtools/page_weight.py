"""What each page downloads, and how much that is over the wire.

A page's files are its HTML, the style sheets and scripts it links, the modules
those scripts import, and the files they load later (`"/assets/<name>"`, such as
the QR decoder where the browser has no BarcodeDetector). Over the wire means
gzip-compressed, as API Gateway sends them (minimum_compression_size in
.chalice/config.json); raw sizes are given too.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path

from chalicelib.api.pages import ASSET_DIRS, PAGES, WEB, page_html

LINKED = re.compile(r'(?:href|src)="\.\./assets/([^"]+)"')
IMPORTED = re.compile(r'(?:from\s+|import\s*\(\s*)"\./([^"]+)"')
LOADED = re.compile(r'"/assets/([^"]+)"')


def asset_path(name: str) -> Path:
    for directory in ASSET_DIRS:
        if (directory / name).is_file():
            return directory / name
    raise FileNotFoundError(name)


def page_files(page: str) -> list[Path]:
    """The shell (web/page.html) and every asset the page may load."""
    found: list[Path] = [WEB / "page.html"]
    pending = LINKED.findall(page_html(page))
    while pending:
        path = asset_path(pending.pop(0))
        if path in found:
            continue
        found.append(path)
        if path.suffix == ".js" and path.parent.name == "assets":
            text = path.read_text()
            pending += IMPORTED.findall(text) + LOADED.findall(text)
    return found


def weight(page: str) -> tuple[int, int]:
    """(raw bytes, gzip bytes) of everything the page may download."""
    html = page_html(page).encode()
    assets = page_files(page)[1:]
    raw = len(html) + sum(path.stat().st_size for path in assets)
    wire = len(gzip.compress(html, 6))
    wire += sum(len(gzip.compress(path.read_bytes(), 6)) for path in assets)
    return raw, wire


if __name__ == "__main__":
    for name in PAGES:
        raw, wire = weight(name)
        print(f"{name:10} {raw / 1024:7.1f} KB raw {wire / 1024:7.1f} KB gzip")
