"""The exchange gateway: the one port through which the product reads a user's exchange records
and asks the exchange to act. `get_gateway()` returns the configured adapter."""

from cases.gateway.port import (
    ACTION_KINDS,
    RECORD_FIELDS,
    AccountStatus,
    ActionRequest,
    ActionResult,
    ExchangeGateway,
    GatewayError,
    GatewayIntegrityError,
    GatewayNotFound,
    GatewayRejected,
    GatewayUnavailable,
    RecordKind,
    get_gateway,
    normalize_record,
)

__all__ = [
    "ACTION_KINDS",
    "RECORD_FIELDS",
    "AccountStatus",
    "ActionRequest",
    "ActionResult",
    "ExchangeGateway",
    "GatewayError",
    "GatewayIntegrityError",
    "GatewayNotFound",
    "GatewayRejected",
    "GatewayUnavailable",
    "RecordKind",
    "get_gateway",
    "normalize_record",
]
