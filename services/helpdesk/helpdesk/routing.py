"""Who gets a question: the routing rules, with no I/O.

1. Fit first: a wijkwijze who knows one of the question's topics and covers its region beats
   one who knows a topic only, who beats one who covers the region only. Nobody else fits.
2. Never someone who is away, at capacity, or who declined the question or let it lie.
3. Least open load breaks a tie within a fit.
4. Fair over time: at equal fit and load, the one whose last assignment is longest ago (or who
   never had one) wins; every assignment moves its wijkwijze to the back of that line. Ties
   left after that (two who never had one) go by account id, so the outcome is reproducible.

`ranked` gives every fitting candidate in that order, each with the rule that put them there
in words (the question's history shows it); the service tries them in turn, because the write
that counts a question in someone's load may find them full meanwhile. None fits: the
national pool, with `pool_reason` saying why.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime

from .roster import is_away

TOPIC_AND_REGION, TOPIC, REGION = "topic_and_region", "topic", "region"
_FIT_WORDS = {TOPIC_AND_REGION: "onderwerp en regio passen", TOPIC: "onderwerp past",
              REGION: "regio past"}
_FITS = (TOPIC_AND_REGION, TOPIC, REGION)
_NEVER = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Choice:
    sub: str
    name: str
    capacity: int
    away_until: str | None
    rule: str          # TOPIC_AND_REGION, TOPIC or REGION
    explanation: str   # for the history, in Dutch


def _fit(question: dict, entry: dict) -> str | None:
    topic = bool(set(question["topics"]) & set(entry.get("topics") or []))
    place = bool(set(question["region_keys"]) & set(entry.get("region_keys") or []))
    if topic and place:
        return TOPIC_AND_REGION
    return TOPIC if topic else REGION if place else None


def _load(entry: dict) -> int:
    return entry.get("open_count", 0)


def _unavailable(entry: dict, question_id: str, passed: set[str], today: date) -> str | None:
    if entry["_id"] in passed:
        return "gaf de vraag terug"
    if is_away(entry, today):
        return "afwezig"
    if question_id in (entry.get("open") or []):
        return "heeft de vraag al"
    if _load(entry) >= entry["capacity"]:
        return "vol"
    return None


def ranked(question: dict, roster: list[dict], today: date) -> list[Choice]:
    """Every wijkwijze who may get the question, best first (see the module's rules)."""
    passed = set(question.get("passed") or [])
    fitting = []
    for entry in roster:
        fit = _fit(question, entry)
        if fit and not _unavailable(entry, question["_id"], passed, today):
            fitting.append((_FITS.index(fit), _load(entry), entry.get("last_assigned_at") or _NEVER, entry["_id"],
                            fit, entry))
    fitting.sort(key=lambda row: row[:4])
    choices = []
    for place, (_, load, last, _, fit, entry) in enumerate(fitting):
        reason = [_FIT_WORDS[fit], f"minste open vragen ({load} van {entry['capacity']})"]
        runner_up = fitting[place + 1] if place + 1 < len(fitting) else None
        if runner_up and runner_up[:2] == fitting[place][:2]:
            reason.append("bij gelijke stand het langst geleden een vraag gekregen" if last != _NEVER
                          else "bij gelijke stand nog nooit een vraag gekregen")
        choices.append(Choice(entry["_id"], entry["name"], entry["capacity"], entry.get("away_until"), fit,
                              "; ".join(reason)))
    return choices


def pool_reason(question: dict, roster: list[dict], today: date) -> str:
    """Why nobody fits, in words: how many on the roster were left out for which reason."""
    passed = set(question.get("passed") or [])
    counts: Counter[str] = Counter()
    for entry in roster:
        if not _fit(question, entry):
            counts["onderwerp en regio passen niet"] += 1
        else:
            counts[_unavailable(entry, question["_id"], passed, today) or "net vol geraakt"] += 1
    if not counts:
        return "niemand past: het rooster is leeg"
    return "niemand past: " + ", ".join(f"{why}: {n}" for why, n in sorted(counts.items()))
