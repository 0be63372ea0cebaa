"""Traditional Chinese characters as simplified ones, for what the intent models read.

:func:`assistant.entities.codes.normalise_text` maps the traditional characters of the words a
warehouse question uses (its slots and templates read them); a writer in Hong Kong or Taipei
also writes the rest of the question in traditional characters (請幫我, 暫停, 監控, 執行), which
the intent classifier, the n-gram tier and the out-of-scope model read as other characters
than the simplified examples'. :func:`simplified` maps every character of the CJK unified
ideographs (and extension A) that has one simplified form, one to one. The table was made once
with ICU's Traditional-Simplified transform (``uconv -x Traditional-Simplified``, character by
character, keeping only one-to-one mappings, less 鍊: a chain, 链, not 炼); it is data, not a
dependency.
"""

from __future__ import annotations

import re

__all__ = ["CANTONESE_WORDS", "CLASSICAL_WORDS", "DIALECT_WORDS", "JAPANESE_WORDS",
           "LOOKALIKE_WORDS", "MIN_HAKKA_WORDS", "SPANISH_WORDS_ZH", "mandarin",
           "min_hakka_mandarin", "simplified", "written_mandarin"]

#: Cantonese words the intent models read as their Mandarin ones, after :func:`simplified` (and
#: after normalise_text's own Cantonese words: 唔 is 不, 係 is 是 by then): 使唔使 (need to?), 諗
#: (think), 俾 (give), 拎 (take), 幾時 (when), 係咪 (is it), 啱啱 (just now), 睇吓 (have a look),
#: 執貨 (pick goods: 执 alone is also 执行, to carry out).
CANTONESE_WORDS: tuple[tuple[str, str], ...] = (
    ("使不使", "需不需要"), ("是咪", "是不是"), ("几时", "什么时候"), ("啱啱", "刚刚"),
    ("看吓", "看下"), ("谂", "想"), ("俾", "给"), ("拎", "拿"), ("执货", "拣货"), ("执得", "拣得"),
)

#: Shanghainese (Wu) and Northeastern words the intent models read as their Mandarin ones (none of
#: the intent examples says them; longer words first): 侬 (you), 阿拉 (we), 晓得 (know), 啥么事
#: and 啥 (what), 勿 (not), 卖脱 (sold off), 辰光 (time), 今朝 (today), 哪能 (how), 几钿 (how
#: much money); Northeastern 搁 (at, put), 咋 (how), 咱 (we), 瞅 (look), 哪嘎达 (where). 个 as 的
#: and 辣 as 在 only where they cannot be Mandarin's (:data:`_WU_AT`, :data:`_WU_END`); 讲讲 and
#: 说说 (tell me) as 看看. Sichuanese and Chongqing words: 莫得 (have not), 啥子 (what), 咋个
#: (how), 拿给 (give), 巴适 and 安逸 (good), 摆起 (put, lying); 好多 as 多少 and 开起/做起 (do it)
#: only where they cannot be Mandarin's (:data:`_SC_HOW_MANY`, :data:`_SC_DO`).
DIALECT_WORDS: tuple[tuple[str, str], ...] = (
    ("莫得", "没有"), ("啥子", "什么"), ("咋个", "怎么"), ("拿给", "给"), ("巴适", "好"),
    ("安逸", "好"), ("摆起", "放着"),
    ("啥么事", "什么"), ("啥物事", "什么"), ("啥个", "什么"), ("啥玩意儿", "什么"),
    ("啥玩意", "什么"), ("物事", "东西"), ("侬", "你"), ("阿拉", "我们"), ("伊拉", "他们"),
    ("晓得", "知道"), ("勿对头个", "不对劲的"), ("勿对头", "不对劲"), ("卖脱个", "卖掉的"),
    ("卖脱", "卖掉"), ("覅", "不要"), ("朆", "没"), ("勿", "不"), ("辰光", "时间"),
    ("今朝", "今天"), ("明朝", "明天"), ("昨日", "昨天"), ("搿个", "这个"), ("迭个", "这个"),
    ("值几钿", "值多少钱"), ("几钿", "多少钱"), ("咱们", "我们"), ("咱", "我们"),
    ("哪能", "怎么"), ("交关", "很"), ("辣海", "在"), ("辣辣", "在"),
    ("搁在", "放在"), ("搁", "在"), ("咋整", "怎么办"), ("咋", "怎么"), ("嘎哈", "干什么"),
    ("干哈", "干什么"), ("瞅瞅", "看看"), ("瞅", "看"), ("哪嘎达", "哪里"), ("哪旮旯", "哪里"),
    ("贼多", "很多"), ("老鼻子", "很多"), ("寻思", "想"), ("啥", "什么"),
    # 'tell me' (讲讲, 说说) asks as 'have a look' (看看) does, which the examples say
    ("讲一讲", "看看"), ("说一说", "看看"), ("讲一下", "看一下"), ("说一下", "看一下"),
    ("讲讲", "看看"), ("说说", "看看"),
    # Tianjin 您内 (you, politely), 介个 (this); Nanjing and Anhui (Jianghuai) 阿有 (is there
    # any), 阿是 (is it)
    ("您内", "您"), ("介个", "这个"), ("阿有", "有没有"), ("阿是", "是不是"),
    # Zhejiang 几许 (how much), Cantonese and Hakka 几多日 (how many days; 几多 is already
    # 多少 when Cantonese was read first)
    ("几许", "多少"), ("几多日", "多少天"), ("几多天", "多少天"), ("多少日", "多少天"),
    # Gansu, Ningxia and Qinghai 阿达 (where), 阿些 (which), 阿么 (how), 胡都 (very), 嫑 (don't),
    # 嗫 (a question's 呢)
    ("阿达", "哪里"), ("阿些", "哪些"), ("阿么", "怎么"), ("胡都", "很"), ("嫑", "不要"),
    ("嗫", "呢"),
    # Hunan and Gan 别个 (others); Putian and Hokkien-flavoured 敢有 / 敢可以 / 敢是 (is there, can
    # we, is it: 敢 asks)
    ("别个", "别的"), ("敢有", "有没有"), ("敢可以", "可不可以"), ("敢是", "是不是"),
    # Wuhan 么斯 (what): 么斯地方 (where), 么斯异常 (what anomalies); Fuzhou 若夥 (how many)
    ("么斯", "什么"), ("若夥", "多少"), ("若伙", "多少"),
)
#: Henan and Shandong words (俺 / 俺们 I, we; 恁 you; 几个钱 how much money) and internet slang
#: (卖爆 sold out fast: sold best; 蚌埠住了 can't hold it: a filler) as Mandarin, read in a
#: question only (:func:`henan_mandarin`).
HENAN_WORDS: tuple[tuple[str, str], ...] = (
    ("俺们", "我们"), ("俺", "我"), ("恁", "你"), ("几个钱", "多少钱"), ("卖爆了", "卖得最好"),
    ("卖爆", "卖得最好"), ("蚌埠住了", ""),
    # Wenzhou 几许 (how many), 好猛 (very: 卖得好猛 sells very well), 何乜 (what), 冇 (not);
    # Henan 木有 (not have)
    ("几许", "多少"), ("得好猛", "得很好"), ("好猛", "很"), ("何乜", "什么"), ("木有", "没有"),
)
#: Teochew (Chaoshan Min) and Hakka words as Mandarin, read in a question only
#: (:func:`min_hakka_mandarin`): Hakka 𠊎 (I) and 𠊎兜 (we), 哪兜 (which ones), 毋 (not), 恁多 (so
#: many); Teochew 若多 and 若济 (how many), 若快 (how fast), 乜个 (what), 物件 (thing), 底位
#: (where), 做呢样 (how is it), 该只 (that one); both: 今晡日 and 昨晡日 (today, yesterday).
MIN_HAKKA_WORDS: tuple[tuple[str, str], ...] = (
    ("𠊎兜", "我们"), ("𠊎", "我"), ("哪兜", "哪些"), ("恁多", "那么多"), ("毋爱", "不要"),
    ("毋", "不"), ("若多", "多少"), ("若济", "多少"), ("若快", "多快"), ("乜个", "什么"),
    ("物件", "东西"), ("底位", "哪里"), ("做呢样", "怎么样"), ("该只", "那个"),
    ("今晡日", "今天"), ("昨晡日", "昨天"), ("今晡", "今天"), ("昨晡", "昨天"),
    # Taiwanese Hokkien: 嘸 (not), 佇 (at), 按怎 (how), 攏 (all), 偶 (I, as typed online)
    ("按怎", "怎么样"), ("嘸", "没"), ("佇", "在"), ("攏", "都"), ("帮偶", "帮我"),
    ("幫偶", "帮我"),
)
#: Japanese warehouse words written in kanji and kana in a Chinese question, as Mandarin
#: (:func:`min_hakka_mandarin` reads them too): 在庫 (stock), 発注残 (on order), 発注 (ordering),
#: 返品 (returns), 棚卸 (stocktake), 回転率 (turnover), 提案 (advice), 出荷 / 入荷 (shipped,
#: received), 検品 (inspection), 担当者 (person in charge), お願いします (please), の (的).
JAPANESE_WORDS: tuple[tuple[str, str], ...] = (
    ("発注残", "在途采购"), ("発注の提案", "补货建议"), ("発注提案", "补货建议"),
    ("発注", "采购"), ("返品", "退货"),
    ("棚卸し", "盘点"), ("棚卸", "盘点"), ("回転率", "周转率"), ("回転", "周转"), ("提案", "建议"),
    ("出荷", "发货"), ("入荷", "到货"), ("検品", "质检"), ("担当者", "负责人"),
    ("をお願いします", ""), ("お願いします", ""), ("お願い", ""), ("受付", "受理"), ("の", "的"),
    ("を", ""),
)
# Zhuyin (bopomofo) letters typed for a word ('放足久ㄉ胸针': 的; '多ㄇ': 吗; '可以ㄚ': 啊), and
# Taiwanese Hokkien 足 (very) before a word of amount ('调足多'; 足金 stays pure gold).
_ZHUYIN = str.maketrans({"ㄉ": "的", "ㄇ": "吗", "ㄚ": "啊", "ㄌ": "了", "ㄅ": "吧", "ㄛ": "哦"})
_TW_VERY = re.compile(r"足(?=[多久快慢少大好])")
# Japanese 在庫 (stock), not Mandarin's 在库房 / 放在库里 (in the store room)
_JA_STOCK = re.compile(r"(?<![放存停摆搁])在库(?![房里中内])")
# Teochew 只 (this) before a period, a document or goods ('只个月', '只礼拜', '只张单', '只批货';
# not after 这, 上, 那: '上只礼拜' is last week's), 许 (that) before a measure word ('许件', '许单';
# 许多 stays), 底 (which) before a count or measure word ('底几款', '底款'; not 月底, 年底), 阮 (we)
# beside a verb of asking, 卖上好 / 卖得上慢 (sells best, slowest), Hakka 爱 (need to) before
# an action's verb, 么个 (what, 麼個).
_MIN_THIS = re.compile(r"(?<![这上那呢])只(?=个月|个礼拜|礼拜|个季度|个星期|张单|批货|件货|款)")
_MIN_THAT = re.compile(r"[许許](?=[件单边批张只])")
_MIN_WHICH = re.compile(r"(?<![月年到谷心彻打海])底(?=[几款只件批个])")
_MIN_WE = re.compile(r"(?<=[帮同畀给])阮|阮(?=[想要有兜])")
_MIN_MOST = re.compile(r"卖得?上(?=[好多慢快])")
_HAKKA_NEED = re.compile(r"爱(?=[召扣放拣盘补退发改做开])")
_MIN_WHAT = re.compile(r"(?<![什怎那这多])么个")


