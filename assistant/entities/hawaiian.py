"""Hawaiian Pidgin words in an English question, as English: a small lexicon.

Island staff write English with Pidgin words: 'get any pendants dat nevah sell even one?',
'camera alerts from da reserve brah', 'count differences an' da reasons fo' um', 'who wen pick
FC0000300?'. As :mod:`assistant.entities.patois` does for Jamaican patois, this reads them as
English in the normalised text, so the intent models and the slots (a zone after 'da' above all)
read them alike. It reads a question only when it has a word no English question uses ('brah',
'nevah', 'dat', 'wen', 'fo', 'tink', …): 'da' alone is Italian's 'from' and Romanian's yes.
Pidgin yes, no and wait ('shoots', 'garans', 'wait little bit') are read by
assistant/actions/answers.py.
"""

from __future__ import annotations

import re

from assistant.entities.spanish import lexicon_patterns, read_by_lexicon

__all__ = ["english_of_pidgin"]

#: Words that mark a question as Hawaiian Pidgin (none is an English word a question would use;
#: the apostrophes of "fo'" and "an'" are gone once normalised).
_MARKERS = re.compile(
    r"(?<![\w'-])(?:brah|bruddah|braddah|nevah|evah|dat|wen|fo|tink|garans|howzit|pau"
    r"|bumbye|li'dat|lidat|da kine)(?![\w'-])"
    # "an'" (and) opening a follow-up ('an last month'), 'da' (the) before a place or goods
    # ('only da reserve'): 'da' alone is also Italian 'from' and Romanian 'yes'
    r"|^an(?=\s+[b-df-gj-np-tv-z])|(?<![\w'-])da(?=\s+(?:reserve|vault|pick|packing|dock|back"
    r"|whole|same|ones?|stuff|goods|rings?|pendants?|earrings?|chains?|bangles?|necklaces?"
    r"|brooch(?:es)?|cufflinks?)\b)")
#: Pidgin phrases and words as English, longer phrases first.
_LEXICON: tuple[tuple[str, str], ...] = (
    (r"da kine", "the"), (r"nevah", "never"), (r"evah", "ever"), (r"dat", "that"),
    (r"dis", "this"), (r"da", "the"), (r"fo", "for"), (r"tink", "think"),
    # "an'" (and) before a consonant: before a vowel 'an' is the article
    (r"an(?=\s+[^aeiou\s])", "and"),
    # 'who wen pick' (who picked): the past marker says nothing more
    (r"wen", ""), (r"li'dat|lidat", ""), (r"um", "them"),
    # forms of address and greetings: they say nothing of what is asked
    (r"brah|bruddah|braddah|howzit|eh", ""),
)
_PATTERNS = lexicon_patterns(_LEXICON)


def english_of_pidgin(words: str) -> str:
    """Normalised English words with a Pidgin question's words in English ('get any pendants dat
    nevah sell even one' -> 'get any pendants that never sell even one'); any other text as it
    is."""
    return read_by_lexicon(words, _MARKERS, _PATTERNS)
