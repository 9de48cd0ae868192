"""Realistic Dutch content for tests and benchmarks: publications of a shared vocabulary.

Words are drawn Zipf-like from some 330 content words of the platform's field, with Dutch
function words between them, in sentences, paragraphs, a heading and a list, so publications
share most of their words the way real ones do, and the search's analysis has stop words to
drop, accents and plurals to fold. Publication i of a seed is always the same.

    corpus = Corpus(seed=1, anchor=datetime.now(UTC))
    fields, published_at = corpus.publication(17, words=1500)
    question = corpus.question(3)   # a vraagbaak question: title, body, topics, region
"""
from __future__ import annotations

import random
import secrets
import string
from collections.abc import Iterator
from datetime import datetime, timedelta
from itertools import accumulate

from wijkwijzer import taxonomy

# How far back publications go from the anchor: under two years, so that no review date (two
# years after publication) has passed and sets the review-date timer writing.
SPREAD = timedelta(days=720)

# Content words, most frequent first: word i is drawn with weight 1 / (i + 3). Plurals and
# inflected forms are separate words, as in real text, so stemming has something to join.
VOCABULARY = """
    wijk bewoners buurt gemeente wijken bewoner buurten mensen jongeren veiligheid samenwerking
    aanpak professionals participatie gemeenten ontmoeting armoede woningcorporatie wijkagenda
    leefbaarheid ouderen gezinnen kinderen buurthuis wonen woningen zorg welzijn wijkteam
    ondermijning verduurzaming initiatieven bewonersinitiatief vrijwilligers organisaties partners
    netwerk beleid sociale wijkagent politie jongerenwerk straat school woningcorporaties gezin
    kansen vertrouwen betrokkenheid activiteiten gesprek ideeën praktijk onderzoek resultaten
    wethouder gemeenteraad opbouwwerk buurtcoach sociaal fysieke financiële schulden inkomen werk
    eenzaamheid gezondheid sport groen openbare ruimte straten plein wijkagenda's programma project
    projecten subsidie budget initiatief organisatie vrijwilliger wijkteams scholen woning
    coöperatie energiecoöperatie wijkcoöperatie energie isolatie zonnepanelen warmtenet aardgasvrij
    klimaat vergroening tuinen buurttuin criminaliteit drugshandel overlast onveiligheid
    handhaving preventie signalen zorgen eigenaarschap regie verbinding ontmoeten bijeenkomst
    bijeenkomsten gesprekken dialoog evaluatie monitor cijfers aanbevelingen lessen ervaringen
    praktijken voorbeeld voorbeelden methode methodiek instrument handreiking programma's
    financiering investeringen middelen bestuurders ambtenaren raad rijk provincie regio stad
    steden centrum nieuwbouw renovatie sloop herstructurering vernieuwing wijkvernieuwing
    statushouders nieuwkomers taal taalcafé café cultuur diversiteit inclusie gemengde
    achterstand achterstanden kwetsbare kwetsbaar huurders huurder huurwoningen koopwoningen
    corporaties verhuurder huur woningnood wachtlijst toekomst visie ambitie doelen prioriteiten
    afspraken convenant coöperaties versterken verbeteren ondersteunen betrekken organiseren
    ontwikkelen uitvoeren samenwerken investeren luisteren creëren geïntegreerde integrale lokale
    langdurige structurele duurzame nieuwe belangrijke goede buurtbewoners wijkbewoners
    buurtpreventie buurtbudget burgerberaad bewonersavond bewonerspanel wijkraad wijkplatform
    wijkcentrum wijknetwerk wijkaanpak wijkgericht wijkprogramma buurtwerk buurtteam speeltuin
    spelen jeugd jeugdzorg jeugdwerk hangjongeren ouders opvoeding onderwijs kinderopvang
    werkgelegenheid werkloosheid uitkering armoedebestrijding schuldhulpverlening voedselbank
    mantelzorg mantelzorgers huisarts wijkverpleging ggz dementie bewegen beweging leefstijl
    veerkracht weerbaarheid cohesie sociale-cohesie verbondenheid trots imago reputatie
    toezicht camera's verlichting inbraak vandalisme zwerfafval afval schoon onderhoud
    beheer bewonersbedrijf buurtonderneming ondernemers winkels markt economie kennis leren
    kennisdeling leernetwerk expertise training coaching begeleiding rol verantwoordelijkheid
    ruimte-voor-initiatief uitdaging uitdagingen knelpunten oplossingen maatregelen
    experimenten pilot pilots opschalen borging continuïteit verandering veranderingen
    omgevingswet omgevingsvisie planvorming inspraak zeggenschap democratie wijkdemocratie
    burgerinitiatief right-to-challenge buurtrecht privé geëvalueerd beëindigd financiën
""".split()  # noqa: SIM905 (a block of words reads better than 300 quoted strings)

# Dutch function words between the content words; most are stop words the search drops, so the
# text reads like Dutch and the analyser has to skip them as it would in real publications.
FUNCTION_WORDS = """
    de het een en van in op voor met aan door bij om te is zijn wordt worden die dat er ook naar
    als niet meer over tot uit we hun onze deze kan kunnen moeten hebben heeft samen waar hoe
""".split()  # noqa: SIM905
FUNCTION_SHARE = 0.45


def zipf_weights(n: int, offset: float = 1.0) -> list[float]:
    """Cumulative weights of a Zipf-like draw over n items, first item most frequent: weight
    1 / (rank + offset), rank from 0. An offset above 1 flattens the head (Zipf-Mandelbrot)."""
    return list(accumulate(1 / (rank + offset) for rank in range(n)))


