import dataclasses

import pytest

from cases.gateway.config import GatewaySettings
from cases.gateway.http import HttpExchangeGateway
from complaints_site.settings import base


def test_gateway_settings_read_base_py_values(settings):
    # The test settings inherit base.py's gateway settings untouched.
    configured = GatewaySettings.from_settings()
    assert configured.key_id == base.EXCHANGE_GATEWAY_KEY_ID
    assert configured.timeout_ms == base.EXCHANGE_GATEWAY_TIMEOUT_MS
    assert configured.retries == base.EXCHANGE_GATEWAY_RETRIES
    assert configured.backoff_ms == base.EXCHANGE_GATEWAY_BACKOFF_MS
    assert configured.adapter == settings.EXCHANGE_GATEWAY


def test_gateway_settings_are_frozen_and_keep_the_secret_out_of_repr(settings):
    settings.EXCHANGE_GATEWAY_SECRET = "s3cret-value"
    configured = GatewaySettings.from_settings()
    assert "s3cret-value" not in repr(configured)
    with pytest.raises(dataclasses.FrozenInstanceError):
        configured.retries = 9  # type: ignore[misc]


def test_the_http_adapter_takes_its_defaults_from_the_settings(settings):
    settings.EXCHANGE_GATEWAY_URL = "https://exchange.internal"
    settings.EXCHANGE_GATEWAY_SECRET = "k" * 32
    gateway = HttpExchangeGateway()
    assert gateway.timeout_ms == base.EXCHANGE_GATEWAY_TIMEOUT_MS
    assert gateway.retries == base.EXCHANGE_GATEWAY_RETRIES
    assert gateway.backoff_ms == base.EXCHANGE_GATEWAY_BACKOFF_MS
