"""Hindi and Urdu words in an English question (Hinglish), as English: a small lexicon.

Pakistani, Indian and Bangladeshi staff write English with Hindi and Urdu words: 'kaun se gold
items bahut dheere bik rahe hain is saal', 'pick area mein kitna maal gayab hua is month',
'bhai lot G-7769 kahan rakha hai?', 'JAIPUR ka inventory turnover kitna hai is quarter'. As
:mod:`assistant.entities.tagalog` does for Taglish, this reads them as English in the normalised
text, so the intent models and the slots read them alike. It reads a question only when it has a
word no English question uses ('kitna', 'kahan', 'dikhao', 'hai', 'mein', …; not 'is', 'ka' or
'do' alone). Hindi yes, no and wait ('ji haan', 'nahi, rehne do', 'ruko') are read by
assistant/actions/answers.py.
"""

from __future__ import annotations

import re

from assistant.entities.spanish import lexicon_patterns, read_by_lexicon

__all__ = ["english_of_hinglish"]

#: Words that mark a question as Hinglish (none is an English word a question would use).
_MARKERS = re.compile(
    r"(?<![\w'-])(?:kitna|kitne|kitni|kahan|kaha|kaun|kaunsa|kaunse|kya|dikhao|dikha|bika|bike"
    r"|bikta|bik|gayab|hua|hue|hai|hain|mein|bhai|sabse|zyada|purana|purane|maal|abhi|wala|wale"
    r"|karo|sirf|aur|nahi|bahut|dheere|humare|hamare|paas|rakha|saal|mahine|hafte|pichle|ji"
    r"|hata|hatao|daal|bana|kar)(?![\w'-])")
#: Hindi and Urdu phrases and words as English, longer phrases first.
_LEXICON: tuple[tuple[str, str], ...] = (
    # periods ('is saal', 'is month', 'pichle hafte')
    (r"is (saal|sal)", "this year"), (r"is (mahine|month)", "this month"),
    (r"is (hafte|week)", "this week"), (r"is quarter", "this quarter"),
    (r"pichle (saal|sal)", "last year"), (r"pichle (mahine|month)", "last month"),
    (r"pichle (hafte|week)", "last week"), (r"aaj", "today"),
    # reports and goods
    (r"sabse zyada (?:kya )?(?:bika|bike|bikne wala|bikta)", "best selling"),
    (r"sabse zyada", "the most"),
    (r"sabse kam (?:bika|bike|bikta)", "least sold"),
    (r"bilkul nahi bika|ek bhi (?:sale|nahi bika) nahi", "never sold"),
    (r"(?:bahut )?dheere bik (?:rahe|raha|rahi)(?: hain| hai)?", "slow selling"),
    (r"nahi bik (?:rahe|raha|rahi)|nahi bika", "not selling"), (r"bika|bike|bikta", "sold"),
    (r"gayab (?:hua|hue|ho gaya)|gayab", "lost"), (r"purana maal|purana stock", "old stock"),
    (r"maal", "stock"), (r"(?:humare|hamare) paas", "we have"), (r"rakha (?:hai|hua)?", "kept"),
    (r"hold (?:hata do|hatao|hata)", "remove the hold"), (r"hata do|hatao", "remove"),
    # question words and links
    (r"kitna|kitne|kitni", "how many"), (r"kahan|kaha", "where is"),
    (r"kaun ?se|kaunsa|kaunse", "which"), (r"kaun", "who"), (r"kya", "what"),
    (r"dikhao|dikha do", "show"), (r"sirf", "only"), (r"aur", "and"), (r"abhi", "now"),
    (r"mein", "in"), (r"se", "from"), (r"wala|wale", ""),
    (r"kar do|karo|kardo", "do it"), (r"bana do|banao", "make"),
    # particles and links: they say nothing of what is asked
    (r"hai|hain|hua|hue|tha|ka|ki|ke|ko|pe|bhai|ji|yaar|na", ""),
)
_PATTERNS = lexicon_patterns(_LEXICON)


def english_of_hinglish(words: str) -> str:
    """Normalised English words with a Hinglish question's Hindi words in English ('bhai lot
    g-7769 kahan rakha hai' -> 'lot g-7769 where is kept'); any other text as it is."""
    return read_by_lexicon(words, _MARKERS, _PATTERNS)
