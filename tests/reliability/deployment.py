"""What the tests of separate deployment share: writes through the gateway as clients make them,
with realistic Dutch content (tests/content.py), every answer recorded with its status and time;
the mails the platform's SMTP server kept, by what they are about; and the figures of a run."""
from __future__ import annotations

import re
import statistics
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import requests

from tests.content import Corpus
from tests.platform import Platform, bearer

FIRST_NAMES = ("Aïcha", "Sanne", "Daan", "Fatima", "Joris", "Eline", "Zoë", "Mehmet", "Priya", "Bram", "Lotte",
               "Youssef", "Femke", "Thijs", "Naima", "Ruben", "Chantal", "Koen", "Esra", "Wouter")
SURNAMES = ("Benali", "de Vries", "Jansen", "El Idrissi", "Mulder", "van der Berg", "van den Heuvel", "Yılmaz",
            "Ramdin", "Visser", "de Jong", "Bakker", "Smit", "Meijer", "Çelik", "Kramer", "Bos", "Ünal")

EDITOR = bearer("redactie-eva", "Eva Ünal", "editor")
ADMIN = bearer("beheer", "Beheer", "admin")
ORGANISER = bearer("noor-bakker", "Noor Bakker", "organiser", email="noor@voorbeeld.nl", organisation="lpb")


def dutch_name(i: int) -> str:
    return f"{FIRST_NAMES[i % len(FIRST_NAMES)]} {SURNAMES[(i // len(FIRST_NAMES)) % len(SURNAMES)]}"


@dataclass
class Answer:
    what: str            # the route, e.g. "create_publication"
    expected: int
    status: int | None   # None: no answer (a timeout, a connection refused)
    seconds: float
    problem: str | None = None

    @property
    def failed(self) -> bool:
        return self.status != self.expected


@dataclass
class Gateway:
    """Calls the API as a client does and records every answer: its status against the one the
    operation normally answers, and how long it took."""

    base_url: str
    answers: list[Answer] = field(default_factory=list)
    timeout: float = 15   # longer than the gateway's RPC_TIMEOUT: the gateway answers first, a 504 at worst

    def __call__(self, what: str, method: str, path: str, who: dict | None = None, expect: int = 200,
                 **kwargs) -> dict | None:
        started = time.monotonic()
        try:
            response = requests.request(method, f"{self.base_url}/api/v1{path}", headers=who or {},
                                        timeout=self.timeout, **kwargs)
        except requests.RequestException as exc:
            self.answers.append(Answer(what, expect, None, time.monotonic() - started, repr(exc)))
            return None
        answer = Answer(what, expect, response.status_code, time.monotonic() - started)
        if answer.failed:
            answer.problem = response.text[:300]
        self.answers.append(answer)
        return response.json() if not answer.failed else None

    def failures(self) -> list[Answer]:
        return [a for a in self.answers if a.failed]

    def figures(self, seconds: float) -> str:
        """Requests, failures, duration and latency of the answers so far, for a closing note."""
        times = sorted(a.seconds for a in self.answers)
        percentiles = statistics.quantiles(times, n=100, method="inclusive") if len(times) > 1 else times * 99
        by_status: dict = defaultdict(int)
        for answer in self.answers:
            by_status[answer.status] += 1
        return (f"{len(self.answers)} requests in {seconds:.1f} s ({len(self.answers) / seconds:.1f}/s), "
                f"{len(self.failures())} failed; statuses {dict(by_status)}; "
                f"latency p50 {percentiles[49] * 1000:.0f} ms, p99 {percentiles[98] * 1000:.0f} ms, "
                f"max {times[-1] * 1000:.0f} ms")


