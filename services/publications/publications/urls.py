"""Where a publication body may link to, and what it may load, read as a browser reads a URL.

A link may go to `https:`, `http:` and `mailto:` URLs and to other pages of this site. An image
may only come from this site: every reader's browser fetches an image when the page opens, so a
remote one tells its server who read what (a tracking pixel).
"""

from __future__ import annotations

import re

__all__ = ["LINK_SCHEMES", "link_target", "same_site"]

LINK_SCHEMES = frozenset({"http", "https", "mailto"})

# A browser's URL parser drops tabs and newlines anywhere in a URL ("/\t/evil" is "//evil") and
# C0 controls and spaces around it; checks are made on what it reads, not on what was written.
_DROPPED = re.compile(r"[\t\n\r]")
_AROUND = "".join(map(chr, range(0x21)))
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def same_site(url: str) -> str | None:
    """The URL as a browser reads it if it is relative and stays on this site, else None.

    Relative means no scheme: a path (`/publicaties/x`, `x`, `../x`), a query or a `#fragment`.
    It stays on the site unless it starts with `//` (another host, same scheme) or holds a
    backslash anywhere: browsers read `\\` as `/` in web URLs, so `/\\evil.example` is
    `//evil.example`, and there is no honest reason for one in a link.
    """
    read = _DROPPED.sub("", url).strip(_AROUND)
    if _SCHEME.match(read) or read.startswith("//") or "\\" in read:
        return None
    return read


def link_target(url: str) -> str | None:
    """The URL as a browser reads it if a link may go there (LINK_SCHEMES or this site), else None."""
    read = _DROPPED.sub("", url).strip(_AROUND)
    scheme = _SCHEME.match(read)
    if scheme:
        return read if scheme.group()[:-1].lower() in LINK_SCHEMES else None
    return same_site(read)