QUESTION_OPENINGS = ("Hoe pakken we", "Wie heeft ervaring met", "Hoe betrekken we", "Wat werkt bij",
                     "Hoe organiseer je", "Waar vinden we hulp bij", "Hoe krijgen we meer")
MUNICIPALITIES = ("Gouda", "Zwolle", "Almere", "Deventer", "Leiden", "Haarlem", "Enschede", "Maastricht",
                  "Rotterdam", "Utrecht", "'s-Hertogenbosch", "Alphen aan den Rijn")


class Corpus:
    """Publication i of a seed is always the same, however the collection is grown to include it."""

    def __init__(self, seed: int, anchor: datetime):
        self.seed = seed
        self.anchor = anchor   # `now` of the newest possible publication
        loaded = taxonomy.load()
        # Taxonomy order stands in for popularity: the first topics and kinds are the common ones.
        self.taxonomy = {v: loaded.slugs(v) for v in (
            "topics", "publication_kinds", "audiences", "focus_areas", "organisations")}
        self.weights = {v: zipf_weights(len(slugs)) for v, slugs in self.taxonomy.items()}
        # the offset keeps the top word near 7 % of the content words, not 16 %: in real text the
        # function words take the top ranks
        self.word_weights = zipf_weights(len(VOCABULARY), offset=3)

    def common(self, vocabulary: str, n: int) -> tuple[str, ...]:
        """The n most frequent slugs of a vocabulary: filters that match a fair share."""
        return self.taxonomy[vocabulary][:n]

    def publication(self, i: int, words: int | None = None) -> tuple[dict, datetime]:
        """The fields of publication i, and when it was published. `words`: the body's length
        (default 150 to 400 words, drawn)."""
        # A string seed is hashed with SHA-512 by random, so it is stable across runs and machines.
        rng = random.Random(f"{self.seed}:{i}")
        fields = {
            "title": self._title(rng),
            "summary": " ".join(self._sentences(rng, rng.randint(15, 40))),
            "body": self._body(rng, words),
            "kind": self._pick(rng, "publication_kinds"),
            "topics": self._some(rng, "topics", 1, 3),
            "audiences": self._some(rng, "audiences", 1, 2),
            "focus_areas": self._some(rng, "focus_areas", 0, 2),
            "organisation": self._pick(rng, "organisations") if rng.random() < 0.7 else None,
        }
        return fields, self.anchor - SPREAD * rng.random()

    def question(self, i: int) -> dict:
        """The fields of question i for the vraagbaak: a title ending in a question mark, a few
        sentences, one or two topics, and a focus area (mostly) or a municipality."""
        rng = random.Random(f"{self.seed}:question:{i}")
        place = {"focus_area": self._pick(rng, "focus_areas")} if rng.random() < 0.8 \
            else {"municipality": rng.choice(MUNICIPALITIES)}
        return {
            "title": f"{rng.choice(QUESTION_OPENINGS)} {' '.join(self._words(rng, rng.randint(3, 8), 0.2))}?",
            "body": " ".join(self._sentences(rng, rng.randint(25, 90))),
            "topics": self._some(rng, "topics", 1, 2),
            **place,
            "consent_to_publish": rng.random() < 0.5,
        }

    def _pick(self, rng: random.Random, vocabulary: str) -> str:
        return rng.choices(self.taxonomy[vocabulary], cum_weights=self.weights[vocabulary])[0]

    def _some(self, rng: random.Random, vocabulary: str, least: int, most: int) -> list[str]:
        wanted = rng.randint(least, most)
        chosen: list[str] = []
        while len(chosen) < wanted:   # distinct slugs, still drawn by popularity
            slug = self._pick(rng, vocabulary)
            if slug not in chosen:
                chosen.append(slug)
        return chosen

    def _words(self, rng: random.Random, n: int, function_share: float = FUNCTION_SHARE) -> list[str]:
        content = rng.choices(VOCABULARY, cum_weights=self.word_weights, k=n)
        return [rng.choice(FUNCTION_WORDS) if rng.random() < function_share else word for word in content]

    def _title(self, rng: random.Random) -> str:
        return _capitalised(self._words(rng, rng.randint(4, 10), function_share=0.2))

    def _sentences(self, rng: random.Random, total: int) -> Iterator[str]:
        """Sentences of 6-18 words, exactly `total` words in all (the last one up to 23)."""
        while total > 0:
            n = rng.randint(6, 18)
            n = total if total - n < 6 else n   # no two-word sentence at the end
            total -= n
            yield _capitalised(self._words(rng, n)) + "."

    def _body(self, rng: random.Random, words: int | None = None) -> str:
        """`words` (or 150-400) words of Markdown: paragraphs, one heading and one bulleted list."""
        total = words or rng.randint(150, 400)
        heading = _capitalised(self._words(rng, rng.randint(2, 5), function_share=0.1))
        items = [self._words(rng, rng.randint(2, 6), function_share=0.2) for _ in range(rng.randint(3, 5))]
        sentences = list(self._sentences(rng, max(total - len(heading.split()) - sum(map(len, items)), 10)))
        paragraphs = []
        while sentences:
            size = rng.randint(2, 5)
            paragraphs.append(" ".join(sentences[:size]))
            sentences = sentences[size:]
        blocks = [paragraphs[0], f"## {heading}", "\n".join(f"- {' '.join(item)}" for item in items),
                  *paragraphs[1:]]
        return "\n\n".join(blocks)


def _capitalised(words: list[str]) -> str:
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def unique_word() -> str:
    """A made-up word of this run, in the title and text, so a search finds only this publication."""
    return "wijkproef" + "".join(secrets.choice(string.ascii_lowercase) for _ in range(6))