def min_hakka_mandarin(text: str) -> str:
    """A question's Teochew, Hakka and Taiwanese Hokkien words as Mandarin
    (:data:`MIN_HAKKA_WORDS`, and 只, 许, 底, 阮, 上, 爱, 足 where Mandarin's cannot stand), with
    Japanese kanji terms (:data:`JAPANESE_WORDS`) and Zhuyin letters typed for words ('ㄉ' for 的)
    read too: '只个月卖上多个是乜个物件' ->
    '这个月卖得最多个是什么东西'. Read in a question (assistant/chat.py ``_question_words``),
    before :func:`henan_mandarin` (恁多 is 'so many', 恁 alone 'you')."""
    text = _replaced(text, (*MIN_HAKKA_WORDS, *JAPANESE_WORDS))
    text = _JA_STOCK.sub("库存", _TW_VERY.sub("很", text.translate(_ZHUYIN)))
    text = _MIN_WHICH.sub("哪", _MIN_THAT.sub("那", _MIN_THIS.sub("这", text)))
    text = _MIN_MOST.sub("卖得最", _MIN_WE.sub("我们", text))
    return _MIN_WHAT.sub("什么", _HAKKA_NEED.sub("要", text))


#: Look-alike characters a phone's handwriting pad gives and its writer leaves (形近字), in the
#: warehouse words they spoil, as those words: 贷 for 货, 厍 for 库, 仑 for 仓, 盆 for 盘, 钎 for
#: 针, 坏 for 环, 队 for 坠, 浊 for 镯, 钉 for 订, 比 for 批, 炼 for 拣, 李 for 季, 铃 for 龄, 带
#: for 滞, 漫 for 慢, 设 for 没, 末 for 未, 己 for 已, 植 for 值, 捐 for 损, 来 for 采, 旳 for 的,
#: 仐 for 个. Read in a question only (:func:`written_mandarin`), never where the slip is itself a
#: word of the question (贷款, 设有, 末尾, 自己, 这比上月).
LOOKALIKE_WORDS: tuple[tuple[str, str], ...] = (
    ("旳", "的"), ("仐", "个"), ("厍", "库"), ("仑库", "仓库"), ("仑位", "仓位"), ("仑", "仓"),
    ("盆点", "盘点"), ("胸钎", "胸针"), ("耳坏", "耳环"), ("吊队", "吊坠"), ("手浊", "手镯"),
    ("戎指", "戒指"), ("顶链", "项链"), ("钉单", "订单"), ("李度", "季度"), ("本李", "本季"),
    ("上李", "上季"), ("库铃", "库龄"), ("带销", "滞销"), ("呆带", "呆滞"), ("漫销", "慢销"),
    ("卖得漫", "卖得慢"), ("走得漫", "走得慢"), ("捐耗", "损耗"), ("来购", "采购"),
    ("货植", "货值"), ("植多少", "值多少"), ("设发", "没发"), ("设卖", "没卖"), ("设到", "没到"),
    ("末发", "未发"), ("末到", "未到"), ("末完成", "未完成"), ("末售", "未售"),
    ("己发", "已发"), ("己经", "已经"), ("己下单", "已下单"), ("己到", "已到"),
    ("炼货", "拣货"), ("炼的", "拣的"), ("比次", "批次"), ("这比货", "这批货"),
    ("那比货", "那批货"), ("哪比货", "哪批货"), ("该比货", "该批货"),
)
_LOOKALIKE_GOODS = re.compile(r"贷(?!款)")
_LOOKALIKE_STOCK = re.compile(r"库在(?=[金多量数价值件总])")
#: Semi-classical Chinese (文白夹杂) as an old goldsmith house writes it, as Mandarin: 几何 (how
#: many), 何处 (where), 何物 / 何者 (what, which), 何如 / 若何 (how is it), 列之 (list them), 尚余
#: (still left), 现存 (now kept), 所售 / 售得 (sold), 未售出者 (those not sold), 倘须 (if we must),
#: 所涉 (what it touches), 烦 (please), 拟 (draw up), 采买 (buying), 有无 (are there any), 几久
#: (how long), 矣 (了), 解其 (undo its: '解其扣留'); 之 as 的 where it cannot be 之前, 之后,
#: 之内, 之间 or 百分之.
CLASSICAL_WORDS: tuple[tuple[str, str], ...] = (
    ("从未售出", "从来没卖过"), ("未售出者", "没卖出的"), ("未售出", "没卖出"),
    ("几何", "多少"), ("何处", "哪里"), ("何物", "什么"), ("何者", "哪些"), ("何如", "怎么样"),
    ("若何", "怎么样"), ("列之", "列出来"), ("尚余", "还有"), ("尚有", "还有"), ("现存", "现在"),
    ("所售最", "卖得最"), ("所售", "卖的"), ("售得", "卖得"), ("售出", "卖出"), ("倘须", "如果要"),
    ("所涉", "影响"), ("为盼", ""),
    ("烦请", "请"), ("采买", "采购"), ("有无", "有没有"), ("几久", "多久"),
    ("验货未过", "质检没通过"), ("未过", "没通过"), ("即办", "马上办"), ("矣", "了"),
    ("解其", "解除"),
)
_CLASSICAL_OF = re.compile(r"(?<![百千万分总])之(?![前后内间外中一类])")
# 之 closing a clause is 'it', the object of the verb before it ('G-8909 批，召回之'): dropped
_CLASSICAL_IT = re.compile(r"(?<=[\u4e00-\u9fff])之(?=[\s，。？?！!]|$)")
_CLASSICAL_PLEASE = re.compile(r"烦(?=[列拟查看开为给帮请])")
_CLASSICAL_DRAFT = re.compile(r"拟(?=[一个张份]?采购)")
# 者 closing a description ('所售最多者何物', '验货未过者列之'; not 或者, 作者)
_CLASSICAL_THOSE = re.compile(
    r"(?<=[\u4e00-\u9fff])(?<![或作记读])者(?=[\s，。？?、！!列何什哪为]|$)")
