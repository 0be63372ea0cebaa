"""Chinese typed without a Chinese keyboard, or through one that slipped, read as characters.

Two ways a manager's Chinese reaches the chat other than as the characters meant:

- **Pinyin.** Without a Chinese input method (a shared terminal, a borrowed phone) Mandarin is
  typed as its syllables: 'you duo shao jie zhi' (有多少戒指), 'shang zhou picker 的拣货 xiao
  lv' (上周 … 效率), 'youduoshao', 'kù cún', 'ku4 cun2'. A run of such syllables becomes the
  characters the warehouse's Chinese questions write for them.
- **Input-method slips.** A pinyin keyboard offers every character of a sound, and a hurried
  thumb takes the wrong one: 库纯 for 库存, 皮次 for 批次, 判点 for 盘点, 借指 for 戒指, 等一夏
  for 等一下. A run of two to four characters that is no word (neither in the warehouse's
  questions nor in a general Chinese word list) and sounds as a frequent warehouse word does
  (tones aside, z/zh, c/ch, s/sh, en/eng and in/ing alike, as fuzzy-pinyin keyboards allow)
  becomes that word.

The warehouse's words and how often they are said come from the texts the reader is built
with: the chat's Chinese examples and its writers' Chinese questions (``PinyinReader``). The
syllables and characters' readings are pypinyin's; the general word list is wordfreq's.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from functools import cache

from pypinyin import lazy_pinyin
from pypinyin.pinyin_dict import pinyin_dict
from wordfreq import get_frequency_dict

__all__ = ["PinyinReader", "split_syllables", "syllables"]

_CJK = re.compile(r"[\u3400-\u9fff]+")
_LATIN_WORD = re.compile(r"[A-Za-zÀ-ɏ'’:]+[1-5]?")
_STOPS = ",.?!;:，。？！；："
# Interjections' syllables (呣 m, 嗯 n / ng, 哼 hng): nobody types them for a word.
_INTERJECTIONS = frozenset({"m", "n", "ng", "hm", "hng"})
# What reading a typed word's syllables as two words ('keyi' as 客 + 一), or a word across a stop
# ('hao de, kai ba'), costs beside how rarely the words are said (natural logarithm).
_SPLIT_COST, _STOP_COST = 4.0, 4.0
# A typed word longer than this is no pinyin (the longest phrase typed joined, with room).
_LONGEST_TYPED = 48
# The longest warehouse word a slip or a run of syllables is read as, in characters.
_LONGEST = 4
# A slip is mended only into a word the warehouse's questions say this often, and this many
# times as often as the slip itself.
_SLIP_MIN_COUNT, _SLIP_RATIO = 8, 10
# A general Chinese word at least this frequent (wordfreq's share of all words) is no slip.
_WORD_FREQUENCY = 2e-7
# A warehouse word is a Chinese word (wordfreq lists it at least this often) said at least this
# many times as often in the warehouse's questions as in Chinese at large ('金的' is no word).
_OWN, _RARE = 50.0, 1e-7
# Characters of grammar, said in every kind of sentence: which of them is meant, the sentence
# says, not the sound.
_GRAMMAR = frozenset("的地得了过着个下一是有在再那哪这么什和或就也都还又几吗呢吧啊咯")
# A word said this share of the times as part of one longer word is no word of its own ('是什').
_PART = 0.8
# A character the mending would change stays when it and its neighbour outside the window are
# a word the warehouse's questions say this often, or a very common Chinese word.
_BOUND_COUNT, _BOUND_WORD = 5, 1.5e-7
# A common word (wordfreq's share) a window's first or last character makes with the character
# outside it: the window cuts that word, so it is no slip (成本 in '按成本计值').
_EDGE_WORD = 1e-5
# Syllables read as characters make words when these are the warehouse's or common Chinese ones.
_COMMON_WORD = 1e-5
# Syllables are read as Chinese when at least this share of their characters make words.
_WORDY = 0.5
_FUZZY = ((re.compile(r"^(z|c|s)h"), r"\1"), (re.compile(r"(e|i)ng$"), r"\1n"))


def _toneless(reading: str) -> str:
    """A pinyin reading without its tone mark or number, ü written v ('lǜ' -> 'lv')."""
    decomposed = unicodedata.normalize("NFD", reading.lower().rstrip("12345"))
    decomposed = decomposed.replace("u\u0308", "v").replace("u:", "v")
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@cache
def syllables() -> frozenset[str]:
    """Every toneless Mandarin syllable ('a', 'zhuang', 'lv')."""
    return frozenset(_toneless(r) for readings in pinyin_dict.values()
                     for r in readings.split(",")) - _INTERJECTIONS


@cache
def _readings(char: str) -> tuple[str, ...]:
    """A character's toneless readings ('还' -> ('hai', 'huan', 'fu')); none for a non-Han one."""
    found = pinyin_dict.get(ord(char))
    return tuple(dict.fromkeys(_toneless(r) for r in found.split(","))) if found else ()


