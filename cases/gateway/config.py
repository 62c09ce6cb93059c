"""The exchange gateway's settings, read in one place into one frozen value.

`complaints_site/settings/base.py` holds every default (and reads the environment); this module
has none of its own, so the two can never disagree. Read when an adapter is built (not at
import), so a test's settings override applies.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class GatewaySettings:
    # A dotted class path: the adapter `get_gateway` builds.
    adapter: str
    base_url: str
    key_id: str
    secret: str
    timeout_ms: int
    # Attempts in all, the first included.
    retries: int
    backoff_ms: int

    def __repr__(self) -> str:
        # Never the secret, in a log line or a traceback.
        return (
            f"GatewaySettings(adapter={self.adapter!r}, base_url={self.base_url!r}, "
            f"key_id={self.key_id!r}, timeout_ms={self.timeout_ms}, retries={self.retries}, "
            f"backoff_ms={self.backoff_ms})"
        )

    @classmethod
    def from_settings(cls) -> GatewaySettings:
        """The EXCHANGE_GATEWAY* settings as they are now."""
        return cls(
            adapter=settings.EXCHANGE_GATEWAY,
            base_url=settings.EXCHANGE_GATEWAY_URL,
            key_id=settings.EXCHANGE_GATEWAY_KEY_ID,
            secret=settings.EXCHANGE_GATEWAY_SECRET,
            timeout_ms=settings.EXCHANGE_GATEWAY_TIMEOUT_MS,
            retries=settings.EXCHANGE_GATEWAY_RETRIES,
            backoff_ms=settings.EXCHANGE_GATEWAY_BACKOFF_MS,
        )