#: Spanish words in a Chinese question (Qingtian and Wenzhou wholesalers in Madrid: 'este mes
#: 有哪些 pedidos 超过承诺发货时间了'), as Mandarin; whole Latin words only.
SPANISH_WORDS_ZH: tuple[tuple[str, str], ...] = (
    ("el mes pasado", "上个月"), ("mes pasado", "上个月"), ("este mes", "这个月"),
    ("la semana pasada", "上周"), ("esta semana", "这周"), ("el año pasado", "去年"),
    ("este año", "今年"), ("este trimestre", "这个季度"), ("hoy", "今天"), ("ayer", "昨天"),
    ("caja fuerte", "金库"), ("pedidos", "订单"), ("pedido", "订单"), ("ventas", "销量"),
    ("lotes", "批次"), ("lote", "批次"), ("alertas", "警报"), ("alerta", "警报"),
    ("collares", "项链"), ("colgantes", "吊坠"), ("anillos", "戒指"), ("pendientes", "耳环"),
    ("pulseras", "手链"), ("broches", "胸针"), ("oro", "金"), ("plata", "银"), ("platino", "铂金"),
    ("cuántos días", "多少天"), ("cuantos dias", "多少天"), ("cuántos", "多少"),
    ("cuantos", "多少"), ("cuánto", "多少"), ("cuanto", "多少"), ("dónde", "哪里"),
    ("donde", "哪里"), ("proveedor", "供应商"), ("jefe", ""), ("rápido", ""), ("rapido", ""),
    ("por favor", ""), ("ya lo vi", ""), ("ya está", ""), ("ya esta", ""),
)
#: English warehouse words in a Chinese question (Shanghai, Hong Kong and Singapore offices:
#: '金库的 anomaly report 给我', '这个 quarter 拣货团队的 performance dashboard'), as Mandarin;
#: whole Latin words only, so codes, usernames ('picker2') and SKUs stay as typed.
ENGLISH_WORDS_ZH: tuple[tuple[str, str], ...] = (
    ("anomaly report", "异常报告"), ("anomalies", "异常"), ("anomaly", "异常"),
    ("performance dashboard", "绩效"), ("performance", "绩效"), ("kpi", "绩效"),
    ("pick rate", "拣货效率"), ("accuracy", "准确率"), ("shrinkage", "损耗"),
    ("write-off", "报损"), ("write off", "报损"), ("turnover days", "周转天数"),
    ("turnover", "周转"), ("best sellers", "畅销"), ("best seller", "畅销"),
    ("slow moving", "滞销"), ("slow movers", "滞销"), ("dead stock", "呆滞库存"),
    ("variances", "差异"), ("variance", "差异"), ("trace", "追溯"), ("overdue", "逾期"),
    ("quality score", "质量评分"), ("quarter", "季度"), ("reorder advice", "补货建议"),
    ("stock value", "库存价值"), ("ageing", "库龄"), ("aging", "库龄"),
    ("slotting", "货位优化"), ("cycle count", "盘点"), ("on order", "在途"),
)
_ENGLISH_ZH = re.compile(
    "(?<![a-z0-9-])(" + "|".join(re.escape(w) for w, _ in ENGLISH_WORDS_ZH) + ")(?![a-z0-9-])")
_ENGLISH_ZH_TO = dict(ENGLISH_WORDS_ZH)
_SPANISH_ZH = re.compile(
    "(?<![a-z])(" + "|".join(re.escape(w) for w, _ in SPANISH_WORDS_ZH) + ")(?![a-z])")
_SPANISH_ZH_TO = dict(SPANISH_WORDS_ZH)


