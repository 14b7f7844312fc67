"""Imported once by `newsmon serve`'s fork server (newsmon/warm.py): importing it is the preload."""

from newsmon.warm import preload

WARM = preload()
