"""The channel conformance suite (`omni.testing.ChannelConformance`) against the built-in loopback channel, on a real
omni started by the `omni_server` fixture — exactly as a plugin author runs it against their channel."""

from __future__ import annotations

import pytest

from omni.testing import ChannelConformance, LoopbackDriver, OmniServer, omni_server  # noqa: F401 (the fixture)


class TestLoopbackConformance(ChannelConformance):
    @pytest.fixture(scope="class")
    @classmethod
    def driver(cls, omni_server: OmniServer) -> LoopbackDriver:  # noqa: F811
        return LoopbackDriver(omni_server)