def _fuzzy(syllable: str) -> str:
    """A syllable as a fuzzy-pinyin keyboard matches it ('zhi' -> 'zi', 'ming' -> 'min')."""
    for pattern, replacement in _FUZZY:
        syllable = pattern.sub(replacement, syllable)
    return syllable


def _said(run: str) -> tuple[str, ...]:
    """Each character of a run of Han characters as it is read there, toneless (pypinyin's
    phrases decide a character of many readings: 银行 yin hang, 还有 hai you)."""
    said = lazy_pinyin(run, errors="ignore")
    if len(said) != len(run):  # a character pypinyin cannot read: each by its main reading
        return tuple((_readings(c) or ("",))[0] for c in run)
    return tuple(_toneless(r) for r in said)


def _fuzzy_key(readings: list[str]) -> tuple[str, ...]:
    return tuple(_fuzzy(_toneless(r)) for r in readings)


def _typed_key(word: str) -> tuple[str, ...] | None:
    """A word of Han characters as a fuzzy-pinyin keyboard hears it typed, each character by
    its main reading (the first pypinyin gives); None for a character it cannot read."""
    readings = [_readings(c) for c in word]
    return tuple(_fuzzy(r[0]) for r in readings) if all(readings) else None


def split_syllables(token: str) -> tuple[str, ...] | None:
    """A Latin token as Mandarin syllables ('youduoshao' -> you duo shao, 'ku4' -> ku), the
    fewest there can be; None when it is not pinyin ('rings', 'A02')."""
    if "'" in token or "’" in token:  # xi'an: the apostrophe marks the syllables' edge
        parts = [split_syllables(p) for p in re.split(r"['’]", token) if p]
        return None if not parts or any(p is None for p in parts) else \
            tuple(s for p in parts if p for s in p)
    token = _toneless(token)
    known, n = syllables(), len(token)
    if n > _LONGEST_TYPED:
        return None
    # fewest syllables to each position, and where the last of them starts
    best: list[tuple[int, int] | None] = [(0, 0)] + [None] * n
    for end in range(1, n + 1):
        for start in range(max(0, end - 6), end):
            head, here = best[start], best[end]
            if head is not None and token[start:end] in known \
                    and (here is None or head[0] + 1 < here[0]):
                best[end] = (head[0] + 1, start)
    if best[n] is None or n == 0:
        return None
    found, end = [], n
    while end:
        step = best[end]
        assert step is not None  # every position on the way was reached
        found.append(token[step[1]:end])
        end = step[1]
    return tuple(reversed(found))


