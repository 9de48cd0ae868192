from html.parser import HTMLParser

import pytest
from publications.rendering import body_html

pytestmark = pytest.mark.unit


class Elements(HTMLParser):
    """The start tags of an HTML fragment as (tag, attributes), as a browser would read them."""

    def __init__(self, html: str):
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)


def elements(markdown: str) -> list[tuple[str, dict[str, str | None]]]:
    return Elements(body_html(markdown)).found


def tags(markdown: str) -> list[str]:
    return [tag for tag, _ in elements(markdown)]


def urls(markdown: str) -> list[str]:
    return [
        value or ""
        for _, attrs in elements(markdown)
        for name, value in attrs.items()
        if name in ("href", "src")
    ]


def test_raw_script_is_removed_with_its_content():
    html = body_html("Hallo\n\n<script>alert(1)</script>\n\nwereld <script>alert(1)</script>")
    assert "script" not in html
    assert "alert(1)" not in html
    assert "Hallo" in html and "wereld" in html


def test_event_handler_attributes_are_removed():
    html = body_html("Foto: <img src=x onerror=alert(1)>")
    assert "onerror" not in html
    assert "alert" not in html


@pytest.mark.parametrize(
    "markdown",
    [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](javascript&#58;alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        '<a href="JAVASCRIPT:alert(1)">x</a>',
        '<a href="&#106;avascript:alert(1)">x</a>',
        '<a href="java&#x09;script:alert(1)">x</a>',
        '<a href=" javascript:alert(1)">x</a>',
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
        "![x](data:image/svg+xml;base64,PHNjcmlwdD4=)",
        '<img src="data:image/png;base64,AAAA">',
        '<a href="vbscript:msgbox(1)">x</a>',
        '<a href="VBScript:msgbox(1)">x</a>',
    ],
)
def test_dangerous_url_schemes_never_reach_an_href_or_src(markdown):
    for url in urls(markdown):
        scheme = url.split(":", 1)[0].strip().lower()
        assert scheme not in ("javascript", "data", "vbscript"), url


def test_raw_anchor_with_javascript_keeps_its_text_but_not_its_href():
    assert elements('<a href="javascript:alert(1)">klik</a>') == [
        ("p", {}),
        ("a", {"rel": "nofollow noopener noreferrer ugc"}),
    ]


def test_style_attributes_and_iframes_vanish():
    html = body_html('<p style="position:fixed;top:0">Tekst</p>\n\n<iframe src="https://example.org">binnen</iframe>')
    assert "style" not in html
    assert "iframe" not in html
    assert "binnen" not in html
    assert "Tekst" in html


def test_headings_lists_and_emphasis_render():
    html = body_html("## Kop\n\n- een\n- twee\n\n1. eerst\n2. dan\n\nDit is **vet**, *schuin* en ~~weg~~.")
    assert "<h2>Kop</h2>" in html
    assert "<ul>\n<li>een</li>\n<li>twee</li>\n</ul>" in html
    assert "<ol>\n<li>eerst</li>\n<li>dan</li>\n</ol>" in html
    assert "<strong>vet</strong>" in html
    assert "<em>schuin</em>" in html
    assert "<s>weg</s>" in html


def test_a_top_level_heading_becomes_h2_because_the_page_title_is_the_h1():
    assert body_html("# Titel") == "<h2>Titel</h2>"
    assert body_html("<h1>Rauw</h1>") == "Rauw"


def test_links_keep_href_and_title_and_get_the_user_content_rel():
    assert elements('[Platform31](https://www.platform31.nl "Kennis")') == [
        ("p", {}),
        ("a", {"href": "https://www.platform31.nl", "title": "Kennis", "rel": "nofollow noopener noreferrer ugc"}),
    ]


def test_mailto_and_relative_links_are_kept():
    assert urls("[mail](mailto:info@wijkwijzer.nl) en [elders](/publicaties/buurtpreventie)") == [
        "mailto:info@wijkwijzer.nl",
        "/publicaties/buurtpreventie",
    ]


def test_images_keep_src_and_alt():
    assert elements('![Buurthuis](https://example.org/b.jpg "De Boog")') == [
        ("p", {}),
        ("img", {"src": "https://example.org/b.jpg", "alt": "Buurthuis", "title": "De Boog"}),
    ]


