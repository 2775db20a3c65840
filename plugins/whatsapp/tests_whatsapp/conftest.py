"""Shared fixtures of the WhatsApp plugin's tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from omni_whatsapp import session as wa_session


@pytest.fixture(autouse=True)
def fresh_client_ids() -> Iterator[None]:
    """Every test starts as a fresh process would: no neonize client ids taken. (A test that ends without
    `disconnect()` leaves its id taken, as a real process would until the runtime disconnects it; every test uses
    the same instance id.)"""
    wa_session._busy.clear()
    yield
    wa_session._busy.clear()
