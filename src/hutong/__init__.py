"""Hutong: an open-source, self-hosted mini program platform."""

__version__ = "0.1.0"
