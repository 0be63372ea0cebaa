"""Codes however written or spoken: 'G-2311', 'g 2311', 'golf two three one one', 'G二三一一'."""

from __future__ import annotations

import re
import unicodedata

from assistant.entities.brummie import english_of_brummie
from assistant.entities.french import english_of_french
from assistant.entities.hawaiian import english_of_pidgin
from assistant.entities.hinglish import english_of_hinglish
from assistant.entities.kongish import english_of_kongish
from assistant.entities.korean import english_of_korean
from assistant.entities.malay import english_of_malay
from assistant.entities.maltese import english_of_maltese
from assistant.entities.patois import english_of_patois
from assistant.entities.query_syntax import plain_of_query
from assistant.entities.scots import english_of_scots
from assistant.entities.spanish import english_of_spanish
from assistant.entities.swahili import english_of_swahili
from assistant.entities.tagalog import english_of_tagalog

__all__ = [
    "NATO",
    "SPOKEN_DIGITS",
    "WORDS_OF_ADDRESS",
    "code_key",
    "corrected_codes",
    "detect_language",
    "normalise_text",
    "spoken_to_code",
]

#: Words of address and politeness that say nothing of what is asked or answered (London 'bruv',
#: 'innit', Greek 're' and 'ela', Ghanaian 'chale', Persian 'lotfan', Cantonese 'm goi',
#: Birmingham 'bab', Armenian 'aper' / 'akhper' (brother), Burmese 'Sayama' (teacher, to a
#: woman manager), Spanish 'jefe', Newfoundland "b'y" and 'me son', German 'bitte', Nyanja
#: 'iwe' (you)): dropped from questions, follow-ups and product slots, and a particle in an
#: answer.
WORDS_OF_ADDRESS = ("bruv", "innit", "re", "ela", "chale", "lotfan", "m goi", "bab", "aper",
                    "akhper", "sayama", "jefe", "b'y", "me son", "bitte", "iwe", "padi",
                    "阿佳", "阿佳啦", "阿觉", "阿觉啦")

NATO = {
    "alpha": "A", "alfa": "A", "bravo": "B", "charlie": "C", "delta": "D", "echo": "E",
    "foxtrot": "F", "golf": "G", "hotel": "H", "india": "I", "juliet": "J", "juliett": "J",
    "kilo": "K", "lima": "L", "mike": "M", "november": "N", "oscar": "O", "papa": "P",
    "quebec": "Q", "romeo": "R", "sierra": "S", "tango": "T", "uniform": "U", "victor": "V",
    "whiskey": "W", "whisky": "W", "x-ray": "X", "xray": "X", "yankee": "Y", "zulu": "Z",
}
SPOKEN_DIGITS = {
    "zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
    "six": "6", "seven": "7", "eight": "8", "nine": "9",
}
_ZH_DIGITS = {
    "零": "0", "〇": "0", "洞": "0", "一": "1", "幺": "1", "二": "2", "两": "2", "三": "3",
    "四": "4", "五": "5", "六": "6", "七": "7", "八": "8", "九": "9",
}
_DASHES = {"dash", "hyphen", "minus", "杠", "横杠"}
_CJK = re.compile(r"[\u3400-\u9fff]")
_PUNCT = re.compile(r"[?？!！。，,;；:：\"“”'‘’()（）\[\]]")
_SPACE_AROUND_CJK = re.compile(r"\s*([\u3400-\u9fff])\s*")
# Emoji, pictographs and their modifiers ('make PO to VALENZA 🙏', 'bangles rn 💀'): no word
# of a question, dropped like punctuation.
_EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\uFE0F\u200D]+")
_ZH_RUN = re.compile(r"[零〇洞一幺二两三四五六七八九]{2,}")
# Other languages' words in an English question, read as English in this order (French first:
# patois reads its 'de' as 'the', Spanish its 'que', Malay drops its 'je'; romanised Cantonese
# next: its 'di' and 'fo' are patois' and Pidgin's too; patois before Spanish: "las' year" is
# last year, not Spanish 'las').
_LEXICONS = (plain_of_query, english_of_french, english_of_kongish, english_of_patois,
             english_of_pidgin, english_of_spanish, english_of_tagalog, english_of_malay,
             english_of_hinglish, english_of_maltese, english_of_scots, english_of_korean,
             english_of_brummie, english_of_swahili)


