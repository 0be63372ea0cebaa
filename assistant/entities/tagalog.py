"""Tagalog words in an English question, as English: a small lexicon, not a Tagalog reader.

Filipino warehouse staff ask in Taglish: 'ilan ang stock natin galing kay AREZZO', 'saan
nakalagay ang ST0009-S925W po', 'sino po ang nag-pick ng FC0000120', 'pakicheck ng mga CCTV
alerts kahapon'. As :mod:`assistant.entities.spanish` does for Spanish, this reads the Tagalog
words a warehouse question uses as their English ones in the normalised text, so the intent
models and the slots read them alike. It reads a question only when it has a word no English
question uses ('ang', 'ng', 'mga', 'ilan', 'saan', …; not 'po', which is also a purchase
order): 'may' and 'sa' alone are left alone. Taglish yes and no ('sige po', 'teka lang') are
read by assistant/actions/answers.py.
"""

from __future__ import annotations

import re

from assistant.entities.spanish import lexicon_patterns, read_by_lexicon

__all__ = ["english_of_tagalog"]

#: Words that mark a question as Taglish (none is an English word a question would use).
_MARKERS = re.compile(
    r"(?<![\w'-])(?:ang|ng|mga|yung|iyong|natin|namin|ilan|saan|sino|ano|kahapon|ngayon"
    r"|ngayong|pakicheck|paki-check|kumusta|kamusta|meron|galing|nawala|ba|nakalagay"
    r"|nag-pick|mabenta|dumadating|paparating|naka-order|kakaiba|kakaibang|bodega)(?![\w'-])")
#: Tagalog phrases and words as English, longer phrases first.
_LEXICON: tuple[tuple[str, str], ...] = (
    # periods
    (r"ngayong araw na ito|ngayong araw", "today"), (r"kahapon", "yesterday"),
    (r"ngayong linggo", "this week"), (r"noong isang linggo|nakaraang linggo", "last week"),
    (r"ngayong buwan", "this month"), (r"noong isang buwan|nakaraang buwan", "last month"),
    (r"ngayong taon", "this year"), (r"noong isang taon|nakaraang taon", "last year"),
    (r"ngayon", "now"),
    # reports and goods
    (r"pinaka-?mabenta", "best selling"), (r"(?:mabagal|matumal) (?:na )?mabenta", "slow selling"),
    (r"hindi mabenta", "not selling"), (r"mabenta", "selling"),
    (r"hindi pa na-ship|hindi pa naipapadala", "not shipped yet"), (r"na-ship", "shipped"),
    (r"hindi pa dumadating", "not arrived yet"), (r"naka-order", "on order"),
    (r"may paparating", "any incoming"), (r"paparating", "incoming"), (r"dumadating", "arriving"),
    (r"nawala", "lost"), (r"na-write off", "written off"), (r"kakaibang?", "unusual"),
    (r"dahilan", "reason"), (r"bodega", "warehouse"), (r"nag-pick", "picked"),
    (r"nakalagay", "stored"), (r"meron pa", "still have"), (r"meron", "have"),
    (r"galing (?:kay|sa)", "from"), (r"para (?:kay|sa)", "for"), (r"natin|namin", "our"),
    # question words
    (r"ilan pa", "how many"), (r"ilan", "how many"), (r"saan", "where is"), (r"sino", "who"),
    (r"ano", "what"), (r"kumusta|kamusta", "how is"), (r"pakicheck|paki-check", "please check"),
    # particles, articles and links: they say nothing of what is asked
    (r"ba|bang|naman|lang|nga|na|pa|yung|iyong|ang|mga|ng|sa|may|kung", ""),
    # 'po' (politeness), not a purchase order ('a PO', 'PO for VALENZA', 'ng PO')
    (r"(?<!\ba )(?<!the )(?<!draft )(?<!new )(?<!isang )po(?!\s+(?:for|to|from|of|number|no|draft"
     r"|para|kay|sa\b))", ""),
)
_PATTERNS = lexicon_patterns(_LEXICON)


def english_of_tagalog(words: str) -> str:
    """Normalised English words with a Taglish question's Tagalog words in English ('ilan ang
    stock natin galing kay arezzo' -> 'how many stock our from arezzo'); any other text as it
    is, and a message of nothing else kept as it is."""
    return read_by_lexicon(words, _MARKERS, _PATTERNS)
