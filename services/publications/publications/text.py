"""Dutch full-text analysis for the kennisbank search.

The MongoDB subset the platform runs on has no ``$text`` index, so search is
built on a plain array field instead: every publication stores the stemmed,
normalised terms of its text (:func:`terms`), and a search matches the stems of
the query (:func:`query_terms`) against that array. Both sides must therefore
go through exactly the same analysis, which lives here:

1. Unicode NFKC and casefold, so ligatures, full-width forms and case do not matter;
2. Dutch apostrophe endings (``auto's``, ``cd'tje``) and elided articles
   (``'t``, ``'n``, ``'s``) are removed before splitting, so that
   ``Wijkagenda's`` and ``wijkagenda`` meet;
3. diacritics are stripped, so ``ideeën`` and ``ideeen`` are one word;
4. the text is split on anything that is not a letter or digit; a hyphenated
   compound (``wijk-agenda``) yields its parts and the joined word (a query only
   the joined word, see :func:`query_terms`);
5. Dutch stop words and one-character tokens are dropped;
6. the words are stemmed with the classic Snowball Dutch stemmer (PyStemmer).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from itertools import islice

import Stemmer

__all__ = ["MAX_QUERY_TERMS", "MAX_TERMS", "STOP_WORDS", "query_terms", "stem", "terms", "words"]

# A publication's term array lives in its document: bound it so a huge body cannot bloat the document.
MAX_TERMS = 3000
# Every query term is one more array condition; a pasted paragraph should not become a huge query.
MAX_QUERY_TERMS = 12

# The Snowball Dutch stop-word list (https://snowballstem.org/algorithms/dutch/stop.txt), which is
# written without accents, so it matches our accent-stripped tokens as is.
STOP_WORDS: frozenset[str] = frozenset(
    {
        "de", "en", "van", "ik", "te", "dat", "die", "in", "een", "hij", "het", "niet", "zijn", "is", "was",
        "op", "aan", "met", "als", "voor", "had", "er", "maar", "om", "hem", "dan", "zou", "of", "wat",
        "mijn", "men", "dit", "zo", "door", "over", "ze", "zich", "bij", "ook", "tot", "je", "mij", "uit",
        "der", "daar", "haar", "naar", "heb", "hoe", "heeft", "hebben", "deze", "u", "want", "nog", "zal",
        "me", "zij", "nu", "ge", "geen", "omdat", "iets", "worden", "toch", "al", "waren", "veel", "meer",
        "doen", "toen", "moet", "ben", "zonder", "kan", "hun", "dus", "alles", "onder", "ja", "eens", "hier",
        "wie", "werd", "altijd", "doch", "wordt", "wezen", "kunnen", "ons", "zelf", "tegen", "na", "reeds",
        "wil", "kon", "niets", "uw", "iemand", "geweest", "andere",
    }
)

# Straight, typographic (U+2018/U+2019) and modifier-letter (U+02BC) apostrophes all occur in
# text pasted from word processors.
_APOSTROPHES = "'\u2018\u2019\u02bc"
# "Not preceded/followed by a letter or digit"; [^\W_] is a letter or digit in any script.
_NOT_AFTER_ALNUM = r"(?<![^\W_])"
_NOT_BEFORE_ALNUM = r"(?![^\W_])"
# The elided articles 't (het), 'n (een) and 's (des, as in 's-Hertogenbosch, 's avonds) are stop
# words; removing them whole also keeps 's-Hertogenbosch from becoming a compound with "s".
_ELISION = re.compile(f"{_NOT_AFTER_ALNUM}[{_APOSTROPHES}](?:t|n|s){_NOT_BEFORE_ALNUM}")
# Endings Dutch spelling attaches with an apostrophe (plural/genitive 's, diminutive 'tje/'je,
# person 'er): auto's, wijkagenda's, cd'tje, AOW'ers. They are removed whole, so the bare word is
# indexed and the ending does not become a search word of its own ("tjes", "ers").
_APOSTROPHE_ENDING = re.compile(rf"(?<=[^\W_])[{_APOSTROPHES}](?:s|tjes?|jes?|ers?){_NOT_BEFORE_ALNUM}")
# A run of letters/digits, optionally joined by hyphens (NFKC already folded U+2011 into U+2010).
_TOKEN = re.compile(r"[^\W_]+(?:[-\u2010][^\W_]+)*")
_HYPHEN = re.compile(r"[-\u2010]")

# One stemmer for the process. PyStemmer objects are not safe to share between OS threads, but the
# services run under eventlet: greenlets switch only at I/O, never inside stemWord(), so sharing one
# instance (and its internal cache) is safe and avoids building a stemmer per call.
#
# "dutch_porter" is the classic Snowball Dutch stemmer (the one Lucene and Elasticsearch call
# "dutch"). PyStemmer 3's "dutch" is a newer, Kraaij-Pohlmann-like algorithm that strips "ge"
# inside words, so gemeente, gemeenten and menen all became "meen"; the classic one keeps
# them apart (gemeent / men) and still joins bewoner and bewoners, nieuw and nieuwe.
_STEMMER = Stemmer.Stemmer("dutch_porter")


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _ELISION.sub(" ", text)
    text = _APOSTROPHE_ENDING.sub("", text)
    return _strip_diacritics(text)


def _strip_diacritics(text: str) -> str:
    # Decompose (é -> e + U+0301) and drop the combining marks; the stemmer only knows bare letters.
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _tokens(text: str, *, compound_parts: bool) -> Iterator[str]:
    for match in _TOKEN.finditer(_normalise(text)):
        parts = _HYPHEN.split(match.group())
        if compound_parts or len(parts) == 1:
            yield from parts
        if len(parts) > 1:
            # wijk-agenda is also written wijkagenda: the joined form lets both spellings match.
            yield "".join(parts)


def _is_word(token: str) -> bool:
    return len(token) > 1 and token not in STOP_WORDS


def _words(text: str, *, compound_parts: bool = True) -> Iterator[str]:
    return filter(_is_word, _tokens(text, compound_parts=compound_parts))


def _unique(items: Iterable[str]) -> Iterator[str]:
    seen: set[str] = set()
    for item in items:
        if item not in seen:
            seen.add(item)
            yield item


def _unique_stems(texts: Iterable[str], limit: int, *, compound_parts: bool) -> list[str]:
    stems = (stem(word) for text in texts for word in _words(text, compound_parts=compound_parts))
    # islice stops the lazy pipeline at the limit, so a huge body is not analysed to the end.
    return list(islice(_unique(stems), limit))


def words(text: str) -> list[str]:
    """The normalised search words of ``text``, in order, duplicates included."""
    return list(_words(text))


_VOICED_ENDING = {"z": "s", "v": "f"}


def stem(word: str) -> str:
    """The Snowball Dutch stem of an already normalised word (as :func:`words` returns them).

    Dutch voices a final s or f before a plural ending (huis/huizen, brief/brieven); the
    classic stemmer leaves huiz and briev, so a stem ending in z or v gets its s or f back.
    """
    stemmed = _STEMMER.stemWord(word)
    if len(stemmed) > 3 and stemmed[-1] in _VOICED_ENDING:
        return stemmed[:-1] + _VOICED_ENDING[stemmed[-1]]
    return stemmed


def terms(*texts: str, limit: int = MAX_TERMS) -> list[str]:
    """The unique stems of ``texts`` in order of first appearance, at most ``limit`` of them.

    This is what a publication stores for search; the cap keeps the document small, and because
    the order is kept the terms of the first texts (title, summary) always survive the cap.
    """
    return _unique_stems(texts, limit, compound_parts=True)


def query_terms(q: str) -> list[str]:
    """The unique stems of a search query, at most :data:`MAX_QUERY_TERMS` (extra ones are dropped).

    A hyphenated compound in a query counts only as its joined word: a search that requires every
    term (``$all``) for ``wijk-agenda`` then also finds a publication that wrote ``wijkagenda``,
    which holds the joined word but not the parts.
    """
    return _unique_stems([q], MAX_QUERY_TERMS, compound_parts=False)
