"""What the similarity tier reads: codes replaced by their kind, chat shorthand and typos fixed.

A sentence model sees 'FC0000045' or 'ST0003-Au750Y-6' as noise that drags a short question
away from every example, and it has never seen 'camra' or 'histroy'. So before a question (or
an example sentence) is embedded, each code becomes the word for its kind ('serial', 'lot',
'sku', 'bin', 'order'), common chat shorthand is spelled out and a word the intent vocabulary
does not know is replaced by the nearest one that it does (one edit away, two for long words).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Container, Iterable

from assistant.entities.codes import WORDS_OF_ADDRESS

__all__ = ["CODE_WORDS", "Speller", "example_code_kind", "pidgin_english", "spoken_homophones",
           "tag_codes", "without_hesitations", "without_pleasantries", "without_sign_off",
           "without_formal_closers", "without_wake_word",
           "after_discourse_marker"]

# The word a code of each slot kind is replaced by.
CODE_WORDS = {"lot": "lot", "serial": "serial", "sku": "sku", "location": "bin",
              "order": "order"}
# Common chat shorthand and dropped apostrophes, spelled out.
SHORTHAND = {
    "pls": "please", "plz": "please", "thx": "thanks", "u": "you", "r": "are",
    "ur": "your", "qty": "quantity", "qtys": "quantities", "yr": "year", "yrs": "years",
    "ytd": "this year", "mtd": "this month", "mth": "month", "wk": "week", "wks": "weeks",
    "hrs": "hours", "hr": "hour", "nr": "number", "num": "number", "b4": "before",
    "2day": "today", "tmrw": "tomorrow", "rn": "right now", "sus": "suspicious",
    # warehouse shorthand (stock lists, radio and shift notes): 'stk val', 'cnt', 'anmly chk'
    "stk": "stock", "stck": "stock", "inv": "inventory", "cnt": "count of",
    "chk": "check", "onhand": "on hand", "anmly": "anomaly", "anmlys": "anomalies",
    "sos": "sales orders", "pos": "purchase orders",
    "rpt": "report", "loc": "location", "locn": "location", "rcvd": "received",
    "recd": "received", "supp": "supplier", "amt": "amount", "avg": "average",
    "whats": "what's", "wheres": "where's", "hows": "how's", "whos": "who's",
    "isnt": "isn't", "arent": "aren't", "dont": "don't", "doesnt": "doesn't",
    "didnt": "didn't", "havent": "haven't", "hasnt": "hasn't", "cant": "can't",
    "wont": "won't", "howmany": "how many", "howmuch": "how much", "hw": "how",
}
# Demo-style code shapes, for example sentences (their codes need not exist in the catalogue).
_EXAMPLE_SHAPES = (
    ("order", re.compile(r"[a-z]{2,4}-\d{6}-\d{3,6}")),
    ("serial", re.compile(r"fc\d{5,}")),
    ("sku", re.compile(r"st\d{3,}(-[a-z0-9]+)+")),
    ("location", re.compile(r"[a-z]\d{2}(-\d{2}(-\d[lr]?)?)?")),
    ("lot", re.compile(r"[a-z]-?\d{4}")),
)
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


# A spoken or chatty question's hesitations: anywhere ('the uh gold chains', and chat slang's
# fillers and forms of address: 'how much went missing ngl', 'bhai which items are stuck', London's
# 'bruv', 'innit', Greek 're' and 'ela', Ghanaian 'chale', Persian 'lotfan', Cantonese 'm goi',
# Indian English 'today itself'), and the words that only open it ('so yeah what is ...', 'ok so
# how many ...').
_HESITATIONS = re.compile(r"(?<![\w'-])(?:um+|uh+|er+m?|hmm+|ngl|tbh|lol|lmao|fr|bhai|bro|yaar|"
                          r"fam|lowkey|highkey|blud|ebi|merci|itself|"
                          rf"{'|'.join(WORDS_OF_ADDRESS)})(?![\w'-])")
_OPENERS = re.compile(r"^(?:(?:so|ok|okay|yeah|hey|and so)\s+)+")


def without_hesitations(words: str) -> str:
    """Normalised English words without hesitations and opening fillers ('um anything late
    going out today' -> 'anything late going out today'); a question of nothing else is kept."""
    kept = re.sub(r"\s+", " ", _HESITATIONS.sub(" ", words)).strip()
    kept = _OPENERS.sub("", kept)
    return kept or words


# West African and Kenyan pidgin's (and Northern English) function words and set phrases, as
# their English meaning (as hant.mandarin reads dialect Chinese as Mandarin): 'abeg which rings no
# dey sell' -> 'please which rings don't sell', 'wetin we order wey never land' -> 'what we order
# that has not arrived'. Longer phrases first; only words English does not use ('dey', 'wey',
# 'wetin', 'owt'), or their set phrases.
_PIDGIN = tuple((re.compile(rf"(?<![\w'-]){pattern}(?![\w'-])"), english) for pattern, english in (
    (r"wetin (?:cause|make) am", "what caused it"),
    (r"wey never (?:land|reach|arrive|come)", "that has not arrived"),
    (r"never (?:land|reach)", "has not arrived"),
    (r"sharp sharp", "immediately"),
    (r"quick quick", "quickly"),
    (r"wey no dey", "that don't"),
    (r"wey no", "that don't"),
    (r"no dey", "don't"),
    (r"e dey", "it is"),
    (r"(?:abeg|biko|tafadhali)", "please"),
    (r"wetin", "what"),
    (r"wey", "that"),
    (r"dey", "is"),
    (r"(?:oga|abi|sha|sasa|manze|bana)", ""),
    # Yorkshire and Northern English: owt (anything), nowt (nothing), summat (something), reyt
    # (right), 'our lass' / 'our kid' (a colleague)
    (r"owt", "anything"), (r"nowt", "nothing"), (r"summat", "something"), (r"reyt", "right"),
    (r"our (?:lass|kid|lad)", "my colleague"),
    # Greek staff's poso (how much)
    (r"poso", "how much"),
))


def pidgin_english(words: str) -> str:
    """Normalised English words with pidgin's function words and set phrases in English
    ('abeg recall G-4917 sharp sharp' -> 'please recall G-4917 immediately')."""
    for pattern, english in _PIDGIN:
        words = pattern.sub(english, words)
    return re.sub(r"\s+", " ", words).strip()


# Radio procedure: 'over' (or 'over and out') ends a message ('count on pick face, pendants,
# over'), unless it ends a verb of its own ('how fast does our stock turn over').
_SIGN_OFF = re.compile(r"(?:^|\s+)(\S+)\s+over(?:\s+and\s+out)?\s*[.!?]*$")
_OVER_VERBS = frozenset((
    "turn", "turns", "turning", "turned", "tick", "ticks", "ticking", "hand", "hands", "handed",
    "handing", "carry", "carried", "carrying", "roll", "rolled", "rolling", "take", "taken",
    "taking", "took", "left", "hold", "held", "moved", "move", "run", "ran", "fall", "fell",
    "go", "went", "gone", "is", "are", "was", "were", "it's", "all", "start", "switch",
    "changed", "change", "get", "got",
))


def without_sign_off(words: str) -> str:
    """Normalised English words without radio's closing 'over' ('slotting for gold over' ->
    'slotting for gold'); 'turn over' and other verbs' 'over' stay."""
    found = _SIGN_OFF.search(words)
    if found is None or found.group(1) in _OVER_VERBS:
        return words
    return words[: found.end(1)]


# A message's greeting and sign-off, which say nothing of what is asked ('您好，请问昨天
# 卖得最好的款式是哪些？谢谢', 'Hi team, which rings sold best? Thanks, Mei'): English greetings
# open it (with a word of address: 'hi team', 'hello all'), thanks and regards close it (with a
# name after them), and so does a word of address ('... in stock, re', '... this week bruv');
# Chinese greetings, 请问 and 麻烦(你) open it, thanks and 辛苦了 close it. Read after normalisation
# (punctuation gone, lower case, Chinese simplified). 'Ballpark is fine' closes it too.
_GREETING_EN = re.compile(
    r"^(?:(?:hi|hello|hey|hiya|howdy|greetings|good (?:morning|afternoon|evening)|dear)"
    r"(?: (?:team|all|everyone|everybody|there|folks|guys|people|mate|colleagues))?|"
    r"(?:excuse me|sorry to bother you))\s+")
_SIGN_OFF_EN = re.compile(
    r"(?:^|\s+)(?:(?:many |thanks |thank you )?(?:thanks|thank you|cheers)"
    r"(?: (?:a lot|so much|very much|in advance|a bunch|heaps))?|"
    r"(?:best|kind|warm|many)? ?regards|best wishes|all the best|much appreciated)"
    r"(?: [a-z]+)?$"
    # a closing word of address: London 'bruv', 'innit', Pidgin 'brah', Greek 're', 'ela'
    rf"|\s+(?:brah|bruddah|blud|bro|fam|merci|sir|{'|'.join(WORDS_OF_ADDRESS)})$"
    # how exact it need be ('... worth at cost ballpark is fine')
    r"|\s+(?:a )?(?:ballpark|rough|roughly|approximate|an estimate)(?: figure| number| idea)?"
    r" (?:is|will do|works)(?: fine| ok| okay)?$")
_GREETING_ZH = re.compile(
    r"^(?:(?:您好|你好|你们好|大家好|哈喽|嗨|hi|hello)[啊呀哈]?\s*)?"
    r"(?:(?:请问(?:一下)?|麻烦(?:你|您)?(?:一下)?(?:帮我)?|劳驾)\s*)?")
_SIGN_OFF_ZH = re.compile(
    r"\s*(?:(?:谢谢|多谢|感谢)(?:你|您|啦|了|大家)?|辛苦了|辛苦(?:你|您)了|麻烦(?:你|您)?了)+$"
    # a Chinese question closed in Portuguese ('項鍊的賬面價值，por favor', '…obrigado') or
    # British English ('阿雷佐的呢，cheers'), by radio's 完毕 (over) or by Tibetan 阿佳 / 阿觉
    r"|(?<=[\u3400-\u9fff])\s*(?:por favor|obrigad[oa]|cheers)$"
    r"|\s*(?:完毕|阿佳啦?|阿觉啦?)$")


def without_pleasantries(words: str) -> str:
    """Normalised words without the message's greeting and sign-off ('hi team which rings sold
    best thanks mei' -> 'which rings sold best'; '您好请问昨天有哪些告警谢谢' -> '昨天有哪些告警');
    a message of nothing else is kept as it is ('thanks', '你好')."""
    if re.search(r"[\u3400-\u9fff]", words):
        kept = _SIGN_OFF_ZH.sub("", _GREETING_ZH.sub("", words, count=1)).strip()
    else:
        kept = _SIGN_OFF_EN.sub("", _GREETING_EN.sub("", words, count=1)).strip()
    return kept or words


# The assistant's name said to wake it ('hey Facet, where's G-6428', 'OK Facet ...', 'Facet:
# ...', '小F，FC0000087的履历', '你好 Facet，...'), read on the message as typed: it says nothing of
# what is asked, and left in place its letters join a code's ('小F，FC0000087': FFC0000087).
# 'Facet' alone is a jeweller's word too ('facet cut rings'), so it is a wake word only after a
# greeting or before a comma or colon; 小F is the name by itself.
_WAKE_WORD = re.compile(
    r"^\s*(?:(?:(?:hey|hi|hello|ok|okay|yo|您好|你好|嗨|哈喽)[\s,，]*)(?:facet|小f)(?![a-z0-9])"
    r"|facet\s*(?=[,:，：])|小f(?![a-z0-9]))[\s,:;!.，：；！。、]*", re.IGNORECASE)


def without_wake_word(text: str) -> str:
    """A message as typed without the assistant's name that opens it ('hey Facet, where's
    G-6428' -> "where's G-6428"; '小F，FC0000087的履历' -> 'FC0000087的履历'); a message of
    nothing else is kept as it is."""
    kept = _WAKE_WORD.sub("", text, count=1)
    return kept if kept.strip() else text


# The closing formulas of official Chinese (公文体) after the question: 烦请核实, 请予以核实,
# 请批示, 妥否, 特此报告. They ask to check or approve what was written, so they are neither
# the question nor an action's reason ('请查明批次G-8078目前存放的具体库位，烦请核实。' asks
# where the lot is).
_FORMAL_CLOSER = re.compile(
    r"(?:[，,。；;？?！!]\s*(?:(?:烦请|敬请|恳请|请予以?|请|望)(?:予以)?(?:核实|核查|查核|批示|审批|审阅|"
    r"指示|指正|示下)|妥否(?:[，,]?\s*请批示)?|特此(?:报告|说明|汇报|函告|请示))[。.！!？?]*\s*)+$")


def without_formal_closers(text: str) -> str:
    """A message as typed without official Chinese closing formulas ('…库位，烦请核实。' ->
    '…库位'); a message of nothing else is kept as it is."""
    kept = _FORMAL_CLOSER.sub("", text)
    return kept if kept.strip() else text


# A story told before the question, ended by a discourse marker set off by punctuation ('so the
# courier came late again and the boss is upset, anyway, how many orders haven't gone out yet?',
# '……总之，这周还有多少单没发'): what follows the last marker is the question, and the story's
# words ('late') are none of it.
_DISCOURSE_MARKER = re.compile(
    r"(?:^|[,，;；.。!！?？…]\s*)(?:so anyway|but anyway|anyway|anyhow|long story short|"
    r"in any case|getting to the point|back to the point|总之|反正|话说回来|言归正传|说正事|"
    r"回到正题)\s*[,，:：;；.。!！…]\s*", re.IGNORECASE)


def after_discourse_marker(text: str) -> str:
    """A message as typed from after its last discourse marker on ('..., anyway, how many
    orders haven't gone out yet?' -> "how many orders haven't gone out yet?"); a message with
    none, or with nothing after it, is kept as it is."""
    ends = [found.end() for found in _DISCOURSE_MARKER.finditer(text)]
    return text[ends[-1]:] if ends and text[ends[-1]:].strip() else text


# Speech-to-text's homophones of question words, where the sentence says which it is: 'wear is lot
# G 3509', 'were did FC0000201 go', 'witch rings sold best', 'hoo picked it'.
_HOMOPHONES = (
    (re.compile(r"(?<![\w'-])(?:wear|ware|were)(?=(?:'s| is| are| was| did| does| do| can"
                r"| should| would| have| has| exactly| abouts)(?![\w'-]))"), "where"),
    (re.compile(r"^wear(?= (?:lot|serial|sku|piece|item|order|bin)\b)"), "where"),
    (re.compile(r"(?<![\w'-])witch(?= (?:one|stock|[a-z]+s)\b)"), "which"),
    (re.compile(r"(?<![\w'-])hoo(?= (?:picked|pulled|packed|took|has|had|is|was|did)\b)"),
     "who"),
)


def spoken_homophones(words: str) -> str:
    """Normalised English words with speech-to-text's homophones of where, which and who
    written as those words ('wear is lot g 3509 now' -> 'where is lot g 3509 now'); only where
    the next word makes the question word the only reading ('what to wear' is kept)."""
    for pattern, word in _HOMOPHONES:
        words = pattern.sub(word, words)
    return words


def example_code_kind(token: str) -> str | None:
    """The slot kind a demo-style code has ('fc0000123' -> 'serial'), or None."""
    for kind, shape in _EXAMPLE_SHAPES:
        if shape.fullmatch(token):
            return kind
    return None


def tag_codes(text: str, kind_of: Callable[[str], str | None]) -> str:
    """Normalised text with each code replaced by the word for its kind.

    ``kind_of`` says what a token is ('lot', 'serial', 'sku', 'location', 'order' or None);
    a short letter prefix split from its digits ('g 2311') is tried joined first. A kind word
    that would repeat the word before it ('lot lot') is dropped.
    """
    tokens, out, n = text.split(), [], 0
    while n < len(tokens):
        token, step = tokens[n], 1
        kind = None
        if (n + 1 < len(tokens) and token.isalpha() and len(token) <= 4
                and tokens[n + 1][:1].isdigit()):
            kind = kind_of(token + tokens[n + 1])
            step = 2 if kind else 1
        if kind is None and any(c.isdigit() for c in token):
            kind = kind_of(token)
        word = CODE_WORDS.get(kind or "", None)
        if word is None:
            out.append(token)
        elif not out or out[-1] != word:
            out.append(word)
        n += step
    return " ".join(out)


def _deletes(word: str, depth: int) -> set[str]:
    found, frontier = {word}, {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1:] for w in frontier for i in range(len(w))}
        found |= frontier
    return found