# Cantonese and colloquial words written as Mandarin ones, so a question typed in Cantonese
# ('FC0000483 喺边度', '仲有边啲单未出货') reads as the same question in Mandarin. Longest first;
# only words that mean nothing else in Mandarin (not 呢, 点, 系, 边 alone).
_CANTONESE: tuple[tuple[str, str], ...] = tuple(sorted({
    "喺边度": "在哪里", "喺邊度": "在哪里", "边度": "哪里", "邊度": "哪里", "边处": "哪里",
    "边个": "谁", "邊個": "谁", "边位": "谁", "边啲": "哪些", "邊啲": "哪些", "边款": "哪款",
    "边只": "哪只", "边条": "哪条", "边批": "哪批", "边间": "哪家", "边家": "哪家",
    "喺": "在", "啲": "些", "嘅": "的", "咗": "了", "冇": "没有", "唔该": "请", "唔該": "请",
    "唔": "不", "係": "是", "睇下": "看看", "睇": "看", "乜嘢": "什么", "咩": "什么",
    "点解": "为什么", "點解": "为什么", "点样": "怎么样", "點樣": "怎么样", "几多": "多少",
    "幾多": "多少", "佢哋": "他们", "佢": "他", "哋": "们", "畀": "给", "揾": "找", "搵": "找",
    "郁过": "动过", "郁": "动", "仲有": "还有", "净係": "只", "淨係": "只", "净系": "只",
    "仲未": "还没", "仲": "还", "而家": "现在",
    "依家": "现在", "今日": "今天", "琴日": "昨天", "寻日": "昨天", "尋日": "昨天", "呢个": "这个",
    "呢個": "这个", "呢啲": "这些", "呢批": "这批", "呢件": "这件", "嗰个": "那个", "嗰啲": "那些",
    "嗰": "那", "嘢": "东西", "攞": "拿", "冚唪唥": "全部", "嚟": "来", "几耐": "多久",
    "好耐": "很久", "未出": "没出", "住先": "", "搞掂": "搞定", "搞惦": "搞定", "㗎": "",
    "嘞": "", "囉": "", "喇": "", "吖": "", "嘛": "",
    # periods ('今个礼拜', '琴晚'), the bangle ('手鈪') and the safe ('夾萬': the vault)
    "今个": "这个", "琴晚": "昨晚", "寻晚": "昨晚", "尋晚": "昨晚", "手鈪": "手镯", "鈪": "镯",
    "夾萬": "保险柜", "夾万": "保险柜", "夹万": "保险柜",
    "舊年": "去年", "旧年": "去年",  # last year
    # picking said with 捡 / 撿 ('pick up', read as 拣 once traditional is mapped): '捡货区'
    "捡货": "拣货", "捡的": "拣的",
    # 咁 as 'so much / like this' ('咁多', '咁樣'); as 'then' it starts a clause (_SO_THEN)
    "咁多": "这么多", "咁少": "这么少", "咁樣": "这样", "咁样": "这样", "咁就": "那就",
}.items(), key=lambda kv: -len(kv[0])))
# Cantonese 咁 starting a clause is 'then / so' (Mandarin 那): '咁 VALENZA 呢', '咁上个月呢'.
# Before a word of degree it is 'so' ('咁快', '咁贵'): left as it is.
_SO_THEN = re.compile(r"(?:^|(?<=\s))咁(?![快慢耐久大细細贵貴平靓靚高低重轻輕差好])")
# Traditional characters a warehouse question uses, as simplified ones (the intent data is in
# simplified Chinese).
_TRADITIONAL = str.maketrans(
    "貨庫單訂個幾這們麼鏈價錢銀質檢調盤點邊區揀發賣買環墜項鐲針腳產齡損異報進問題沒還說會"
    "為時間過來嗎給從號碼經處數倉儲備驗帳賬結總額鎖凍釋開確認銷滯積壓採購補預覽櫃門頭鏡誰條"
    "隻對顆樣長東現裡庫無廠商應級純鑽寶飾標籤記錄歷史準遲戶顧客運輸託轉換貴賺虧餘額張樓層區"
    "動於與員顯示兩萬億紅黃綠藍紫師傅隊組織將專業務輕鬆擔憂壞損傷書讀寫學話語誤錯鏈條"
    "禮週鍊後險衛齋爾倫紮釦鉑頸營華薩維羅蘭麗響陣裝撿",
    "货库单订个几这们么链价钱银质检调盘点边区拣发卖买环坠项镯针脚产龄损异报进问题没还说会"
    "为时间过来吗给从号码经处数仓储备验帐账结总额锁冻释开确认销滞积压采购补预览柜门头镜谁条"
    "只对颗样长东现里库无厂商应级纯钻宝饰标签记录历史准迟户顾客运输托转换贵赚亏余额张楼层区"
    "动于与员显示两万亿红黄绿蓝紫师傅队组织将专业务轻松担忧坏损伤书读写学话语误错链条"
    "礼周链后险卫斋尔伦扎扣铂颈营华萨维罗兰丽响阵装拣")


# Numbers in the financial characters of formal writing ('叁号警报', '改为贰拾件'): a run of two
# or more, or one before a measure word; not 陆运 (land transport) or 拾取 (pick up).
_FINANCIAL = re.compile(r"[壹贰貳叁叄參肆伍陆陸柒捌玖拾]{2,}"
                        r"|[壹贰貳叁叄參肆伍陆陸柒捌玖拾](?=[号號件个個只隻条條批张張单單])")
_FINANCIAL_DIGITS = str.maketrans("壹贰貳叁叄參肆伍陆陸柒捌玖拾", "一二二三三三四五六六七八九十")