def written_mandarin(text: str) -> str:
    """A Chinese question's handwriting look-alikes (:data:`LOOKALIKE_WORDS`), semi-classical
    words (:data:`CLASSICAL_WORDS`), Spanish words (:data:`SPANISH_WORDS_ZH`) and English
    warehouse words (:data:`ENGLISH_WORDS_ZH`) as Mandarin:
    '上月所售最多者何物？' -> '上月卖得最多的什么？', '金厍的贷植多少钱' -> '金库的货值多少钱'.
    Read in a question (assistant/chat.py ``_question_words``), not in training texts."""
    text = _SPANISH_ZH.sub(lambda m: _SPANISH_ZH_TO[m.group(1)], text)
    text = _ENGLISH_ZH.sub(lambda m: _ENGLISH_ZH_TO[m.group(1)], text)
    text = _LOOKALIKE_GOODS.sub("货", _replaced(text, LOOKALIKE_WORDS))
    text = _LOOKALIKE_STOCK.sub("库存", text)
    text = _replaced(text, CLASSICAL_WORDS)
    text = _CLASSICAL_DRAFT.sub("做", _CLASSICAL_PLEASE.sub("请", text))
    text = _CLASSICAL_OF.sub("的", _CLASSICAL_IT.sub("", text))
    return _CLASSICAL_THOSE.sub("的", text).strip() or text


# Henan 中不中 / 中不 (ok?) ending a request or question: a tag asking for agreement, none of the
# question ('JAIPUR来的货质量咋样 中不中'); 中 alone answering an action is a yes
# (assistant/actions/answers.py). Chinese internet slang written in Latin letters that says
# nothing of what is asked (yyds 'the best ever', dd 'bump', xswl, awsl), and kc for 库存.
_HENAN_TAG = re.compile(r"[\s,，]*中不中[?？]*\s*$|[\s,，]+中不[?？]*\s*$")
_SLANG = re.compile(r"(?<![a-z0-9])(?:yyds|dd|xswl|awsl|hhh+)(?![a-z0-9])")
_KC = re.compile(r"(?<![a-z0-9])kc(?![a-z0-9])")
# Wu 辣 (at) after a verb of putting or before a place or question word ('摆辣啥地方'), and 伐 (a
# question's 吗) at its end.
_WU_AT = re.compile(r"(?<=[摆压放囥停躺])辣|辣(?=[什哪仓库货架金柜])")
_WU_END = re.compile(r"伐(?=[\s?？。！!，,]|$)")
# Wu 哪能 (how) ending a question asks 怎么样 ('质量哪能': how is the quality)
_WU_HOW = re.compile(r"哪能(?=[\s?？。！!，,]|$)")
# Sichuanese 好多 (how many, how much) where Mandarin's 'many' cannot stand: ending a question or
# before 钱, a measure word or a particle ('值好多', '好多件', '有好多嘛'); 'many goods' (好多货)
# stays.
_SC_HOW_MANY = re.compile(r"好多(?=[\s?？。！!，,钱件个单天度次批笔种款只条嘛哦喃啊呢]|$)")
# Sichuanese 开起/做起 (do it) ending a request: '补货单做起' -> '补货单做一下'
_SC_DO = re.compile(r"([开做])起(?=[\s?？。！!，,嘛哦]|$)")

