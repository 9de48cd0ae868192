"""Personal data out of text that leaves the helpdesk for the kennisbank, with no I/O.

An answered question becomes a public Q&A only with its asker's consent, and then without who
asked or who answered: the text loses e-mail addresses, Dutch phone numbers, postcodes, street
addresses with a house number, the names the helpdesk knows (the asker's and the wijkwijze's,
whole and in parts, and what the asker's e-mail address says: fatima.elamrani@... is "Fatima El
Amrani"), a known name's surname after it, and whatever follows a Dutch closing ("Met
vriendelijke groet,") on the lines after it: a signature. A name the helpdesk does not know
("mijn buurman Piet") it cannot tell from other words; editors review every draft before it is
published.
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


# a closing line, and up to three lines after it (the name, a role, an organisation)
_SIGNATURE = re.compile(r"(?im)^([ \t]*(?:met[ \t]+)?(?:vriendelijke|hartelijke|veel|lieve|beste)?[ \t]*"
                        r"groet(?:en|jes)?|[ \t]*m\.?[ \t]*v\.?[ \t]*g\.?)[ \t]*[,.!]?[ \t]*\n(?:[ \t]*\S[^\n]*(?:\n|$)){1,3}")
# a placeholder with the rest of a name after it: capitalised words, perhaps after particles
_NAME_TAIL = re.compile(rf"{re.escape(NAME)}(?:[ \t]+(?:(?:{'|'.join(sorted(_PARTICLES))})[ \t]+)*[A-Z][\w'-]*)+")


# an address is written without the accents of the name it stands for: jose is also José
_ACCENTED = {"a": "aáàäâã", "e": "eéèëê", "i": "iíìïî", "o": "oóòöôõ", "u": "uúùüû", "c": "cç", "n": "nñ", "y": "yýÿ"}


def _email_parts(address: str) -> list[str]:
    """What an address's local part says of a name: fatima.elamrani -> fatima, elamrani."""
    local = address.split("@", 1)[0]
    return [part for part in re.split(r"[\W_\d]+", local) if len(part) >= 3]


def _name_patterns(names: Iterable[str | None], emails: Iterable[str | None]) -> list[re.Pattern]:
    wholes, parts = set(), set()
    for name in names:
        if not name:
            continue
        name = " ".join(name.split())
        wholes.add(name)
        parts.update(p for p in re.split(r"[\s,]+", name) if len(p) >= 3 and p.casefold() not in _PARTICLES)
    for address in emails:
        # "elamrani" is also "El Amrani": the letters, each perhaps accented, a space allowed between two
        parts.update(r"\s?".join(f"[{_ACCENTED[c]}]" if c in _ACCENTED else re.escape(c) for c in part.casefold())
                     for part in _email_parts(address or "") if part.casefold() not in _PARTICLES)
    # whole names before their parts, longest first, so "Sanne Bakker" goes as one
    ordered = ([re.escape(n) for n in sorted(wholes, key=len, reverse=True)]
               + sorted(parts - wholes, key=len, reverse=True))
    return [re.compile(rf"(?<!\w)(?:{n})(?!\w)", re.IGNORECASE) for n in ordered]


def redacted(text: str, names: Iterable[str | None] = (), emails: Iterable[str | None] = ()) -> str:
    """`text` with the personal data above replaced by placeholders such as `[e-mailadres]`."""
    text = _SIGNATURE.sub(lambda m: f"{m.group(1).strip()},\n{NAME}\n", text)
    patterns = _name_patterns(names, emails)
    text = _EMAIL.sub(EMAIL, text)
    text = _PHONE.sub(PHONE, text)
    text = _ADDRESS.sub(ADDRESS, text)
    text = _POSTCODE.sub(POSTCODE, text)
    for pattern in patterns:
        text = pattern.sub(NAME, text)
    return _NAME_TAIL.sub(NAME, text)
