"""Text helpers shared by the import code: Unicode normalisation and matching keys."""

from __future__ import annotations

import re
import unicodedata

_IGNORED_IN_KEYS = re.compile(r"[\s\-._]+")


def nfc(s: str) -> str:
    """Return ``s`` NFC-normalised with surrounding whitespace removed."""
    return unicodedata.normalize("NFC", s).strip()


def fold(s: str) -> str:
    """Return a key for matching ``s`` regardless of case, diacritics and spacing.

    Combining marks are dropped, ``đ``/``Đ`` become ``d``, everything is lower-cased and
    whitespace, hyphens, dots and underscores are removed: ``fold("Cầu Tân-Đệ") == "cautande"``.
    """
    decomposed = unicodedata.normalize("NFD", unicodedata.normalize("NFC", s))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    bare = bare.replace("đ", "d").replace("Đ", "d").lower()
    return _IGNORED_IN_KEYS.sub("", bare)
