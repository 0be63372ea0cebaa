"""Swahili and Sheng words in an English question (Kenya), as English: a small lexicon.

Nairobi staff write English with Swahili and Sheng: 'fc0000307 iko wapi bana', 'niaje boss, tuko
na rings ngapi kwa vault saa hii?', 'ni rings gani zimeuza sana mwezi huu?'. As
:mod:`assistant.entities.malay` does for Bahasa, this reads them as English in the normalised
text, so the intent models and the slots (periods above all) read them alike, when a word no
English question uses is there ('ngapi', 'wapi', 'gani', 'mzigo', 'kwa', 'mwezi', 'za leo', …;
not 'ya', 'na', 'si', 'sasa', 'boss', 'sana', 'wiki', 'leo' or 'jana' alone). 'juzi' is left as
it is (no period reads the day before yesterday). Swahili yes, no and wait ('sawa endelea',
'hapana wacha kwanza', 'ngoja kidogo') are read by assistant/actions/answers.py.
"""

from __future__ import annotations

import re

from assistant.entities.spanish import lexicon_patterns, read_by_lexicon

__all__ = ["english_of_swahili"]

_SOLD = r"\w*(?:me|li|lizo|livyo|lipo)uzw?a"  # sold: 'zimeuza', 'vilivyouza', 'ilipouzwa'…
#: Words that mark a question as Kenyan (none is an English word a question would use).
_MARKERS = re.compile(
    rf"(?<![\w'-])(?:ngapi|wapi|iko|ziko|uko|nani|gani|zipi|kiasi|mzigo|vitu|vya|pesa|ganji"
    rf"|stoo|bado|{_SOLD}|ha(?:zi|i|u|vi)(?:ja)?u(?:za|zi)|\w*potea|tumepoteza|(?:zi|i)meisha"
    r"|ha(?:zi|i|u)ja\w+|\w*chelewa|(?:zi|i)(?:me|li)fail|\w+pickiwa|alipick|mwezi|mwaka"
    r"|wiki (?:hii|iliyopita|jana)|saa hii|sasa hivi|(?:ya|za|wa|kwa) (?:leo|jana)|niaje|manze"
    r"|msee|nionyeshe|nipe|tuko|kuna|hakuna|kwa|kutoka|tafadhali|zile|hizi|yote|zote"
    r"|peke|badala|anzisha|fungua|i?wek(?:a|we)|tengeneza|n?ataka|anauliza|tuki\w+)(?![\w'-])")