def _distance(a: str, b: str) -> int:
    """Optimal string alignment distance (Levenshtein plus adjacent transpositions)."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], prev2[j - 2] + 1)
        prev2, prev = prev, row
    return prev[-1]


def _plausible(word: str, cand: str) -> bool:
    """Whether a short word may be a typo of ``cand`` rather than another word ('log', 'news').

    Three letters: only a vowel-less stub gaining a letter ('bst' -> 'best'). Four letters:
    only a letter gained or two letters swapped ('wher' -> 'where'). Longer: any edit.
    """
    if len(word) == 3:
        return len(cand) == 4 and not set(word) & set("aeiouy")
    if len(word) == 4:
        return len(cand) == 5 or (len(cand) == 4 and sorted(word) == sorted(cand))
    return True


class Speller:
    """Corrects words outside a vocabulary to the nearest word inside it (symmetric deletes).

    Short words are corrected only where a typo is likelier than another real word (see
    ``_plausible``); words of five to seven letters are corrected one edit away, longer ones
    two. Ties go to the more frequent word.
    """

    def __init__(self, sentences: Iterable[str], *, keep: Iterable[str] = (),
                 common: Callable[[str], bool] = lambda word: False) -> None:
        """``keep``: words to leave alone besides the sentences'; ``common``: whether a word
        is too common in the language at large to be a typo ('fever' is no 'never'; two letters
        swapped still are: 'form' -> 'from')."""
        self.common = common
        self.counts: Counter[str] = Counter()
        for sentence in sentences:
            self.counts.update(_WORD.findall(sentence.lower()))
        self.known = set(self.counts) | {w.lower() for w in keep}
        self._index: dict[str, set[str]] = {}
        for word in self.counts:
            if len(word) >= 3:
                for key in _deletes(word, 2 if len(word) >= 7 else 1):
                    self._index.setdefault(key, set()).add(word)

    def word(self, word: str, *, known: Container[str] = frozenset()) -> str:
        """The word itself when known (or too short), else its correction, else itself."""
        if word in self.known or word in known or len(word) < 3 or not word.isalpha():
            return word
        # a common word is said as meant, but for two letters swapped ('form' -> 'from')
        common = self.common(word)
        depth = 1 if len(word) <= 7 else 2
        candidates: set[str] = set()
        for key in _deletes(word, depth):
            candidates |= self._index.get(key, set())
        best: tuple[int, int, str] | None = None
        for cand in candidates:
            dist = _distance(word, cand)
            if dist > depth or not _plausible(word, cand) \
                    or common and sorted(cand) != sorted(word):
                continue
            if dist > 1 and len(cand) < 7:
                continue
            ranked = (dist, -self.counts[cand], cand)
            best = ranked if best is None or ranked < best else best
        return best[2] if best else word

    def correct(self, text: str, *, known: Container[str] = frozenset()) -> str:
        """Normalised text with shorthand spelled out and unknown words corrected.

        ``known`` adds words to leave alone (names from the live catalogue).
        """
        words = [SHORTHAND.get(w, w) for w in text.split()]
        return " ".join(self.word(w, known=known) for w in " ".join(words).split())
