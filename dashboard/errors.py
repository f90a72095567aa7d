"""The one exception type for mistakes a user can make (a bad file, a bad setting, a bad filter)."""

from __future__ import annotations


class ProductHealthError(Exception):
    """A problem the user can fix; the message names the file, line or key and what to do."""
