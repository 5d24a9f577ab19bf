"""Kremlin TUI: an alternate-history political strategy game played as interactive fiction."""

__version__ = "0.1.0"
