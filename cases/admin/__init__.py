"""The staff screens for cases, one module per area; importing them here registers each
ModelAdmin with the one admin site (as channels/admin/ does)."""

from cases.admin import (  # noqa: F401
    api_tokens,
    case,
    consultations,
    ledgers,
    outbox,
    quality,
    recusal,
    resolution,
    service_targets,
    teams,
)
