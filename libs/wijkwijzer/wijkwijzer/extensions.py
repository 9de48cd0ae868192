"""Finding the dependency provider another extension of the same service relies on."""
from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


def sibling(container, kind: type[T], needed_by: str) -> T:
    """The service's dependency provider of type `kind` (e.g. its MongoDatabase), which the
    extension `needed_by` uses; a clear error at start-up when the service declares none."""
    found = next((d for d in container.dependencies if isinstance(d, kind)), None)
    if found is None:
        raise TypeError(f"{container.service_name}: {needed_by} needs a {kind.__name__} dependency")
    return found
