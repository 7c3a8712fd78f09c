"""Samband: the shared command centre for hospital care at home."""

__version__ = "0.1.0"
