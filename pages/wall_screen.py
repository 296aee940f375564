"""Trình chiếu — the operations room's wall screen: the committee's views in turn, large and live."""

from __future__ import annotations

from dashboard import wall

wall.show()
