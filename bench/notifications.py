"""Events per second from RabbitMQ to sent e-mail, for fan-out to 1 follower and to 1,000.

    bash bench/notifications.sh [--events-1 200] [--events-1000 5] [--followers 1000] [--replicas 1]

1. starts the notifications service as `--replicas` processes of its own (`nameko run`, in a
   RabbitMQ vhost and a database of their own, both removed afterwards), sending to a local SMTP
   sink (aiosmtpd, tests/smtp_sink.py, which writes every message it accepts to a file);
2. gives it one member who follows topic A and `--followers` members who follow topic B (over
   its RPC, as the gateway does for PUT /me/follows);
3. "fan-out 1": publishes `--events-1` `publication.published` events on topic A at once, and
   times from the first publish until the sink holds one mail per event;
4. "fan-out 1000": publishes `--events-1000` events on topic B, until the sink holds one mail
   per event and follower.

Each mail is rendered from the Dutch templates, stored in the delivery log, claimed, sent over
SMTP and marked sent, as in production. Progress goes to stderr, the table to stdout.
"""
from __future__ import annotations

import eventlet

eventlet.monkey_patch()

import argparse
import os
import platform as machine
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pymongo
import yaml
from nameko.standalone.events import event_dispatcher
from nameko.standalone.rpc import ClusterRpcProxy
from publications.events import PublicationPublished
from wijkwijzer.cloudevents import envelope

from tests.support import Broker, SmtpSink

ROOT = Path(__file__).resolve().parents[1]
NAMES = ["Fatima El Idrissi", "José Smit-Öztürk", "Daan de Jong", "Aïcha Benali", "Eline van der Berg",
         "Mohamed Bouzid", "Anouk Visser", "Chantal Ramdin", "Joris Mulder", "Sven Jansen"]


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def published(topic: str, n: int):
    data = PublicationPublished(
        id=f"bench-{topic}-{n}", slug=f"bench-{topic}-{n}", title=f"Praktijkvoorbeeld {n} over de wijk",
        summary="Hoe bewoners, wijkagent en corporatie samen de straat veiliger maakten.",
        kind="praktijkvoorbeeld", topics=[topic], audiences=[], focus_areas=[], organisation=None,
        published_at=datetime.now(UTC))
    return envelope("publications", data, subject=data.id)


def run(rows: list, label: str, amqp_uri: str, sink_dir: Path, topic: str, events: int, per_event: int) -> None:
    before = len(list(sink_dir.glob("*.eml")))
    want = before + events * per_event
    dispatch = event_dispatcher({"AMQP_URI": amqp_uri})
    say(f"{label}: publishing {events} events, {events * per_event} mails expected")
    started = time.perf_counter()
    for n in range(events):
        event = published(topic, n)
        dispatch("publications", event.routing_key, event.model_dump(mode="json"))
    published_s = time.perf_counter() - started
    deadline = time.monotonic() + 900
    while (count := len(list(sink_dir.glob("*.eml")))) < want:
        if time.monotonic() > deadline:
            raise SystemExit(f"{label}: only {count - before} of {want - before} mails after 900 s")
        time.sleep(0.1)
    seconds = time.perf_counter() - started
    time.sleep(1)
    extra = len(list(sink_dir.glob("*.eml"))) - want
    rows.append((label, events, events * per_event, published_s, seconds, events / seconds,
                 events * per_event / seconds, extra))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events-1", type=int, default=200, help="events for the fan-out to 1 (200)")
    parser.add_argument("--events-1000", type=int, default=5, help="events for the big fan-out (5)")
    parser.add_argument("--followers", type=int, default=1000, help="followers of the big fan-out (1000)")
    parser.add_argument("--replicas", type=int, default=1, help="notifications processes (1)")
    args = parser.parse_args()

    tag = f"bench{uuid.uuid4().hex[:6]}"
    infra = {"AMQP_URI": os.environ["AMQP_URI"], "MANAGEMENT_URL": "http://127.0.0.1:15672"}
    vhost = Broker(infra, f"bench-notifications-{tag}")
    vhost.create()
    database = f"bench_notifications_{tag}"
    work = Path(tempfile.mkdtemp(prefix="bench-notifications-"))
    (work / "smtp").mkdir()
    sink = SmtpSink(work / "smtp").start()
    config = work / "config.yaml"
    config.write_text(yaml.safe_dump({
        "AMQP_URI": vhost.amqp_uri, "MONGODB_URI": os.environ["MONGODB_URI"], "MONGODB_DATABASE": database,
        "SMTP_PORT": sink.port, "UNSUBSCRIBE_SECRET": "bench-unsubscribe-secret-0123456789",
        "WEB_BASE_URL": "https://wijkwijzer.example", "SEND_INTERVAL": 1, "max_workers": 10,
        "LOGGING": {"version": 1, "handlers": {"console": {"class": "logging.StreamHandler"}},
                    "root": {"level": "WARNING", "handlers": ["console"]}}}))
    processes = []
    rows: list = []
    try:
        subprocess.run([sys.executable, "-m", "wijkwijzer.topology", "notifications.service:NotificationsService"],
                       env={**os.environ, "AMQP_URI": vhost.amqp_uri}, check=True, capture_output=True)
        for i in range(args.replicas):
            with open(work / f"notifications-{i}.log", "wb") as log:
                processes.append(subprocess.Popen(
                    [str(ROOT / ".venv" / "bin" / "nameko"), "run", "--config", str(config),
                     "notifications.service:NotificationsService"],
                    cwd=ROOT / "services" / "notifications", stdout=log, stderr=subprocess.STDOUT))
        with ClusterRpcProxy({"AMQP_URI": vhost.amqp_uri}, timeout=60) as rpc:
            deadline = time.monotonic() + 60
            while True:
                try:
                    rpc.notifications.ping()
                    break
                except Exception:   # not up yet
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.5)
            say(f"{args.replicas} notifications process(es) up; {args.followers} followers of one topic")
            rpc.notifications.set_follows({"sub": "enkel", "name": "Noor Bakker", "email": "noor@voorbeeld.nl"},
                                          {"topics": ["buurtagenda"]})
            for i in range(args.followers):
                rpc.notifications.set_follows(
                    {"sub": f"volger-{i}", "name": f"{NAMES[i % len(NAMES)]} {i}", "email": f"volger{i}@voorbeeld.nl"},
                    {"topics": ["veiligheid"]})
        run(rows, "fan-out to 1", vhost.amqp_uri, work / "smtp", "buurtagenda", args.events_1, 1)
        run(rows, f"fan-out to {args.followers}", vhost.amqp_uri, work / "smtp", "veiligheid", args.events_1000,
            args.followers)
    finally:
        for process in processes:
            process.kill()
            process.wait(10)
        sink.stop()
        vhost.delete()
        with pymongo.MongoClient(os.environ["MONGODB_URI"]) as client:
            client.drop_database(database)

    print(f"\nnotifications: events/s from RabbitMQ to mail accepted by a local SMTP server (aiosmtpd)\n"
          f"{args.replicas} notifications process(es); Python {machine.python_version()}; "
          f"MongoDB-wire server {os.environ['MONGODB_URI']}\n")
    header = ("case", "events", "mails", "publish s", "total s", "events/s", "mails/s", "duplicates")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for label, events, mails, pub_s, total_s, eps, mps, extra in rows:
        print(f"| {label} | {events} | {mails} | {pub_s:.2f} | {total_s:.2f} | {eps:.1f} | {mps:.1f} | {extra} |")


if __name__ == "__main__":
    main()
