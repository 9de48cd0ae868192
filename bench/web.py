"""The web client's weight and speed: JavaScript and CSS per page entry (raw and gzip), and the
first contentful paint of a page of a running platform in headless chromium.

    bash bench/web.sh [--dist web/dist] [--url http://127.0.0.1:8000/] [--page /] [--loads 5]

    bash bench/web.sh                               # sizes of web/dist, FCP of the kennisbank search page /
    bash bench/web.sh --page /api/docs --no-sizes   # FCP of the gateway's API page only

Sizes: every entry of Vite's `.vite/manifest.json` (`isEntry`) with the chunks it imports
statically and their CSS (what a first visit loads; lazy chunks are not counted), or, without a
manifest, the scripts, module preloads and stylesheets each `*.html` of the build names; then the
total of every .js and .css file in the build. gzip at level 6 (zlib's default, as servers use).
A missing default build is skipped with a note (the client may not be built yet); a missing
build given with --dist is an error.

First contentful paint: `--loads` cold loads (a new browser context each, so no cache and no
cookies) of `--url` + `--page` in Debian's chromium, as the browser tests run it
(tests/browser.py); `performance.getEntriesByName('first-contentful-paint')` after the load;
the median, the fastest and the slowest. A platform that does not answer is an error.
"""
from __future__ import annotations

import argparse
import gzip
import html.parser
import json
import os
import platform as machine
import statistics
import sys
import urllib.parse
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
PAINT = """() => new Promise(resolve => {
  const found = () => performance.getEntriesByName('first-contentful-paint')[0];
  if (found()) return resolve(found().startTime);
  new PerformanceObserver(() => found() && resolve(found().startTime)).observe({type: 'paint', buffered: true});
})"""


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def table(header: tuple[str, ...], rows: list[tuple]) -> None:
    print(" | ".join(header))
    print(" | ".join("-" * len(h) for h in header))
    for row in rows:
        print(" | ".join(str(cell) for cell in row))


class Assets(html.parser.HTMLParser):
    """The scripts, module preloads and stylesheets an HTML page of the build loads."""

    def __init__(self):
        super().__init__()
        self.files: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script" and a.get("src"):
            self.files.append(a["src"])
        elif tag == "link" and a.get("href") and {"stylesheet", "modulepreload"} & set((a.get("rel") or "").split()):
            self.files.append(a["href"])


def local(dist: Path, url: str) -> Path | None:
    """The build's file behind an address the page uses (`/assets/x.js`, `./assets/x.js`); None
    for another origin's."""
    if "//" in url:
        return None
    path = dist / url.split("?")[0].split("#")[0].lstrip("./").lstrip("/")
    return path if path.is_file() else None


def entries(dist: Path) -> dict[str, list[Path]]:
    """Each page entry's JS and CSS files, from Vite's manifest or else from the HTML pages."""
    manifest = dist / ".vite" / "manifest.json"
    if manifest.exists():
        chunks = json.loads(manifest.read_text(encoding="utf-8"))

        def loaded(key: str, seen: set[str]) -> list[str]:
            if key in seen:
                return []
            seen.add(key)
            chunk = chunks[key]
            files = [chunk["file"], *chunk.get("css", [])]
            for imported in chunk.get("imports", []):
                files += loaded(imported, seen)
            return files

        return {chunk.get("src", key): [dist / f for f in dict.fromkeys(loaded(key, set()))]
                for key, chunk in chunks.items() if chunk.get("isEntry")}
    pages = {}
    for page in sorted(dist.glob("*.html")):
        parser = Assets()
        parser.feed(page.read_text(encoding="utf-8"))
        pages[page.name] = [p for p in dict.fromkeys(local(dist, url) for url in parser.files) if p]
    return pages


def weigh(files: list[Path], suffix: str) -> tuple[int, int]:
    """(raw bytes, gzip bytes) of the files ending in `suffix`."""
    chosen = [f.read_bytes() for f in files if f.suffix == suffix]
    return sum(len(b) for b in chosen), sum(len(gzip.compress(b, compresslevel=6)) for b in chosen)


def kb(n: int) -> str:
    return f"{n / 1024:.1f} KB"


def sizes(dist: Path) -> None:
    rows = []
    everything = sorted(p for p in dist.rglob("*") if p.suffix in (".js", ".css"))
    for name, files in [*entries(dist).items(), ("total (every .js and .css)", everything)]:
        (js, js_gz), (css, css_gz) = weigh(files, ".js"), weigh(files, ".css")
        rows.append((name, kb(js), kb(js_gz), kb(css), kb(css_gz)))
    print(f"\nsizes of {dist} (gzip level 6)")
    table(("entry", "JS", "JS gzip", "CSS", "CSS gzip"), rows)


def first_paint(url: str, loads: int) -> None:
    from playwright.sync_api import sync_playwright

    from tests.browser import launch, new_context  # the browser tests' chromium, as they launch it

    paints = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        say(f"chromium {browser.version}: {loads} cold loads of {url}")
        for _ in range(loads):
            context = new_context(browser)
            page = context.new_page()
            answer = page.goto(url, wait_until="load")
            if not answer or not answer.ok:
                sys.exit(f"{url} answered {answer and answer.status}: not a page to measure")
            paints.append(page.evaluate(PAINT))
            context.close()
        browser.close()
    print(f"\nfirst contentful paint of {url}, {loads} cold loads (a new context each), headless chromium")
    table(("page", "median", "fastest", "slowest"),
          [(url, *(f"{ms:.0f} ms" for ms in (statistics.median(paints), min(paints), max(paints))))])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dist", type=Path, help="the built client (default web/dist)")
    parser.add_argument("--url", default="http://127.0.0.1:8000/", help="the running platform")
    parser.add_argument("--page", default="/", help="the page to paint (default /, the kennisbank search)")
    parser.add_argument("--loads", type=int, default=5, help="cold loads for the median (default 5)")
    parser.add_argument("--no-sizes", action="store_true")
    parser.add_argument("--no-paint", action="store_true")
    args = parser.parse_args()
    print(f"machine: {machine.node()} {os.cpu_count()} cores")

    if not args.no_sizes:
        dist = args.dist or ROOT / "web" / "dist"
        if dist.is_dir():
            sizes(dist)
        elif args.dist:
            sys.exit(f"no build at {dist}: build the client first (npm run build in web/)")
        else:
            print(f"\nsizes skipped: no build at {dist.relative_to(ROOT)} yet (npm run build in web/)")

    if not args.no_paint:
        url = urllib.parse.urljoin(args.url, args.page.lstrip("/"))
        try:
            requests.get(url, timeout=10)
        except requests.ConnectionError:
            sys.exit(f"no platform answers at {args.url}: start it (bash deploy/platform.sh up) or pass --url")
        first_paint(url, args.loads)


if __name__ == "__main__":
    main()