def test_a_table_renders_with_its_alignment():
    html = body_html("| Wijk | Bewoners |\n|:-----|---------:|\n| Overvecht | 33000 |")
    assert tags("| Wijk | Bewoners |\n|:-----|---------:|\n| Overvecht | 33000 |") == [
        "table", "thead", "tr", "th", "th", "tbody", "tr", "td", "td",
    ]  # fmt: skip
    assert '<th align="left">Wijk</th>' in html
    assert '<td align="right">33000</td>' in html
    assert "style" not in html


def test_code_is_escaped_not_executed():
    html = body_html("```\n<script>alert(1)</script>\n```\n\nen `<b>`")
    assert "<pre><code>&lt;script&gt;alert(1)&lt;/script&gt;\n</code></pre>" in html
    assert "<code>&lt;b&gt;</code>" in html


def test_tags_outside_the_allow_list_keep_only_their_text():
    assert body_html('<div class="x"><span onclick="x()">tekst</span></div>') == "tekst"


@pytest.mark.parametrize("markdown", ["", "   ", "\n\n"])
def test_an_empty_body_gives_empty_html(markdown):
    assert body_html(markdown) == ""


REL = "nofollow noopener noreferrer ugc"


@pytest.mark.parametrize(
    "markdown",
    [
        "[x](//evil.example)",
        "[x](//evil.example/pad?q=1)",
        "[x](<//evil.example>)",
        "[x]( //evil.example)",
        "[x][ref]\n\n[ref]: //evil.example",
        '<a href="//evil.example">x</a>',
        '<a href="\\\\evil.example">x</a>',
        '<a href="/\\evil.example">x</a>',
        '<a href="\\/evil.example">x</a>',
        '<a href="/\\/evil.example">x</a>',
        '<a href="/pad\\..\\evil">x</a>',
        '<a href="&#47;&#47;evil.example">x</a>',
        '<a href="&#x2F;&#92;evil.example">x</a>',
        '<a href=" //evil.example">x</a>',
        '<a href="/&#9;/evil.example">x</a>',
        '<a href="/&#10;/evil.example">x</a>',
        '<a href="/&#13;/evil.example">x</a>',
        '<a href="&#9;//evil.example">x</a>',
        '<a href="&#1;//evil.example">x</a>',
        '<a href="javascript&colon;alert(1)">x</a>',
        '<a href="jav&#x0A;ascript:alert(1)">x</a>',
        '<a href="&#x6A;&#x61;&#x76;&#x61;script:alert(1)">x</a>',
        '<a href="  JaVaScRiPt:alert(1)">x</a>',
        '<a href="javascript://%0Aalert(1)">x</a>',
        '<a href="data:text/html,<script>alert(1)</script>">x</a>',
        '<a href="ftp://evil.example/x">x</a>',
        '<a href="file:///etc/passwd">x</a>',
        '<a href="evil.example:8080/pad">x</a>',
    ],
)
def test_links_that_leave_the_site_by_a_trick_lose_their_href_but_keep_their_text(markdown):
    assert elements(markdown) == [("p", {}), ("a", {"rel": REL})]
    assert ">x</a>" in body_html(markdown)


@pytest.mark.parametrize(
    ("markdown", "href"),
    [
        ("[x](https://www.utrecht.nl/wijken)", "https://www.utrecht.nl/wijken"),
        ("[x](http://buurthuis.example)", "http://buurthuis.example"),
        ("[x](mailto:info@wijkwijzer.nl)", "mailto:info@wijkwijzer.nl"),
        ("[x](/publicaties/buurtpreventie)", "/publicaties/buurtpreventie"),
        ("[x](#aanmelden)", "#aanmelden"),
        ("[x](verslag-2026)", "verslag-2026"),
        ("[x](../activiteiten?wijk=overvecht)", "../activiteiten?wijk=overvecht"),
        ('<a href="/publicaties/buurtpreventie">x</a>', "/publicaties/buurtpreventie"),
        ('<a href="HTTPS://www.utrecht.nl">x</a>', "HTTPS://www.utrecht.nl"),
    ],
)
def test_links_to_the_web_mail_and_this_site_keep_their_href(markdown, href):
    assert elements(markdown) == [("p", {}), ("a", {"href": href, "rel": REL})]