#: Swahili and Sheng phrases and words as English, longer phrases first.
_LEXICON: tuple[tuple[str, str], ...] = (
    # periods
    (r"wiki hii", "this week"), (r"wiki (?:iliyopita|jana)", "last week"),
    (r"mwezi huu", "this month"), (r"mwezi (?:uliopita|jana)", "last month"),
    (r"mwaka huu", "this year"), (r"mwaka (?:jana|uliopita)", "last year"), (r"leo", "today"),
    (r"saa hii|sasa hivi", "now"), (r"jana", "yesterday"), (r"wiki", "week"), (r"siku", "days"),
    # sales, losses and orders ('zimeuza sana': sold the most; 'bado hazijatoka': not gone out)
    (rf"{_SOLD} (?:sana|zaidi)", "sold the most"), (rf"{_SOLD} kidogo(?: sana)?", "sold little"),
    (rf"{_SOLD} moja moja(?: tu)?", "sold only a few"), (_SOLD, "sold"),
    (r"ha(?:zi|i|u|vi)jau?uza", "not sold"), (r"ha(?:zi|i|u|vi)uzi", "not selling"),
    (r"hata (\w+) moja", r"even one \1"), (r"\w*potea", "lost"), (r"tumepoteza", "we lost"),
    (r"(?:zi|i)meisha", "out of stock"), (r"bado(?= ha)", ""), (r"bado$", "not yet"),
    (r"bado", "still"), (r"ha(?:zi|i|u)jatoka", "not gone out yet"), (r"zimekwama", "stuck"),
    (r"ha(?:zi|i|u)jafika", "not arrived yet"), (r"ha(?:zi|i|u)jashipi?wa", "not shipped yet"),
    (r"ha(?:zi|i|u)jareceivi?wa", "not received yet"), (r"\w*chelewa", "are late"),
    (r"(?:zi|i)(?:me|li)pita", "passed"), (r"(?:zi|i)fike", "arrived"), (r"alipick", "picked"),
    (r"(?:zi|i)(?:me|li)fail", "failed"), (r"\w+pickiwa na nani", "who picked"),
    (r"zinapickiwa", "being picked"), (r"(?:zi|i)mekaa", "sat"), (r"\w*tokea", "happened"),
    (r"\w*sababisha", "caused"), (r"ingegusa|wataguswa", "affected"),
    # question words ('X ngapi': how many X; 'X gani': which X)
    (r"kiasi gani", "how much"), (r"(?:pesa|doh|ganji) ngapi", "how much money"),
    (r"mzigo ngapi", "how much stock"), (r"ziko ngapi", "how many are there"),
    (r"([a-z]+s) ngapi", r"how many \1"), (r"ngapi", "how many"), (r"iko aje", "how is"),
    (r"(?:iko|uko) wapi", "where is"), (r"ziko wapi", "where are"), (r"wapi", "where"),
    (r"(?:ame|wame)fanya aje", "how did perform"), (r"ilikuwa aje", "how was it"),
    (r"aje|vipi", "how"), (r"nani", "who"), (r"ni (?:gani|zipi)", "which"),
    (r"mbaya zaidi", "worst"), (r"alikuwa fiti", "did best"),
    (r"((?:fast|slow|top|best|dead|late) )?([a-z][\w-]*) gani", r"which \1\2"),
    (r"gani|zipi", "which"), (r"nini", "what"),
    # goods, money and asking
    (r"mzigo wa zamani", "old stock"), (r"mzigo", "stock"), (r"vitu", "items"), (r"mwezi", "month"),
    (r"mwaka", "year"), (r"kuna kitu", "anything"), (r"kitu", "anything"), (r"stoo", "store"),
    (r"bei", "price"), (r"pesa|doh|ganji", "money"), (r"thamani", "value"),
    (r"(?:ya|za) ajabu|ajabu", "unusual"), (r"shida (?:na|ya)", "problem with"),
    (r"shida", "problem"), (r"zamani", "old"), (r"nionyeshe", "show me"), (r"nipe", "give me"),
    (r"i?wek(?:a|we)", "put"), (r"anzisha", "start"), (r"fungua", "open"), (r"tengeneza", "make"),
    (r"tuki(\w+)", r"if we \1"), (r"usifanye", "don't do"), (r"tu\w*agiz\w*", "should we order"),
    (r"tu\w*sogez\w*", "should we move"), (r"nataka tu kuona", "just want to see"),
    (r"nataka", "i want"), (r"anataka", "wants"), (r"anauliza", "asks"), (r"inasema", "says"),
    (r"ana-(\w+)", r"\1s"), (r"karibu na", "close to"), (r"badala yake", "instead"),
    (r"fanya(?= \d)", "make it"), (r"tuko na(?:yo|zo)?|tuna", "we have"), (r"ilikuwa na", "had"),
    (r"iko na|ina", "has"), (r"(?:iko|ni) sawa", "is fine"), (r"iko|uko", "is"), (r"ziko", "are"),
    (r"ilikuwa", "was"),
    # links ('ya', 'za': of; 'kwa': in, at) and fillers that say nothing of what is asked
    (r"kutoka kwa|kutoka", "from"), (r"(?:kwa|ya|za) order", "for order"), (r"kwa", "in"),
    (r"^kuna", "is there any"), (r"kuna", "there is"), (r"hakuna", "no"), (r"hata", "even"),
    (r"moja", "one"), (r"kabisa", "at all"), (r"sana", "a lot"), (r"zaidi", "more"),
    (r"yote|zote|wote", "all"), (r"peke yake|tu", "only"), (r"tangu", "since"), (r"mpaka", "until"),
    (r"kabla", "before"), (r"kila", "every"), (r"nzima", "whole"), (r"zozote", "any"),
    (r"chochote", "anything"), (r"zile|hiyo", "those"), (r"hizi", "these"),
    (r"ambazo|ambayo|ambao", "that"), (r"zao|yao", "their"), (r"mtu", "someone"),
    (r"kuliko", "more than"), (r"wenzake", "others"), (r"tafadhali", "please"),
    (r"na (?:za|ya|wa)", "and"), (r"na", "and"), (r"au", "or"), (r"lakini", "but"),
    (r"pole pole", "slowly"), (r"haraka", "asap"),
    (r"^(?:za|ya|wa|vya)|ni|je|si|eh|basi|sasa|niaje|boss|msee|manze|bana", ""),
    (r"ya|za|wa|la|vya", "of"),
)
_PATTERNS = lexicon_patterns(_LEXICON)


def english_of_swahili(words: str) -> str:
    """Normalised English words with a Kenyan question's Swahili and Sheng words in English
    ('niaje boss tuko na rings ngapi kwa vault saa hii' -> 'we have how many rings in vault now');
    any other text as it is, and a message of nothing else kept as it is."""
    return read_by_lexicon(words, _MARKERS, _PATTERNS)
