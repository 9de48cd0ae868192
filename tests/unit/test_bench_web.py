"""bench/web.py weighs what a first visit to each page loads: from Vite's manifest an entry with
the chunks it imports statically and their CSS, not its lazy chunks; without a manifest, what
the HTML page names."""
import gzip
import json

import pytest

from bench.web import entries, weigh

pytestmark = pytest.mark.unit


def build(tmp_path, files: dict[str, str]):
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def test_an_entry_counts_its_static_imports_and_their_css_once_and_no_lazy_chunk(tmp_path):
    dist = build(tmp_path, {"assets/main.js": "a" * 300, "assets/shared.js": "b" * 200, "assets/lazy.js": "c" * 900,
                            "assets/main.css": "d" * 50, "assets/shared.css": "e" * 40, "assets/admin.js": "f" * 70})
    (dist / ".vite").mkdir()
    (dist / ".vite" / "manifest.json").write_text(json.dumps({
        "src/main.ts": {"file": "assets/main.js", "src": "src/main.ts", "isEntry": True, "css": ["assets/main.css"],
                        "imports": ["_shared.js"], "dynamicImports": ["src/lazy.ts"]},
        "src/admin.ts": {"file": "assets/admin.js", "src": "src/admin.ts", "isEntry": True, "imports": ["_shared.js"]},
        "_shared.js": {"file": "assets/shared.js", "css": ["assets/shared.css"], "imports": ["src/main.ts"]},
        "src/lazy.ts": {"file": "assets/lazy.js", "src": "src/lazy.ts", "isDynamicEntry": True}}))
    found = entries(dist)
    assert sorted(found) == ["src/admin.ts", "src/main.ts"]
    assert weigh(found["src/main.ts"], ".js")[0] == 500 and weigh(found["src/main.ts"], ".css")[0] == 90
    assert weigh(found["src/admin.ts"], ".js")[0] == 570   # shared imports main back: counted once
    assert weigh(found["src/main.ts"], ".js")[1] == sum(
        len(gzip.compress(c * n, compresslevel=6)) for c, n in ((b"a", 300), (b"b", 200)))


def test_without_a_manifest_a_page_counts_the_files_its_html_loads_from_the_build(tmp_path):
    dist = build(tmp_path, {
        "index.html": '<!doctype html><link rel="stylesheet" href="/assets/app.css">'
                      '<link rel="modulepreload" href="./assets/vendor.js"><script type="module" src="/assets/app.js">'
                      '</script><script src="https://elders.example/x.js"></script>',
        "assets/app.js": "x" * 120, "assets/vendor.js": "y" * 80, "assets/app.css": "z" * 30, "assets/other.js": "q"})
    found = entries(dist)
    assert list(found) == ["index.html"]
    assert weigh(found["index.html"], ".js")[0] == 200 and weigh(found["index.html"], ".css")[0] == 30