_FROM = (
    "㠏㩜䊷䋙䋻䝼䬗䯀䰾䱽䲁䶧丟並乾亂亙亞佇佈佔併來侖侶侷俁係俔俠俬俱倀倆倈倉個們倖倣倫偉側偵"
    "偽傑傖傘備傢傭傯傳傴債傷傾僂僅僇僉僑僕僞僥僨僱價儀儂億儈儉儐儔儕儘償優儲儷儸儺儻儼兇兌兒"
    "兗內兩冊冪凈凍凜凱別刪剄則剋剎剗剛剝剮剴創剷劃劇劉劊劌劍劏劑劚勁動勗務勛勝勞勢勩勱勳勵勸"
    "勻匭匯匱區協卹卻厙厠厭厲厴參叄叢吒吢吳吶呂咷咼員唄唚唸問啓啞啟啢喎喚喨喪喫喬單喲嗆嗇嗊嗎"
    "嗚嗩嗶嘆嘍嘔嘖嘗嘜嘩嘮嘯嘰嘵嘸嘽噓噚噝噠噥噦噯噲噴噸噹嚀嚇嚌嚐嚕嚙嚥嚦嚨嚮嚲嚳嚴嚶囀囁囂"
    "囅囈囉囍囑囓囪圇國圍園圓圖團垵埡埰執堅堊堖堝堯報場塊塋塏塒塗塚塢塤塵塹墊墜墮墳墻墾壇壋壎"
    "壓壘壙壚壜壞壟壠壢壩壯壺壼壽夠夢夥夾奐奧奩奪奬奮奼妝姊姍姦姪娛婁婦婭媧媯媼媽嫋嫗嫵嫻嫿嬀"
    "嬈嬋嬌嬙嬝嬡嬤嬪嬰嬸孃孌孫學孿宮寢實寧審寫寬寵寶尅將專尋對導尷屆屍屓屜屢層屨屬岡峴島峽崍"
    "崑崗崙崢崬嵐嶁嶄嶇嶔嶗嶠嶢嶧嶮嶴嶸嶺嶼巋巒巔巖巰帥師帳帶幀幃幗幘幟幣幫幬幹幾庫廁廂廄廈廚"
    "廝廟廠廡廢廣廩廬廳廻弒弔弳張強彆彈彌彎彙彞彥彿後徑從徠復徬徵徹恆恥悅悞悳悵悶悽惡惱惲惻愛"
    "愜愨愴愷愾慄慇態慍慘慚慟慣慤慪慫慮慳慶慼慾憂憊憐憑憒憚憤憫憮憲憶懃懇應懌懍懞懟懣懨懮懲懶"
    "懷懸懺懼懾戀戇戔戧戩戰戱戲戶拋挩挾捨捫捲掃掄掗掙掛採揀揚換揮搆損搖搗搥搧搨搵搶搾摀摑摜摟"
    "摯摳摶摺摻撈撏撐撓撚撝撟撢撣撥撫撲撳撻撾撿擁擄擇擊擋擓擔據擠擣擬擯擰擱擲擴擷擺擻擼擾攄攆"
    "攏攔攖攙攛攜攝攢攣攤攪攬敗敘敵數斂斃斕斬斷於昇時晉晝暈暉暘暢暫暱曄曆曇曉曏曖曠曨曬書會朧"
    "東枒柵桿梔梘條梟梲棄棖棗棟棧棲棶椏楊楓楨業極榖榪榮榲榿構槍槓槖槤槧槨槳樁樂樅樑樓標樞樣樸"
    "樹樺橈橋機橢橫檁檉檔檜檝檟檢檣檮檯檳檸檻櫃櫓櫚櫛櫝櫞櫟櫥櫧櫨櫪櫫櫬櫱櫳櫸櫺櫻欄權欏欒欖欞"
    "欵欽歎歐歛歟歡歲歷歸歿殘殞殤殨殫殮殯殰殲殺殼毀毆毬毿氂氈氌氣氫氬氳氹氾汎汙決沍沒沖況洩洶"
    "浹涇涼淒淚淥淨淪淵淶淺渙減渦測渾湊湞湧湯溈準溝溫溼滄滅滌滎滬滯滲滷滸滻滾滿漁漚漢漣漬漲漵"
    "漸漿潁潑潔潙潛潤潯潰潷潿澀澆澇澗澠澤澦澩澮澱濁濃濕濘濟濤濫濬濰濱濺濼濾瀅瀆瀇瀉瀋瀏瀕瀘瀝"
    "瀟瀠瀦瀧瀨瀰瀲瀾灃灄灑灕灘灝灠灣灤灧災為烏烴無煉煒煙煢煥煩煬煱熅熒熗熱熲熾燁燄燈燉燐燒燙"
    "燜營燦燬燭燴燶燻燼燾燿爍爐爛爭爲爺爾牀牆牋牘牽犖犢犧狀狹狽猙猶猻獁獃獄獅獎獨獪獫獮獰獱獲"
    "獵獷獸獺獻獼玀現琺琿瑋瑒瑣瑤瑩瑪瑯瑲璉璣璦璫環璽瓊瓏瓔瓚甌甕產産畝畢畫異當疇疊痀痙痠痾瘂"
    "瘋瘍瘓瘞瘡瘧瘮瘲瘺瘻療癆癇癉癒癘癟癡癢癤癥癧癩癬癭癮癰癱癲發皁皚皰皸皺盃盜盞盡監盤盧盪眞"
    "眥眾睏睜睞睪瞇瞘瞜瞞瞭瞶瞼矓矚矯砲硏硜硤硨硯碩碭碸確碼磑磚磣磧磯磽礆礎礙礡礦礪礫礬礮礱祕"
    "祿禍禎禕禡禦禪禮禰禱禿秈稅稈稏稜稟種稱穀穌積穎穠穡穢穩穫穭窩窪窮窯窵窶窺竄竅竇竈竊竪競筆"
    "筍筧筴箇箋箎箏箝節範築篋篔篤篩篳簀簆簍簞簡簣簫簷簹簽簾籃籌籐籙籜籟籠籤籩籪籬籮籲粧粵糝糞"
    "糧糰糲糴糶糹糾紀紂約紅紆紇紈紉紋納紐紓純紕紖紗紘紙級紛紜紝紡紬紮細紱紲紳紵紹紺紼紿絀終絃"
    "組絅絆絎結絕絛絝絞絡絢給絨絰統絲絳絶絹綁綃綆綈綉綌綏綐綑經綜綞綠綢綣綫綬維綯綰綱網綳綴綵"
    "綸綹綺綻綽綾綿緄緇緊緋緑緒緓緔緗緘緙線緝緞締緡緣緦編緩緬緯緱緲練緶緹緻縈縉縊縋縐縑縕縗縛"
    "縝縞縟縣縧縫縭縮縱縲縳縴縵縶縷縹總績繃繅繆繒織繕繚繞繡繢繩繪繫繭繮繯繰繳繸繹繼繽繾繿纈纊"
    "續纍纏纓纔纖纘纜缽罈罌罎罣罰罵罷羅羆羈羋羣羥羨義羶習翫翹翺耬耮聖聞聯聰聲聳聵聶職聹聽聾肅"
    "脅脈脛脣脫脹腎腖腡腦腫腳腸膃膚膠膩膽膾膿臉臍臏臘臚臟臠臢臥臨臺與興舉舊舖艙艤艦艫艱艷芻茲"
    "荊荳莊莖莢莧菓華菸萇萊萬萵葉葒著葤葦葯葷蒐蒓蒔蒞蒼蓀蓆蓋蓮蓯蓽蔔蔞蔣蔥蔦蔭蔴蕁蕆蕎蕒蕓蕕"
    "蕘蕢蕩蕪蕭蕷薀薈薊薌薑薔薘薟薦薩薳薺藉藍藎藝藥藪藴藶藷藹藺蘄蘆蘇蘊蘋蘚蘞蘢蘭蘺蘿虆處虛虜"
    "號虧虯蛺蛻蜆蝕蝟蝦蝨蝸螄螞螢螮螻螿蟄蟈蟎蟣蟬蟯蟲蟶蟻蠅蠆蠍蠐蠑蠔蠟蠣蠧蠨蠱蠶蠻衆衊術衚衛"
    "衝袞袴裊裏補裝裡製複褌褘褲褳褸褻襇襏襖襝襠襤襪襬襯襲覈見覎規覓視覘覡覥覦親覬覯覲覷覺覽覿"
    "觀觴觶觸訁訂訃計訊訌討訐訒訓訕訖託記訛訝訟訢訣訥訩訪設許訴訶診註証詁詆詎詐詒詔評詖詗詘詛"
    "詞詠詡詢詣試詩詫詬詭詮詰話該詳詵詼詿誄誅誆誇誌認誑誒誕誘誚語誠誡誣誤誥誦誨說説誰課誶誹誼"
    "誾調諂諄談諉請諍諏諑諒論諗諛諜諝諞諡諢諤諦諧諫諭諮諱諳諶諷諸諺諼諾謀謁謂謄謅謊謎謐謔謖謗"
    "謙謚講謝謠謡謨謫謬謭謳謹謾譁譅證譎譏譖識譙譚譜譟譫譯議譴護譸譽譾讀變讌讎讒讓讕讖讚讜讞豈"
    "豎豐豔豬豶貍貓貙貝貞貟負財貢貧貨販貪貫責貯貰貲貳貴貶買貸貺費貼貽貿賀賁賂賃賄賅資賈賊賑賒"
    "賓賕賙賚賜賞賠賡賢賣賤賦賧質賫賬賭賰賴賵賸賺賻購賽賾贄贅贇贈贊贋贍贏贐贓贔贖贗贛贜赬趕趙"
    "趨趲跡跤跼踐踡踰踴蹌蹕蹟蹣蹤蹧蹺躂躉躊躋躍躑躒躓躕躚躡躥躦躪軀車軋軌軍軑軒軔軛軟軤軫軲軸"
    "軹軺軻軼軾較輅輇輈載輊輒輓輔輕輛輜輝輞輟輥輦輩輪輬輯輳輸輻輾輿轀轂轄轅轆轉轍轎轔轝轟轡轢"
    "轤辦辭辮辯農迴逕這連週進遊運過達違遙遜遞遠適遯遲遷選遺遼邁還邇邊邏邐郟郵鄆鄉鄒鄔鄖鄧鄭鄰"
    "鄲鄴鄶鄺酇酈醃醖醜醞醫醬醱醼釀釁釃釅釋釐釒釓釔釕釗釘釙針釣釤釦釧釩釵釷釹釺鈀鈁鈃鈄鈈鈉鈍"
    "鈎鈐鈑鈒鈔鈕鈞鈣鈥鈦鈧鈮鈰鈳鈴鈷鈸鈹鈺鈽鈾鈿鉀鉅鉈鉉鉋鉍鉑鉕鉗鉚鉛鉞鉢鉤鉦鉬鉭鉶鉸鉺鉻鉿"
    "銀銃銅銍銑銓銖銘銚銛銜銠銣銥銦銨銩銪銫銬銱銲銳銷銹銻銼鋁鋃鋅鋇鋌鋏鋒鋙鋝鋟鋣鋤鋥鋦鋨鋩鋪"
    "鋭鋮鋯鋰鋱鋶鋸鋼錁錄錆錇錈錏錐錒錕錘錙錚錛錟錠錡錢錦錨錩錫錮錯録錳錶錸鍀鍁鍃鍆鍇鍈鍋鍍鍔"
    "鍘鍚鍛鍠鍤鍥鍩鍬鍰鍵鍶鍺鍾鎂鎄鎇鎊鎔鎖鎗鎘鎚鎛鎡鎢鎣鎦鎧鎩鎪鎬鎮鎰鎲鎳鎵鎸鎿鏃鏇鏈鏌鏍鏐"
    "鏑鏗鏘鏜鏝鏞鏟鏡鏢鏤鏨鏰鏵鏷鏹鏽鐃鐋鐐鐒鐓鐔鐘鐙鐝鐠鐦鐧鐨鐫鐮鐲鐳鐵鐶鐸鐺鐿鑄鑊鑌鑑鑒鑔"
    "鑕鑞鑠鑣鑥鑭鑰鑱鑲鑷鑹鑼鑽鑾鑿钁長門閂閃閆閈閉開閌閎閏閑閒間閔閘閡関閣閥閧閨閩閫閬閭閱閲"
    "閶閹閻閼閽閾閿闃闆闇闈闊闋闌闍闐闒闓闔闕闖闘關闞闠闡闢闤闥阨阪陘陝陞陣陰陳陸陽隄隉隊階隕"
    "際隨險隱隴隸隻雋雖雙雛雜雞離難雲電霑霢霧霽靂靄靈靚靜靦靨靷鞀鞏鞝鞽韁韃韉韋韌韍韓韙韜韞韮"
    "韻響頁頂頃項順頇須頊頌頎頏預頑頒頓頗領頜頡頤頦頭頮頰頲頴頷頸頹頻頽顆題額顎顏顒顓顔願顙顛"
    "類顢顥顧顫顬顯顰顱顳顴風颭颮颯颱颳颶颸颺颻颼飀飄飆飈飛飠飢飣飥飩飪飫飭飯飲飴飼飽飾飿餃餄"
    "餅餉養餌餎餏餑餒餓餕餖餘餚餛餜餞餡館餬餱餳餵餶餷餺餼餽餾餿饁饃饅饈饉饊饋饌饑饒饗饜饞饢馬"
    "馭馮馱馳馴馹駁駐駑駒駔駕駘駙駛駝駟駡駢駭駰駱駸駿騁騂騅騌騍騎騏騖騙騤騧騫騭騮騰騶騷騸騾驀"
    "驁驂驃驄驅驊驌驍驏驕驗驚驛驟驢驤驥驦驪驫骯髏髒體髕髖髮鬀鬆鬍鬚鬢鬥鬧鬨鬩鬭鬮鬱魎魘魚魛魢"
    "魨魯魴魷魺鮁鮃鮊鮋鮍鮎鮐鮑鮒鮓鮚鮜鮝鮞鮦鮪鮫鮭鮮鮳鮶鮺鯀鯁鯇鯉鯊鯒鯔鯕鯖鯛鯝鯡鯢鯤鯧鯨鯪"
    "鯫鯰鯴鯷鯽鯿鰁鰂鰃鰈鰉鰍鰏鰐鰒鰓鰜鰟鰠鰣鰥鰨鰩鰭鰮鰱鰲鰳鰵鰷鰹鰺鰻鰼鰾鱂鱅鱈鱉鱒鱔鱖鱗鱘"
    "鱝鱟鱠鱣鱤鱧鱨鱭鱯鱷鱸鱺鳥鳧鳩鳬鳲鳳鳴鳶鳾鴆鴇鴉鴒鴕鴛鴝鴞鴟鴣鴦鴨鴯鴰鴴鴷鴻鴿鵁鵂鵃鵐鵑"
    "鵒鵓鵜鵝鵠鵡鵪鵬鵮鵯鵲鵷鵾鶄鶇鶉鶊鶓鶖鶘鶚鶡鶥鶩鶪鶬鶯鶲鶴鶹鶺鶻鶼鷀鷁鷂鷄鷈鷊鷓鷖鷗鷙鷚"
    "鷥鷦鷫鷯鷲鷳鷸鷹鷺鷽鷿鸂鸇鸌鸏鸕鸘鸚鸛鸝鸞鹵鹹鹺鹼鹽麗麤麥麩麯麵麼麽黃黌點黨黲黴黶黷黽黿"
    "鼇鼈鼉鼕鼴齊齋齎齏齒齔齕齗齙齜齟齠齡齣齦齧齩齪齬齲齶齷龍龎龐龔龕龜"
)
_TO = (
    "㟆㨫䌶䌺䌾䞍扬䯅鲃䲝鳚咬丢并干乱亘亚伫布占并来仑侣局俣系伣侠私具伥俩俫仓个们幸仿伦伟侧侦"
    "伪杰伧伞备家佣偬传伛债伤倾偻仅戮佥侨仆伪侥偾雇价仪侬亿侩俭傧俦侪尽偿优储俪㑩傩傥俨凶兑儿"
    "兖内两册幂净冻凛凯别删刭则克刹刬刚剥剐剀创铲划剧刘刽刿剑㓥剂㔉劲动勖务勋胜劳势勚劢勋励劝"
    "匀匦汇匮区协恤却厍厕厌厉厣参叁丛咤吣吴呐吕啕呙员呗吣念问启哑启唡㖞唤亮丧吃乔单哟呛啬唝吗"
    "呜唢哔叹喽呕啧尝唛哗唠啸叽哓呒啴嘘㖊咝哒哝哕嗳哙喷吨当咛吓哜尝噜啮咽呖咙向亸喾严嘤啭嗫嚣"
    "冁呓啰禧嘱啮囱囵国围园圆图团埯垭采执坚垩垴埚尧报场块茔垲埘涂冢坞埙尘堑垫坠堕坟墙垦坛垱埙"
    "压垒圹垆坛坏垄垅坜坝壮壶壸寿够梦伙夹奂奥奁夺奖奋姹妆姐姗奸侄娱娄妇娅娲妫媪妈袅妪妩娴婳妫"
    "娆婵娇嫱袅嫒嬷嫔婴婶娘娈孙学孪宫寝实宁审写宽宠宝克将专寻对导尴届尸屃屉屡层屦属冈岘岛峡崃"
    "昆岗仑峥岽岚嵝崭岖嵚崂峤峣峄崄岙嵘岭屿岿峦巅岩巯帅师帐带帧帏帼帻帜币帮帱干几库厕厢厩厦厨"
    "厮庙厂庑废广廪庐厅回弑吊弪张强别弹弥弯汇彝彦佛后径从徕复彷征彻恒耻悦悮德怅闷凄恶恼恽恻爱"
    "惬悫怆恺忾栗殷态愠惨惭恸惯悫怄怂虑悭庆戚欲忧惫怜凭愦惮愤悯怃宪忆勤恳应怿懔蒙怼懑恹忧惩懒"
    "怀悬忏惧慑恋戆戋戗戬战戯戏户抛捝挟舍扪卷扫抡挜挣挂采拣扬换挥构损摇捣捶扇拓揾抢榨捂掴掼搂"
    "挚抠抟折掺捞挦撑挠捻㧑挢掸掸拨抚扑揿挞挝捡拥掳择击挡㧟担据挤捣拟摈拧搁掷扩撷摆擞撸扰摅撵"
    "拢拦撄搀撺携摄攒挛摊搅揽败叙敌数敛毙斓斩断于升时晋昼晕晖旸畅暂昵晔历昙晓向暧旷昽晒书会胧"
    "东丫栅杆栀枧条枭棁弃枨枣栋栈栖梾桠杨枫桢业极谷杩荣榅桤构枪杠橐梿椠椁桨桩乐枞梁楼标枢样朴"
    "树桦桡桥机椭横檩柽档桧楫槚检樯梼台槟柠槛柜橹榈栉椟橼栎橱槠栌枥橥榇蘖栊榉棂樱栏权椤栾榄棂"
    "款钦叹欧敛欤欢岁历归殁残殒殇㱮殚殓殡㱩歼杀壳毁殴球毵牦毡氇气氢氩氲凼泛泛污决冱没冲况泄汹"
    "浃泾凉凄泪渌净沦渊涞浅涣减涡测浑凑浈涌汤沩准沟温湿沧灭涤荥沪滞渗卤浒浐滚满渔沤汉涟渍涨溆"
    "渐浆颍泼洁沩潜润浔溃滗涠涩浇涝涧渑泽滪泶浍淀浊浓湿泞济涛滥浚潍滨溅泺滤滢渎㲿泻沈浏濒泸沥"
    "潇潆潴泷濑弥潋澜沣滠洒漓滩灏漤湾滦滟灾为乌烃无炼炜烟茕焕烦炀㶽煴荧炝热颎炽烨焰灯炖磷烧烫"
    "焖营灿毁烛烩㶶熏烬焘耀烁炉烂争为爷尔床墙笺牍牵荦犊牺状狭狈狰犹狲犸呆狱狮奖独狯猃狝狞㺍获"
    "猎犷兽獭献猕猡现珐珲玮玚琐瑶莹玛琅玱琏玑瑷珰环玺琼珑璎瓒瓯瓮产产亩毕画异当畴叠佝痉酸疴痖"
    "疯疡痪瘗疮疟瘆疭瘘瘘疗痨痫瘅愈疠瘪痴痒疖症疬癞癣瘿瘾痈瘫癫发皂皑疱皲皱杯盗盏尽监盘卢荡真"
    "眦众困睁睐睾眯眍䁖瞒了瞆睑眬瞩矫炮研硁硖砗砚硕砀砜确码硙砖碜碛矶硗硷础碍礴矿砺砾矾炮砻秘"
    "禄祸祯祎祃御禅礼祢祷秃籼税秆䅉棱禀种称谷稣积颖秾穑秽稳获稆窝洼穷窑窎窭窥窜窍窦灶窃竖竞笔"
    "笋笕䇲个笺篪筝钳节范筑箧筼笃筛筚箦筘篓箪简篑箫檐筜签帘篮筹藤箓箨籁笼签笾簖篱箩吁妆粤糁粪"
    "粮团粝籴粜纟纠纪纣约红纡纥纨纫纹纳纽纾纯纰纼纱纮纸级纷纭纴纺䌷扎细绂绁绅纻绍绀绋绐绌终弦"
    "组䌹绊绗结绝绦绔绞络绚给绒绖统丝绛绝绢绑绡绠绨绣绤绥䌼捆经综缍绿绸绻线绶维绹绾纲网绷缀彩"
    "纶绺绮绽绰绫绵绲缁紧绯绿绪绬绱缃缄缂线缉缎缔缗缘缌编缓缅纬缑缈练缏缇致萦缙缢缒绉缣缊缞缚"
    "缜缟缛县绦缝缡缩纵缧䌸纤缦絷缕缥总绩绷缫缪缯织缮缭绕绣缋绳绘系茧缰缳缲缴䍁绎继缤缱䍀缬纩"
    "续累缠缨才纤缵缆钵坛罂坛挂罚骂罢罗罴羁芈群羟羡义膻习玩翘翱耧耢圣闻联聪声耸聩聂职聍听聋肃"
    "胁脉胫唇脱胀肾胨脶脑肿脚肠腽肤胶腻胆脍脓脸脐膑腊胪脏脔臜卧临台与兴举旧铺舱舣舰舻艰艳刍兹"
    "荆豆庄茎荚苋果华烟苌莱万莴叶荭着荮苇药荤搜莼莳莅苍荪席盖莲苁荜卜蒌蒋葱茑荫麻荨蒇荞荬芸莸"
    "荛蒉荡芜萧蓣蕰荟蓟芗姜蔷荙莶荐萨䓕荠借蓝荩艺药薮蕴苈薯蔼蔺蕲芦苏蕴苹藓蔹茏兰蓠萝蔂处虚虏"
    "号亏虬蛱蜕蚬蚀猬虾虱蜗蛳蚂萤䗖蝼螀蛰蝈螨虮蝉蛲虫蛏蚁蝇虿蝎蛴蝾蚝蜡蛎蠹蟏蛊蚕蛮众蔑术胡卫"
    "冲衮绔袅里补装里制复裈袆裤裢褛亵裥袯袄裣裆褴袜䙓衬袭核见觃规觅视觇觋觍觎亲觊觏觐觑觉览觌"
    "观觞觯触讠订讣计讯讧讨讦讱训讪讫托记讹讶讼䜣诀讷讻访设许诉诃诊注证诂诋讵诈诒诏评诐诇诎诅"
    "词咏诩询诣试诗诧诟诡诠诘话该详诜诙诖诔诛诓夸志认诳诶诞诱诮语诚诫诬误诰诵诲说说谁课谇诽谊"
    "訚调谄谆谈诿请诤诹诼谅论谂谀谍谞谝谥诨谔谛谐谏谕谘讳谙谌讽诸谚谖诺谋谒谓誊诌谎谜谧谑谡谤"
    "谦谥讲谢谣谣谟谪谬谫讴谨谩哗䜧证谲讥谮识谯谭谱噪谵译议谴护诪誉谫读变䜩雠谗让谰谶赞谠谳岂"
    "竖丰艳猪豮狸猫䝙贝贞贠负财贡贫货贩贪贯责贮贳赀贰贵贬买贷贶费贴贻贸贺贲赂赁贿赅资贾贼赈赊"
    "宾赇赒赉赐赏赔赓贤卖贱赋赕质赍账赌䞐赖赗剩赚赙购赛赜贽赘赟赠赞赝赡赢赆赃赑赎赝赣赃赪赶赵"
    "趋趱迹交局践蜷逾踊跄跸迹蹒踪糟跷跶趸踌跻跃踯跞踬蹰跹蹑蹿躜躏躯车轧轨军轪轩轫轭软轷轸轱轴"
    "轵轺轲轶轼较辂辁辀载轾辄挽辅轻辆辎辉辋辍辊辇辈轮辌辑辏输辐辗舆辒毂辖辕辘转辙轿辚舆轰辔轹"
    "轳办辞辫辩农回迳这连周进游运过达违遥逊递远适遁迟迁选遗辽迈还迩边逻逦郏邮郓乡邹邬郧邓郑邻"
    "郸邺郐邝酂郦腌酝丑酝医酱酦宴酿衅酾酽释厘钅钆钇钌钊钉钋针钓钐扣钏钒钗钍钕钎钯钫钘钭钚钠钝"
    "钩钤钣钑钞钮钧钙钬钛钪铌铈钶铃钴钹铍钰钸铀钿钾钜铊铉铇铋铂钷钳铆铅钺钵钩钲钼钽铏铰铒铬铪"
    "银铳铜铚铣铨铢铭铫铦衔铑铷铱铟铵铥铕铯铐铞焊锐销锈锑锉铝锒锌钡铤铗锋铻锊锓铘锄锃锔锇铓铺"
    "锐铖锆锂铽锍锯钢锞录锖锫锩铔锥锕锟锤锱铮锛锬锭锜钱锦锚锠锡锢错录锰表铼锝锨锪钔锴锳锅镀锷"
    "铡钖锻锽锸锲锘锹锾键锶锗钟镁锿镅镑镕锁枪镉锤镈镃钨蓥镏铠铩锼镐镇镒镋镍镓镌镎镞镟链镆镙镠"
    "镝铿锵镗镘镛铲镜镖镂錾镚铧镤镪锈铙铴镣铹镦镡钟镫镢镨锎锏镄镌镰镯镭铁镮铎铛镱铸镬镔鉴鉴镲"
    "锧镴铄镳镥镧钥镵镶镊镩锣钻銮凿䦆长门闩闪闫闬闭开闶闳闰闲闲间闵闸阂关阁阀哄闺闽阃阆闾阅阅"
    "阊阉阎阏阍阈阌阒板暗闱阔阕阑阇阗阘闿阖阙闯斗关阚阓阐辟阛闼厄坂陉陕升阵阴陈陆阳堤陧队阶陨"
    "际随险隐陇隶只隽虽双雏杂鸡离难云电沾霡雾霁雳霭灵靓静腼靥纼鼗巩绱鞒缰鞑鞯韦韧韨韩韪韬韫韭"
    "韵响页顶顷项顺顸须顼颂颀颃预顽颁顿颇领颌颉颐颏头颒颊颋颕颔颈颓频颓颗题额颚颜颙颛颜愿颡颠"
    "类颟颢顾颤颥显颦颅颞颧风飐飑飒台刮飓飔飏飖飕飗飘飙飚飞饣饥饤饦饨饪饫饬饭饮饴饲饱饰饳饺饸"
    "饼饷养饵饹饻饽馁饿馂饾余肴馄馃饯馅馆糊糇饧喂馉馇馎饩馈馏馊馌馍馒馐馑馓馈馔饥饶飨餍馋馕马"
    "驭冯驮驰驯驲驳驻驽驹驵驾骀驸驶驼驷骂骈骇骃骆骎骏骋骍骓骔骒骑骐骛骗骙䯄骞骘骝腾驺骚骟骡蓦"
    "骜骖骠骢驱骅骕骁骣骄验惊驿骤驴骧骥骦骊骉肮髅脏体髌髋发剃松胡须鬓斗闹哄阋斗阄郁魉魇鱼鱽鱾"
    "鲀鲁鲂鱿鲄鲅鲆鲌鲉鲏鲇鲐鲍鲋鲊鲒鲘鲞鲕鲖鲔鲛鲑鲜鲓鲪鲝鲧鲠鲩鲤鲨鲬鲻鲯鲭鲷鲴鲱鲵鲲鲳鲸鲮"
    "鲰鲶鲺鳀鲫鳊鳈鲗鳂鲽鳇鳅鲾鳄鳆鳃鳒鳑鳋鲥鳏鳎鳐鳍鳁鲢鳌鳓鳘鲦鲣鲹鳗鳛鳔鳉鳙鳕鳖鳟鳝鳜鳞鲟"
    "鲼鲎鲙鳣鳡鳢鲿鲚鳠鳄鲈鲡鸟凫鸠凫鸤凤鸣鸢䴓鸩鸨鸦鸰鸵鸳鸲鸮鸱鸪鸯鸭鸸鸹鸻䴕鸿鸽䴔鸺鸼鹀鹃"
    "鹆鹁鹈鹅鹄鹉鹌鹏鹐鹎鹊鹓鹍䴖鸫鹑鹒鹋鹙鹕鹗鹖鹛鹜䴗鸧莺鹟鹤鹠鹡鹘鹣鹚鹢鹞鸡䴘鹝鹧鹥鸥鸷鹨"
    "鸶鹪鹔鹩鹫鹇鹬鹰鹭鸴䴙㶉鹯鹱鹲鸬鹴鹦鹳鹂鸾卤咸鹾碱盐丽粗麦麸曲面么么黄黉点党黪霉黡黩黾鼋"
    "鳌鳖鼍冬鼹齐斋赍齑齿龀龁龂龅龇龃龆龄出龈啮咬龊龉龋腭龌龙厐庞龚龛龟"
)
_TABLE = str.maketrans(_FROM, _TO)


