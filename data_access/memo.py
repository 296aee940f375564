"""A memo dict: the import's column-wise work computes each distinct value once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Memo(dict):
    """A dict that computes a missing value with ``compute(key)`` and keeps it: looked up through
    ``memo[key]`` or ``map(memo.__getitem__, keys)``, a hit costs no Python-level call."""

    def __init__(self, compute: Callable[[Any], Any]) -> None:
        super().__init__()
        self.compute = compute

    def __missing__(self, key: Any) -> Any:
        value = self[key] = self.compute(key)
        return value
