"""Korean politeness in an English question: 'juseyo' (please) and a '-yo' ending.

Korean staff end English asks with Korean politeness: 'shrinkage last month show juseyo', 'vault
only-yo', 'now Valenza instead-yo', 'count variance A01-03, explain-yo'. This reads 'juseyo' as
please and drops the '-yo' ending, in the normalised text, so the intent models read the English
question. Korean yes, no and wait ('ne', 'aniyo', 'jamkkanman') are read by
assistant/actions/answers.py.
"""

from __future__ import annotations

import re

__all__ = ["english_of_korean"]

_JUSEYO = re.compile(r"(?<![\w'-])juseyo(?![\w'-])")
_YO = re.compile(r"(?<=[a-z])-yo(?![\w'-])")


def english_of_korean(words: str) -> str:
    """Normalised English words without Korean politeness ('vault only-yo' -> 'vault only',
    'recall juseyo' -> 'recall please'); any other text as it is."""
    read = _YO.sub("", _JUSEYO.sub("please", words))
    return re.sub(r"\s+", " ", read).strip() or words