def _replaced(text: str, words: tuple[tuple[str, str], ...]) -> str:
    """``text`` with each word of a table replaced by its standard one, in table order."""
    for word, standard in words:
        if word in text:
            text = text.replace(word, standard)
    return text


def simplified(text: str) -> str:
    """``text`` with every traditional character that has one simplified form mapped to it, and
    the Cantonese words of :data:`CANTONESE_WORDS` and the dialect words of :func:`mandarin` as
    Mandarin."""
    text = text.translate(_TABLE)
    text = _replaced(text, CANTONESE_WORDS)
    return mandarin(text)


def mandarin(text: str) -> str:
    """Simplified Chinese ``text`` with Shanghainese, Northeastern and Sichuanese words as
    Mandarin (:data:`DIALECT_WORDS`): '侬晓得P-5708摆辣啥地方伐' -> '你知道P-5708摆在什么地方吗'."""
    text = _WU_HOW.sub("怎么样", _SC_DO.sub(r"\1一下", _SC_HOW_MANY.sub("多少", text)))
    text = _replaced(text, DIALECT_WORDS)
    return _WU_END.sub("吗", _WU_AT.sub("在", text))


def henan_mandarin(text: str) -> str:
    """A question's Henan and Shandong words and internet slang as Mandarin
    (:data:`HENAN_WORDS`), without Henan's closing 中不中 and slang's Latin fillers (yyds, dd),
    kc as 库存: '恁帮俺算算银饰一共值几个钱' -> '你帮我算算银饰一共值多少钱'. Read in a question
    (assistant/chat.py ``_question_words``), not in the training writers' questions, which the
    intent models are fitted on as written."""
    text = _KC.sub("库存", _SLANG.sub(" ", _HENAN_TAG.sub("", text))).strip() or text
    text = _replaced(text, HENAN_WORDS)
    return text
