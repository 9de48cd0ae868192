"""Related publications for a question: the kennisbank's `search` RPC, with a short deadline.

Suggestions are a help, not a condition: when the publications service is down, slow or
refuses, a question is still accepted, without them. The deadline goes with the call (as the
gateway sends it, wijkwijzer.rpc), so publications drops a search still queued after it.
"""
from __future__ import annotations

import logging
import re
import time

import eventlet
from nameko.exceptions import UnknownService
from wijkwijzer.rpc import DEADLINE_KEY

log = logging.getLogger(__name__)

LIMIT = 5
_QUERY_LENGTH = 500   # what the search accepts


def query_of(*texts: str) -> str:
    """Words of the texts for a search that matches any of them, at most 500 characters."""
    words = " ".join(re.sub(r"[^\w'-]+", " ", text) for text in texts).split()
    query = ""
    for word in words:
        if len(query) + len(word) + 1 > _QUERY_LENGTH:
            break
        query = f"{query} {word}".strip()
    return query


def suggestions(publications, text: str, timeout: float) -> list[dict]:
    """Published publications sharing words with `text`, best first; [] when there are none or the
    kennisbank did not answer within `timeout` seconds."""
    if not text.strip():
        return []
    search = publications.search
    context = search.worker_ctx.data
    before = context.get(DEADLINE_KEY)
    context[DEADLINE_KEY] = min(time.time() + timeout, before or float("inf"))
    try:
        with eventlet.Timeout(timeout):
            return search({"q": text, "match": "any", "limit": LIMIT})["items"]
    except eventlet.Timeout:
        log.warning("no related publications: the publications service did not answer within %gs", timeout)
    except UnknownService:
        log.warning("no related publications: the publications service is not there")
    except Exception as exc:  # noqa: BLE001 (suggestions are optional: whatever went wrong, none)
        log.warning("no related publications: %s", exc)
    finally:
        if before is None:
            context.pop(DEADLINE_KEY, None)
        else:
            context[DEADLINE_KEY] = before
    return []
