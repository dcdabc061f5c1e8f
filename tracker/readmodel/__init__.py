"""The stance read model: the engine's output stored per person and topic, kept
current by the write path (``hooks``), read by every page (``view``)."""

from tracker.readmodel import hooks as _hooks  # noqa: F401  (registers the session events)
from tracker.readmodel.build import Refreshed, ensure_current, rebuild, refresh, stale_topics

__all__ = ["Refreshed", "ensure_current", "rebuild", "refresh", "stale_topics"]
