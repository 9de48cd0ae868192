"""Taxonomy checks: every topic, kind, audience, focus area and organisation a publication names
must be in the platform's shared vocabulary (wijkwijzer.taxonomy)."""
from __future__ import annotations

from wijkwijzer import taxonomy
from wijkwijzer.errors import Invalid


def check_taxonomy(fields: dict) -> None:
    """Raise Invalid naming each field whose slugs the taxonomy does not know."""
    errors = []
    for name, vocabulary in (("kind", "publication_kinds"), ("topics", "topics"),
                             ("audiences", "audiences"), ("focus_areas", "focus_areas"),
                             ("organisation", "organisations")):
        value = fields.get(name)
        if value is None:
            continue
        try:
            taxonomy.check(vocabulary, [value] if isinstance(value, str) else value)
        except taxonomy.UnknownSlug as exc:
            errors.append({"field": name, "message": str(exc)})
    if errors:
        raise Invalid("unknown taxonomy values", errors)