class PinyinReader:
    """Reads pinyin and input-method slips as the characters the warehouse's questions use.

    ``texts`` are Chinese questions and words as the chat knows them (its examples, its
    writers' questions, its answer words), in simplified characters as ``simplify`` writes
    them (a run of traditional ones is no slip for being written so). A slip is mended only
    into a warehouse word (one said far more in its questions than in Chinese at large:
    库存, 批次, 盘点) or a ``favoured`` one (the yes, no and hold-on words, the periods: 好的,
    等一下, 今年). ``english`` are Latin words that are no pinyin
    however they spell ('hen', 'man', 'open' in an English question; 'si', 'ken', 'da' as a
    yes): a run of syllables is read only when most of its words are not among them.
    """

    def __init__(self, texts: Iterable[str], english: Iterable[str] = (), *,
                 simplify: Callable[[str], str] = lambda text: text,
                 favoured: Iterable[str] = ()) -> None:
        self._texts = tuple(texts)
        self._simplify = simplify
        self._favoured = frozenset(favoured)
        self._english = frozenset(w.lower() for w in english)
        self._built = False
        self._counts: Counter[str] = Counter()
        self._by_sound: dict[tuple[str, ...], str] = {}
        self._by_fuzzy_sound: dict[tuple[str, ...], str] = {}
        self._chars, self._total = 0, 0.0  # how many characters the texts say, and its log
        self._longer: Counter[str] = Counter()

    def _build(self) -> None:
        """Count the warehouse's words of one to four characters and index them by sound."""
        counts: Counter[str] = Counter()
        sounded: Counter[tuple[tuple[str, ...], str]] = Counter()  # (sound, word) as said
        for text in self._texts:
            for run in _CJK.findall(text):
                said = _said(run)  # each character as it is read there (还有: hai you)
                for n in range(1, _LONGEST + 1):
                    for i in range(len(run) - n + 1):
                        counts[run[i:i + n]] += 1
                        sounded[said[i:i + n], run[i:i + n]] += 1
        by_sound: dict[tuple[str, ...], str] = {}
        for (sound, word), _ in sounded.most_common():  # the most said first keeps the sound
            by_sound.setdefault(sound, word)
        for word in self._favoured:  # 好的, 等一下 as said however few questions say them
            if _CJK.fullmatch(word):
                by_sound.setdefault(_said(word), word)
                counts[word] = max(counts[word], 1)
        by_fuzzy: dict[tuple[str, ...], str] = {}
        for word, count in counts.most_common():
            if len(word) > 1 and (count >= _SLIP_MIN_COUNT or word in self._favoured):
                for key in {_fuzzy_key(lazy_pinyin(word, errors="ignore")), _typed_key(word)}:
                    if key is not None:
                        by_fuzzy.setdefault(key, word)
        # how often a word is said as part of one longer by a character ('是什' of '是什么')
        longer: Counter[str] = Counter()
        for word, count in counts.items():
            if len(word) > 2:
                for part in (word[:-1], word[1:]):
                    longer[part] = max(longer[part], count)
        self._longer = longer
        self._counts, self._by_sound, self._by_fuzzy_sound = counts, by_sound, by_fuzzy
        self._chars = sum(n for w, n in counts.items() if len(w) == 1)
        self._total = math.log(self._chars or 1)
        self._texts, self._built = (), True  # counted: the texts are no longer needed

    def warm_up(self) -> None:
        """Index the words now rather than at the first Chinese question."""
        if not self._built:
            self._build()
        _words()

    def read(self, text: str, *, least: int = 2) -> str:
        """The text with its runs of pinyin (of at least ``least`` words that are no other
        language's) as characters and its input-method slips mended; else as it is."""
        if not self._built:
            self._build()
        if _CJK.search(text):  # beside characters a lone syllable is pinyin too ('90 tian')
            least = 1
        return self._mend_slips(self._characters(text, least))

    def _characters(self, text: str, least: int) -> str:
        """Runs of pinyin words as characters ('A02 you duo shao jian' -> 'A02 有多少件')."""
        runs: list[list[tuple[re.Match[str], tuple[str, ...], str]]] = [[]]
        for match in re.finditer(r"\S+", text):
            word = match.group().rstrip(_STOPS)
            # 'AREZZO', 'VLT', 'B. Chen' and 'A 貨' (a grade) are names, not syllables
            named = word.isupper() or word[:1].isupper() and match.start() > 0
            split = split_syllables(word) if _LATIN_WORD.fullmatch(word) and not named \
                else None
            if split is None:
                runs.append([])
            else:
                runs[-1].append((match, split, match.group()[len(word):]))
        out, last = [], 0
        for run in runs:
            foreign = sum(1 for match, _, stop in run
                          if match.group()[:len(match.group()) - len(stop)].lower()
                          not in self._english)
            if not run or foreign < least or 2 * foreign < len(run):
                continue
            hanzi = self._hanzi([(split, stop) for _, split, stop in run])
            if hanzi is not None and self._wordy(hanzi):
                out.append(text[last:run[0][0].start()] + hanzi)
                last = run[-1][0].end()
        return "".join(out) + text[last:] if out else text

    def _wordy(self, hanzi: str) -> bool:
        """Whether syllables read as characters are Chinese rather than another language's
        words that happen to spell syllables ('paling laku bulan lalu', Malay): most of them
        belong to words of two characters or more."""
        chars = _CJK.findall(hanzi)
        return sum(len(c) for c in chars) < 2 or self._in_words("".join(chars)) >= _WORDY

    def _in_words(self, hanzi: str) -> float:
        """The share of the characters in a word of two or more the warehouse says."""
        covered = [False] * len(hanzi)
        for n in range(_LONGEST, 1, -1):
            for i in range(len(hanzi) - n + 1):
                word = hanzi[i:i + n]
                if self._counts[word] >= _SLIP_MIN_COUNT or word in self._favoured \
                        or _words().get(word, 0.0) >= _COMMON_WORD:
                    covered[i:i + n] = [True] * n
        return sum(covered) / len(hanzi)

    def _hanzi(self, words: list[tuple[tuple[str, ...], str]]) -> str | None:
        """Typed words of syllables (and the stops after them) as the warehouse's words, the
        likeliest sequence of them: a word's cost is how rarely it is said, and more where it
        splits a typed word ('keyi' is 可以) or runs across a stop; None when a syllable is no
        sound any of the warehouse's words makes."""
        sounds = tuple(s for split, _ in words for s in split)
        edges = list(itertools.accumulate((len(split) for split, _ in words), initial=0))
        joined = {edges[w] + k for w, (split, _) in enumerate(words) for k in range(1, len(split))}
        stops = {edges[w + 1]: stop for w, (_, stop) in enumerate(words) if stop}
        n = len(sounds)
        # to each position: the least cost, where its last word starts, that word, and how
        # many typed words were cut on the way
        best: list[tuple[float, int, str, int] | None] = [(0.0, 0, "", 0)] + [None] * n
        for end in range(1, n + 1):
            for start in range(max(0, end - _LONGEST), end):
                head, word = best[start], self._by_sound.get(sounds[start:end])
                if head is None or word is None:
                    continue
                cost = head[0] + self._total - math.log(self._counts[word]) \
                    + _SPLIT_COST * ((start in joined) + (end in joined)) \
                    + _STOP_COST * sum(1 for k in range(start + 1, end) if k in stops)
                current = best[end]
                if current is None or cost < current[0]:
                    best[end] = (cost, start, word + stops.get(end, ""), head[3] + (end in joined))
        last = best[n]
        # a typed word cut more than once is no pinyin ('timeline' as 是么里哪)
        if last is None or last[3] > sum(1 for split, _ in words if len(split) > 1):
            return None
        out, end = [], n
        while end:
            step = best[end]
            assert step is not None  # every position on the way was reached
            out.append(step[2])
            end = step[1]
        return "".join(reversed(out))

    def _mend_slips(self, text: str) -> str:
        """Input-method slips in runs of characters mended ('库纯' -> '库存'); a question with
        traditional characters or dialect words ('甚' for 什么) is left as it is: its words are
        read by their own tables, not by their sounds."""
        if self._simplify(text) != text:
            return text
        return _CJK.sub(lambda m: self._mend_run(m.group()), text)

    def _mend_run(self, run: str) -> str:
        out, i = [], 0
        while i < len(run):
            for n in range(min(_LONGEST, len(run) - i), 1, -1):
                mended = self._mended(run[i:i + n])
                if mended is not None and not self._bound(run, i, mended):
                    out.append(mended)
                    i += n
                    break
            else:
                out.append(run[i])
                i += 1
        return "".join(out)

    def _bound(self, run: str, start: int, mended: str) -> bool:
        """Whether a character the mending would change makes a word with a neighbour ('最火'
        in '卖得最火的款': 火的 is no slip for 货的; 價值 in '个價值': 个价值 for 个架子)."""
        end = start + len(mended)
        for k in (k for k in range(start, end) if run[k] != mended[k - start]):
            pairs = [run[j:j + 2] for j in (k - 1, k) if j >= 0 and j + 2 <= len(run)
                     and run[j:j + 2] != run[start:end]]
            pairs += [self._simplify(pair) for pair in pairs]
            if any(self._counts[pair] >= _BOUND_COUNT
                   or _words().get(pair, 0.0) >= _BOUND_WORD for pair in pairs):
                return True
        # a window must not cut a common word in two: 本计 in '按成本计值' is no slip for 本季
        edges = [run[start - 1:start + 1] if start else "", run[end - 1:end + 1]]
        return any(len(pair) == 2 and _words().get(pair, 0.0) >= _EDGE_WORD for pair in edges)

    def _mended(self, window: str) -> str | None:
        """The frequent warehouse word a window that is no word was meant to be, if one."""
        if _words().get(window, 0.0) >= _WORD_FREQUENCY:
            return None  # a word
        said = self._counts[window]
        if (key := _typed_key(window)) is not None:  # the sound the typist meant
            word = self._by_fuzzy_sound.get(key)
            if word is not None and self._slip_for(window, word) \
                    and (self._counts[word] >= _SLIP_RATIO * (said + 1)
                         or word in self._favoured and not said) \
                    and self._longer[word] < _PART * self._counts[word]:  # a word, not a part
                return word
        return None

    def _slip_for(self, window: str, word: str) -> bool:
        """Whether ``window`` may be a slip for ``word``: one character of it differs (a slip
        takes a wrong character, not a wrong word: 买的 is no slip for 卖得), and ``word`` is
        a word the warehouse's own or a favoured one (怎么养 is no slip for 怎么样, nor 已下 for
        一下, nor 进的 for 金的). Grammar's characters are no slips nor slipped for, outside
        the favoured words: 那款 is no slip for 哪款, nor 国的 for 过的."""
        changed = [(a, b) for a, b in zip(window, word, strict=True) if a != b]
        if len(changed) != 1:
            return False
        if word in self._favoured:
            return True
        general = _words().get(word, 0.0)
        return not set(changed[0]) & _GRAMMAR and general >= _RARE \
            and self._counts[word] / max(1, self._chars) >= _OWN * general


@cache
def _words() -> dict[str, float]:
    """wordfreq's Chinese words and their frequencies (a word's share of all words)."""
    return get_frequency_dict("zh")
