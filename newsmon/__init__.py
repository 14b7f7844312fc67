"""newsmon: batch pipeline for periodic news monitoring."""

__version__ = "0.1.0"
