"""Personal data out of text that leaves the helpdesk for the kennisbank, with no I/O.

An answered question becomes a public Q&A only with its asker's consent, and then without who
asked or who answered: the text loses e-mail addresses, Dutch phone numbers, postcodes, street
addresses with a house number, and the names the helpdesk knows (the asker's and the
wijkwijze's, whole and in parts). A name the helpdesk does not know ("mijn buurman Piet") it
cannot tell from other words; editors review every draft before it is published.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

EMAIL = "[e-mailadres]"
PHONE = "[telefoonnummer]"
ADDRESS = "[adres]"
POSTCODE = "[postcode]"
NAME = "[naam]"

_EMAIL = re.compile(r"[\w.%+'-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# +31 / 0031 (perhaps with "(0)") / 0, then 9 digits in any grouping of spaces, dashes, dots or brackets
_PHONE = re.compile(r"(?<![\w+])(?:(?:\+31|0031)[\s.-]*(?:\(0\))?|0)(?:[\s.()-]*\d){9}(?!\d)")
_STREET = (r"(?:straat|laan|weg|plein|gracht|kade|dreef|singel|hof|park|steeg|dijk|pad|hage|markt|"
           r"baan|kant|wal|erf|veld|zijde|ring|burg|horst|berg|boulevard|allee)")
# "Zamenhofdreef 1", "Ds. Plesmanweg 12-bis", "Burgemeester de Monchyplein 7A"
_ADDRESS = re.compile(rf"\b[\w'.-]*{_STREET}\s+\d{{1,5}}(?:\s?[-/]?\s?[A-Za-z0-9]{{1,4}}\b)?", re.IGNORECASE)
_POSTCODE = re.compile(r"\b[1-9]\d{3}\s?(?!SA|SD|SS)[A-Z]{2}\b")
# small words that are part of names but also of every other sentence
_PARTICLES = {"de", "den", "der", "van", "von", "het", "ter", "ten", "te", "la", "le", "el", "al", "bin", "op", "in"}


def _name_patterns(names: Iterable[str | None]) -> list[re.Pattern]:
    wholes, parts = set(), set()
    for name in names:
        if not name:
            continue
        name = " ".join(name.split())
        wholes.add(name)
        parts.update(p for p in re.split(r"[\s,]+", name) if len(p) >= 3 and p.casefold() not in _PARTICLES)
    # whole names before their parts, longest first, so "Sanne Bakker" goes as one
    ordered = sorted(wholes, key=len, reverse=True) + sorted(parts - wholes, key=len, reverse=True)
    return [re.compile(rf"(?<!\w){re.escape(n)}(?!\w)", re.IGNORECASE) for n in ordered]


def redacted(text: str, names: Iterable[str | None] = ()) -> str:
    """`text` with the personal data above replaced by placeholders such as `[e-mailadres]`."""
    text = _EMAIL.sub(EMAIL, text)
    text = _PHONE.sub(PHONE, text)
    text = _ADDRESS.sub(ADDRESS, text)
    text = _POSTCODE.sub(POSTCODE, text)
    for pattern in _name_patterns(names):
        text = pattern.sub(NAME, text)
    return text
