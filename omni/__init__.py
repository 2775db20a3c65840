"""Omni: one API, one CLI and one event stream for every messaging channel."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("omni")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+src"

__all__ = ["__version__"]
