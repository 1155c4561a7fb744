"""The library's version, read by the build and stamped on every decision."""

__version__ = "0.2.0"