class Writers:
    """The writes of the platform's users, with content of Corpus(seed): a run marker in every
    publication's title, addresses of the run's own, so a test sees only what it made."""

    def __init__(self, gateway: Gateway, seed: int):
        self.gateway = gateway
        self.run = uuid.uuid4().hex[:6]
        self.marker = f"wijkproef{self.run}"   # one word: search finds exactly this run's publications
        self.corpus = Corpus(seed=seed, anchor=datetime.now(UTC))
        self.place = f"Vraagdorp {self.run}"   # the run's own municipality: its questions go to its wijkwijzen
        self.wijkwijzen: dict[str, dict] = {}
        self._lock = threading.Lock()

    def author(self, i: int) -> dict:
        sub = f"auteur-{self.run}-{i % 7}"
        return bearer(sub, dutch_name(i + 3), "member", email=f"{sub}@voorbeeld.nl")

    def follower(self) -> tuple[str, dict]:
        """A member of the run who follows every topic: told of every publication published."""
        address = f"lezer.{self.run}@voorbeeld.nl"
        who = bearer(f"lezer-{self.run}", "Fenna de Vries", "member", email=address)
        self.gateway("set_my_follows", "PUT", "/me/follows", who, json={"topics": list(self.corpus.taxonomy["topics"])})
        return address, who

    def publication(self, i: int) -> dict | None:
        """Publication i written, submitted and published: three requests. Its draft (the id and
        slug), or None when a step failed (the gateway recorded it)."""
        fields, _ = self.corpus.publication(i)
        fields["title"] = f"{fields['title'][:150]} {self.marker} {i}"
        author = self.author(i)
        draft = self.gateway("create_publication", "POST", "/publications", author, 201, json=fields)
        if draft is None:
            return None
        if self.gateway("submit_publication", "POST", f"/publications/{draft['id']}/submit", author) is None:
            return None
        if self.gateway("review_publication", "POST", f"/publications/{draft['id']}/review", EDITOR,
                        json={"decision": "publish"}) is None:
            return None
        return draft

    def draft(self, i: int) -> dict | None:
        """Publication i written as a draft: one request."""
        fields, _ = self.corpus.publication(i)
        fields["title"] = f"{fields['title'][:150]} {self.marker} {i}"
        return self.gateway("create_publication", "POST", "/publications", self.author(i), 201, json=fields)

    def roster(self, n: int = 3) -> None:
        """n wijkwijzen for the run's place, on every topic, with room for 50 questions each."""
        for k in range(n):
            sub = f"wijkwijze-{self.run}-{k}"
            name = dutch_name(40 + k)
            self.gateway("put_wijkwijze", "PUT", f"/wijkwijzen/{sub}", ADMIN, json={
                "name": name, "email": f"{sub}@voorbeeld.nl", "topics": list(self.corpus.taxonomy["topics"]),
                "regions": [self.place], "capacity": 50})
            self.wijkwijzen[sub] = bearer(sub, name, "wijkwijze", email=f"{sub}@voorbeeld.nl")

    def question(self, i: int) -> dict | None:
        """Question i asked anonymously about the run's place, and opened by the wijkwijze it went
        to (picked up, so it is not routed again after ASSIGNMENT_TIMEOUT): two requests."""
        fields = {k: v for k, v in self.corpus.question(i).items() if k not in ("focus_area", "municipality")}
        asked = self.gateway("ask_question", "POST", "/questions", None, 201, json={
            **fields, "municipality": self.place, "email": f"vrager.{self.run}.{i}@voorbeeld.nl"})
        if asked is None:
            return None
        assert asked["assignee"], f"no wijkwijze of the run had room for question {i}"
        self.gateway("get_question", "GET", f"/questions/{asked['id']}", self.wijkwijzen[asked["assignee"]["sub"]])
        return asked

    def activity(self, capacity: int) -> dict:
        starts = (datetime.now(UTC) + timedelta(days=21)).replace(minute=0, second=0, microsecond=0)
        return self.gateway("schedule_activity", "POST", "/activities", ORGANISER, 201, json={
            "title": f"Wijktafel Bewonersinitiatieven {self.run}",
            "description": self.corpus.question(10_000)["body"],   # a few Dutch sentences
            "kind": "netwerkbijeenkomst", "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=2)).isoformat(), "capacity": capacity,
            "topics": list(self.corpus.common("topics", 2)),
            "location": {"name": "Buurthuis De Kroon", "address": "Kroonstraat 12", "municipality": "Zwolle"}})

    def registration(self, activity: dict, i: int) -> tuple[str, dict | None]:
        """Registrant i of the run registers anonymously: one request. Their address, and the registration."""
        address = f"deelnemer.{self.run}.{i}@voorbeeld.nl"
        return address, self.gateway("register", "POST", f"/activities/{activity['id']}/registrations", None, 201,
                                     json={"name": dutch_name(i), "email": address})


# -- mail --------------------------------------------------------------------------------------

def mails(platform: Platform, run: str) -> list:
    """Every mail the platform's SMTP server kept for the run's addresses."""
    return [m for m in platform.mail.messages() if f".{run}" in m["To"].addresses[0].addr_spec
            or f"-{run}" in m["To"].addresses[0].addr_spec]


def about(mail) -> str:
    """What a mail is about: the publication (slug) or question (id) it links to, else its address."""
    text = mail.get_body(("plain",)).get_content()
    link = re.search(r"/(publicaties|vragen)/([\w-]+)", text)
    return f"{link.group(1)}/{link.group(2)}" if link else mail["To"].addresses[0].addr_spec
