"""Text into search terms: Chinese words (jieba), English words, and pinyin in full and as initials."""

from __future__ import annotations

import logging
import re
import unicodedata
from functools import cache, lru_cache

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[a-z0-9]+")


def normalise(text: str) -> str:
    """Full-width to half-width, lower case: `ＴＥＡ` and `Tea` search alike."""
    return unicodedata.normalize("NFKC", text).lower().strip()


def has_han(text: str) -> bool:
    return _HAN.search(text) is not None


@cache
def _quiet_jieba() -> None:
    """jieba and pypinyin are imported on the first search, not with this module (~0.6 s of a
    server's start otherwise: the platform imports it whether or not anyone searches, `hutong check`
    included)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)


@lru_cache(maxsize=4096)
def words(text: str) -> tuple[str, ...]:
    """The words of ``text``: jieba's search-mode segmentation for Chinese, plain words for the rest."""
    text = normalise(text)
    out: list[str] = []
    _quiet_jieba()
    import jieba

    for piece in jieba.cut_for_search(text):
        piece = piece.strip()
        if not piece:
            continue
        if has_han(piece):
            out.append(piece)
            # Single characters too, so that a one-character query still finds the word.
            if len(piece) > 1:
                out.extend(char for char in piece if has_han(char))
        else:
            out.extend(_LATIN_WORD.findall(piece))
    return tuple(dict.fromkeys(out))


@lru_cache(maxsize=4096)
def pinyin_forms(text: str) -> tuple[str, ...]:
    """Pinyin spellings of the Chinese in ``text``: joined full (`naicha`) and initials (`nc`), per word."""
    from pypinyin import Style, lazy_pinyin

    forms: list[str] = []
    for word in words(text):
        if not has_han(word) or len(word) < 2:
            continue
        syllables = lazy_pinyin(word)
        forms.append("".join(syllables))
        forms.append("".join(syllable[0] for syllable in syllables if syllable))
    han = "".join(_HAN.findall(normalise(text)))
    if han:
        forms.append("".join(lazy_pinyin(han)))
        forms.append("".join(lazy_pinyin(han, style=Style.FIRST_LETTER)))
    return tuple(dict.fromkeys(form for form in forms if form))
