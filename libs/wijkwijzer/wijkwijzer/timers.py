"""`configured_timer`: nameko's timer with its interval taken from the service's config.

nameko's `@timer(interval=...)` fixes the interval when the class is defined; ops
and tests need to set it per deployment (`${REVIEW_DUE_INTERVAL:300}` in the YAML),
so the interval is read from the container's config when the service starts.
Like every timer here, the work it does must be safe with several replicas
running it at once: claim work atomically (wijkwijzer.claims), never do it twice.
"""
from __future__ import annotations

from nameko.timer import Timer


class ConfiguredTimer(Timer):
    def __init__(self, key: str, default: float, **kwargs):
        self.key = key
        self.default = default
        super().__init__(interval=default, **kwargs)

    def setup(self) -> None:
        self.interval = float(self.container.config.get(self.key, self.default))
        super().setup()


configured_timer = ConfiguredTimer.decorator