def _mandarin(text: str) -> str:
    """Chinese text in simplified Mandarin: traditional characters and Cantonese words mapped,
    and numbers in financial characters as ordinary ones."""
    text = _FINANCIAL.sub(lambda m: m.group().translate(_FINANCIAL_DIGITS), text)
    text = text.translate(_TRADITIONAL)
    for word, mandarin in _CANTONESE:
        if word in text:
            text = text.replace(word, mandarin)
    return _SO_THEN.sub("那", text)


# A code, then a word taking it back, then the code meant ('G 3273 不对 是G 3237', 'FC0000476
# sorry FC0000467', 'lot G-2311, I mean G-2312'): both with the same letters.
_CODE_SAID = r"[A-Za-z]{1,4}[\s-]?\d{3,}(?:[\s-]\d+)*"
_TAKEN_BACK = re.compile(
    rf"(?<![A-Za-z0-9])(?P<said>{_CODE_SAID})\s*[,，、]?\s*(?:不对|不是|错了|说错了"
    rf"|no wait|no sorry|sorry|i mean|i meant|correction|oops)[,，、\s]*"
    rf"(?:是|应该是|it's|its|make that)?\s*"
    rf"(?P<meant>{_CODE_SAID})(?![A-Za-z0-9])", re.IGNORECASE)


def corrected_codes(text: str) -> str:
    """``text`` without a code its writer took back: 'G 3273 不对 是G 3237 那批扣住' -> 'G 3237
    那批扣住' (dictation and hurried typing correct themselves as they go)."""
    def meant(match: re.Match[str]) -> str:
        said, meant = (re.sub(r"[^a-z]", "", match[g].lower()) for g in ("said", "meant"))
        return match["meant"] if said == meant else match.group()
    return _TAKEN_BACK.sub(meant, text)


def detect_language(text: str) -> str | None:
    """'zh' when the text has Chinese characters, 'en' when it has Latin letters, else None."""
    if _CJK.search(text):
        return "zh"
    return "en" if re.search(r"[A-Za-z]", text) else None


def normalise_text(text: str, *, spanish: bool = True) -> str:
    """Lower case, full-width folded, punctuation and emoji dropped, no spaces around Chinese
    characters; an English question's Spanish words in English (assistant/entities/spanish.py)
    unless ``spanish`` is false (the training writers' questions are fitted as they wrote them).

    Apostrophes inside English words are kept ("where's"); a trailing full stop is dropped but
    dots inside codes stay.
    """
    folded = unicodedata.normalize("NFKC", text).lower()
    folded = folded.replace("’", "'")
    folded = re.sub(r"(?<![a-z])'|'(?![a-z])", " ", folded)
    folded = _PUNCT.sub(" ", _EMOJI.sub(" ", folded).replace("'", "\x00")).replace("\x00", "'")
    folded = re.sub(r"\.(?=\s|$)", " ", folded)
    if _CJK.search(folded):
        folded = _mandarin(folded)
    elif spanish:  # other languages' words in an English question (_LEXICONS)
        # ('cuántos rings talla 6', 'ilan ang stock natin', 'berapa barang hilang', 'dis year',
        # 'kitna maal'), as English
        for reading in _LEXICONS:
            folded = reading(folded)
    # spaces collapsed first: around a run of spaces without Chinese, the pattern's \s* would try
    # every start in the run (100,000 spaces took 90 s)
    folded = _SPACE_AROUND_CJK.sub(r"\1", re.sub(r"\s+", " ", folded))
    return re.sub(r"\s+", " ", folded).strip()


def code_key(text: str) -> str:
    """The comparison key of a code: letters and digits only, upper case ('G-2311' -> 'G2311')."""
    return re.sub(r"[^0-9A-Z]", "", text.upper())


def _zh_digits(text: str) -> str:
    """Runs of two or more Chinese digits become Arabic digits (二三一一 -> 2311)."""
    return _ZH_RUN.sub(lambda m: "".join(_ZH_DIGITS[c] for c in m.group()), text)


def spoken_to_code(text: str) -> str:
    """Spell out a spoken or typed code: NATO words are letters, number words are digits.

    'golf two three one one' -> 'G2311'; 'g 2311' -> 'G2311'; 'G二三一一' -> 'G2311';
    'foxtrot charlie zero zero zero zero zero zero one' -> 'FC0000001'. Words that are neither
    are kept as they are, so 'ST0001-AU750Y-7' passes through unchanged (upper-cased).
    """
    out: list[str] = []
    for token in re.split(r"[\s]+", _zh_digits(normalise_text(text))):
        if not token:
            continue
        if token in NATO:
            out.append(NATO[token])
        elif token in SPOKEN_DIGITS:
            out.append(SPOKEN_DIGITS[token])
        elif token in _DASHES:
            out.append("-")
        elif _CJK.search("".join(c for c in token if c not in _ZH_DIGITS)):
            out.append(token.upper())  # a Chinese word's 一 is no digit ('FC0000315…复盘一下')
        else:
            out.append("".join(_ZH_DIGITS.get(c, c) for c in token).upper())
    return "".join(out)
