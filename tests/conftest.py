"""Shared test helpers: a throw-away OMNI_HOME with free ports, and the real `omni` CLI run as a subprocess (the code
lives in `omni.testing.server`, which plugin authors use too)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from omni.testing.server import Home, cleanup, free_port, make_home, omni_command

__all__ = ["Home", "cleanup", "free_port", "make_home", "omni_command"]


@pytest.fixture
def home() -> Iterator[Home]:
    h = make_home()
    try:
        yield h
    finally:
        cleanup(h)


@pytest.fixture(scope="module")
def installed() -> Iterator[Home]:
    """One installed (not started) home shared by a module's tests."""
    h = make_home()
    h.omni("install", "--non-interactive")
    try:
        yield h
    finally:
        cleanup(h)
