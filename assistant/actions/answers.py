"""A short reply to a waiting action read as "yes" or "no" by its words alone.

The confirm and deny templates know the common words; a manager answers a stated action in
the words of home too: Northeastern and Henan 中 / 整吧 / 得嘞, Shanghainese 好额 / 覅, a bare 要
(after 'draft a PO?'), 妥 / 拉倒 / 算球, Cantonese 係呀 / 唔使, Taiwanese 對啦 / 好喔 (read in
simplified characters too: 對 is 对), Singlish 'can lah', 'ok krub', Taglish 'sige po' / 'teka
lang', Australian 'righto' / 'yeah nah'.
A reply made only of such words (and their particles) is that answer; a reply mixing a yes
with a no ('好 不要了'), or saying anything else, is left to the intent decision. Read only
while an action waits for its answer (中 or 要 alone mean nothing otherwise).

A hold-on ('hang on', 'wait lang', '等一歇', '咪住') is a third answer: the action keeps
waiting, nothing is done, and a later yes carries it out ('hang on' ... 'righto, do it'). The
waiting action's own verb colours a yes without changing it ('中 召吧' to a waiting recall,
'好额 召回'); another action's verb does not (放 to a waiting hold is no yes to it).
"""

from __future__ import annotations

import re
from typing import Literal

from assistant.entities.codes import WORDS_OF_ADDRESS, normalise_text
from assistant.intents.hant import simplified

Answer = Literal["confirm", "deny", "wait"]

# Longest first within each list is not needed: the pattern below sorts by length.
_YES = (
    # Mandarin, regional and written
    "是", "是的", "是啊", "是呀", "对", "对的", "对啊", "对头", "没错", "好", "好的", "好啊",
    "好呀", "好喔", "好哦", "好唷", "没有问题",
    "好吧", "好嘞", "好咧", "好勒", "好哒", "好滴", "好额", "好个", "好嘅", "得嘞", "得勒", "得咧",
    "中", "中中", "老中", "要", "要的", "要得", "妥", "妥了", "妥妥的", "整", "整吧", "整呗",
    "行", "行啊", "行吧", "行呀", "行嘞", "成", "成吧", "成啊", "可以", "可以的", "可以啊",
    "可以呀", "可以额", "没问题", "冇问题", "冇問題", "没毛病", "嗯", "嗯嗯", "嗯呐", "嗯哪",
    "确认", "确定", "确认执行", "同意", "执行", "照办", "办吧", "干吧", "弄吧", "搞吧", "来吧",
    "做吧", "去吧", "走起", "搞掂", "搞定", "就这么办", "就这样",
    # 公文体 (official style): 同意，请予以执行 / 准予执行 / 照此办理
    "请予以执行", "予以执行", "请执行", "准予执行", "照此执行", "照此办理", "批准", "准予",
    "同意执行", "请办理", "请照办",
    # Cantonese
    "係", "係呀", "係啊", "係喇", "系", "系呀", "啱", "啱呀", "啱啦", "得", "得呀", "得啦",
    "好啦", "做啦", "冇所谓", "確認", "確定", "开始吧", "開始吧", "下吧", "落吧",
    # English, with ESL and speech-to-text forms
    "yes", "y", "yeah", "yep", "yup", "ya", "yah", "yea", "yess", "sure", "ok", "okay", "okey",
    "okie", "k", "alright", "all right", "right", "correct", "confirm", "confirmed", "proceed",
    "go", "go ahead", "go on", "do it", "please do", "fine", "of course", "absolutely",
    "definitely", "sounds good", "affirmative", "can", "can can", "sure thing", "yes sir",
    "roger", "copy", "approved", "agreed", "có", "vâng", "dạ", "được", "chắc chắn",
    # Italian; Gulf Arabic-English ('yalla' = go on, 'tamam' = fine); Gen-Z; a thumbs-up
    "si", "sì", "sí", "va bene", "certo", "certo che sì", "certamente", "d'accordo", "vai",
    "procedi", "perfetto", "esatto", "yalla", "tamam", "aiwa", "aywa", "naam", "bet", "ye", "yeh",
    "yas", "say less", "facts", "fs", "for sure", "👍", "👌", "✅", "💯", "🙆",
    # Spanish of bilingual supervisors ('sí, dale')
    "dale", "claro", "claro que sí", "órale", "orale", "ándale", "andale", "sale", "simón",
    "hazlo", "adelante", "de acuerdo",
    # Filipino staff in Taglish ('sige po', 'opo'); Australian and New Zealand staff ('righto',
    # 'no worries, go for it', 'nah yeah' is a yes). An action's own verb ('中 召吧') is no yes
    # here: said to another waiting action it would confirm that one.
    "sige", "sige na", "oo", "opo", "oo naman", "tara", "game", "go na", "ituloy", "ituloy mo",
    "righto", "no worries", "go for it", "too easy", "sweet", "sweet as", "bloody oath",
    "nah yeah",
    # Yorkshire, Northern English and Welsh ('aye, go on', 'reyt, do it', 'crack on', 'iawn');
    # Malay and Indonesian ('ya, boleh', 'ok boleh', 'setuju'); Romanian 'da'; Polish 'dobrze'
    # ('tak' is Polish yes and Malay no: read as neither); Tianjin 得嘞 is above, and 弄 ('do it')
    "aye", "aye go on", "go on then", "reyt", "right then", "crack on", "champion", "iawn",
    "boleh", "ok boleh", "boleh je", "setuju", "teruskan", "jalan", "baik", "baiklah", "da",
    "dobrze", "jasne", "zgoda", "弄", "搞", "办", "确认了",
    # Jamaican ('yeah man, gwaan', 'mek it happen'); Hindi and Urdu ('ji haan', 'haan, kar do',
    # 'theek hai'); Scandinavian and Dutch 'ja', 'ja graag'; a security officer's 'execute';
    # Wu and Cantonese 'just do it so' (就这么弄, 就係咁做), 做
    "yeah man", "ya man", "yes man", "gwaan", "mek it happen", "mek we do it", "haan", "haan ji",
    "ji haan", "kar do", "kardo", "karo", "theek hai", "thik hai", "achha", "acha",
    "bilkul", "ja", "ja graag", "ja tak", "prima", "execute", "proceed with it", "做",
    "就这么弄", "就这么办", "就这样弄", "就係咁做", "就系咁做", "弄好", "弄好了",
    # Southern 'yessir'; Sinhala 'ow'; Nepali 'hajur'; a power user's 'exec' / 'commit';
    # Shanxi 得劲 (good)
    "yessir", "yes maam", "yes ma'am", "ow", "ow ok", "hajur", "exec", "commit", "yes commit",
    "得劲",
    # Urdu 'jee haan' (yes); Nepali 'hunchha', 'huncha' (all right); Nanjing 来斯 (fine, can do);
    # 提交 (submit it), 按这个执行 / 按这个来 (do it as stated)
    "jee haan", "hunchha", "huncha", "来斯", "提交", "按这个执行", "按这个来", "按这个办",
    # Hawaiian Pidgin 'shoots', 'garans' (sure), 'do um' (do it), 'chance um'; London 'safe',
    # 'say less' (above); Greek 'endaxi' (ok), 'malista' (certainly) - not 'nai' (Greek yes,
    # Hindi no: read as neither); Xinjiang and Shaanxi 没麻达 (no problem), Uyghur 亚克西 (good);
    # south-western 冲 (go for it), 要得 (above), 可以咯
    "shoots", "shoots brah", "garans", "garanz", "garans ballbarans", "do um", "do em",
    "chance um", "chance em", "safe", "endaxi", "entaxei", "entaksi", "malista", "没麻达",
    "没嘛达", "莫麻达", "亚克西", "亚克西姆", "冲", "冲啊", "冲冲冲", "搞起",
    # Gansu and Ningxia 对着呢, 成呢 (成 above); romanised Cantonese 'ho', 'dak', 'mo man tai';
    # Korean 네; Persian 'bale', 'areh', 'bashe'; Twi 'aane', Ghanaian 'yoo'; Tamil 'seri',
    # 'aama', Telugu 'avunu' (Persian 'na' is no, and a particle in Hindi and Thai: neither)
    "对着呢", "对着哩", "ho", "ho ah", "ho a", "dak", "dak la", "mo man tai", "네", "네 네", "예",
    "bale", "baleh", "areh", "bashe", "aane", "yoo", "seri", "aama", "avunu", "sari",
    # Macau Portuguese 'sim, pode'; Hebrew 'ken', 'beseder', 'sababa'; Amharic 'awo', 'ishi',
    # Tigrinya 'ewe'; Finnish 'joo', 'kyllä', 'selvä'; Hungarian 'igen', 'persze', 'rendben'
    "sim", "sim sim", "pode", "pode ser", "sim pode", "ken", "ken ken", "beseder", "sababa",
    "awo", "awo awo", "ishi", "eshi", "ewe", "joo", "juu", "kyllä", "kylla", "selvä", "selva",
    "igen", "persze", "rendben", "oké",
    # South African 'yebo', 'sharp (sharp)', 'lekker'; Trinidadian 'ok dan', 'yes boss'; Maltese
    # 'iva', 'ejja', 'mela', 'u le!' (of course); Teochew and Hakka 好势, 着, 係啊
    "yebo", "yebo yebo", "sharp", "sharp sharp", "lekker", "ok dan", "okay dan", "yes boss",
    "iva", "ejja", "mela", "u le", "好势", "好勢", "着", "著", "就照伊", "照伊",
    # Scots 'aye', 'gaun (then)', 'on ye go'; Welsh 'ie', 'go on then'; Japanese 'hai', はい,
    # 'onegaishimasu', お願いします; Korean 'ne'; Taiwanese 可以ㄚ (ㄚ is 啊)
    "aye", "aye aye", "gaun", "gaun then", "on ye go", "ie", "go on", "go on then", "hai",
    "はい", "onegaishimasu", "お願いします", "ne", "ne ne", "ok go", "可以ㄚ",
    # Birmingham 'ar' (yes), 'goo on', 'bostin'' (great); Armenian 'ha', 'ayo', 'lav' (good);
    # Burmese 'hoke-keh', 'hoke-ta' (right, yes); semi-classical 可, 准, 甚好, 即办; Spanish
    # 'vale', 'venga'
    "ar", "arr", "ar ar", "goo on", "bostin", "bostin'", "ha", "ayo", "lav", "lav lav",
    "hoke keh", "hoke-keh", "hoke ta", "hoke-ta", "hoke", "可", "准", "甚好", "即办", "速办",
    "vale", "venga", "vale vale",
    # Quebec 'oui', 'ouais', 'vas-y', "c'est beau", 'parfait', 'enweille' (go on); Swahili
    # and Sheng 'sawa', 'ndio', 'haya', 'poa', 'fiti', 'endelea' (go on), 'fanya' (do it);
    # Gen-Z 'send it'; northwestern 能成, 嫽 (good), 弄 (do it)
    "oui", "ouais", "oui oui", "vas-y", "vas y", "go vas-y", "c'est beau", "cest beau",
    "parfait", "enweille", "envoye", "d'accord", "daccord", "sawa", "sawa sawa", "ndio",
    "ndiyo", "haya", "poa", "fiti", "endelea", "fanya", "send it", "yupp", "能成", "嫽", "嫽咧",
    "弄", "弄吧",
    # Newfoundland 'fire away', 'go ahead the once' (right now); Indian English 'do the
    # needful', Gujarati and Hindi 'chalo' (let's go); German 'genau' (exactly); 'that is
    # correct, make it'; Gan and Fujian 弄下去, 就搞, 安排 (arrange it)
    "fire away", "go on and do it", "do the needful", "chalo", "genau", "that is correct",
    "make it", "弄下去", "就搞", "就弄", "安排", "安排吧", "安排上",
    # Scouse 'sound' (fine), "go 'ed"; Cajun 'for true', 'yeah, you right'; Russian 'davai' (go
    # on); Minnan 就按呢做 (do it so); Wu 做掉, 弄好伊 (get it done); 去做, 做下去
    "sound", "for true", "davai", "就按呢做", "按呢做", "就按呢", "做掉", "弄好伊", "去做",
    "就去做", "you right", "yeah you right", "go 'ed", "go ed", "做下去", "要做",
    # Tianjin 就介么办 (just do it so), north-eastern 整上 (do it)
    "就介么办", "介么办", "就介么着", "整上", "整上吧",
    # Geordie 'wey aye' (of course), 'gan on' / 'gan ahead' (go on); Sylheti 'thik ase' (fine),
    # 'accha'; Boston 'wicked good'; Wuhan 搞撒 / 搞快点 (do it, quick), 冇得问题 (no problem);
    # Jianghuai 照 (fine, can do), 就这么搞; 'confirm it'
    "wey aye", "way aye", "gan on", "gan ahead", "thik ase", "thik ache", "accha",
    "wicked good", "confirm it", "搞撒", "搞快点", "冇得问题", "照", "照照", "照照照", "可照",
    "就这么搞", "这么搞",
    # West Country 'proper job', 'lush'; Shona 'ehe' (yes), 'zvakanaka' (fine); Fuzhou 会使 (can
    # do), 就按这样做; Jin 闹哇 (do it); 'go on ahead'
    "proper job", "lush", "ehe", "ehe ehe", "zvakanaka", "会使", "就按这样做", "按这样做",
    "闹哇", "闹吧", "弄去", "go on ahead",
    # Ghanaian 'ampa' (true, yes); Sinhala 'ow' (yes); Wenzhou 弄爻 (get it done); Malaysian
    # 酱紫做 (do it like this); 确认掉
    "ampa", "ampa ampa", "ow", "ow ow", "弄爻", "弄爻它", "做爻", "酱紫做", "酱紫", "就酱紫",
    "确认掉",
    # Cockney 'sorted', 'crack on'
    "sorted", "crack on",
    # Luganda 'kale' (OK); Xinjiang 歹 / 歹得很 (great); 弄掉; Shuibei 出吧; 'reckon so';
    # 'awright', 'cool'; Bajan and Guyanese 'do it nuh' (nuh a tag there, not the patois no)
    "kale", "kale kale", "歹", "歹得很", "歹的很", "弄掉", "出吧", "reckon so", "i reckon so",
    "awright", "aight", "cool", "do it nuh", "go ahead nuh",
    # Nyanja 'eya', Fijian 'io'; live-stream 冲 (go), 弄起来, 确认上
    "eya", "eya eya", "io", "冲", "冲冲冲", "弄起来", "确认上",
    # Harbin 杠杠的 (great), 整吧 / 妥了 (do it, settled); factory 按流程走 (go by the process);
    # corporate 落地 / 推进 (land it, push on); Liberian 'carry on'; Belizean 'da good', 'mek it
    # happen'; Bisaya 'oo' (yes)
    "杠杠的", "整吧", "整", "妥了", "按流程走", "落地", "推进", "对齐了", "carry on", "da good",
    "mek it happen", "make it happen", "oo", "oo oo",
    # Scots 'on you go' (go ahead); Gaelic 'seadh' (yes); Gujarati 'barabar' (right), Hindi
    # 'haa' and 'chalo' (let's go); Jamaican 'irie' (all good), 'a suh' / 'a so' (just so);
    # 送出, 执行, 搞定它, 走流程 (submit, execute, get it done, go through the process)
    "on you go", "on ye go", "seadh", "barabar", "barabar hai", "haa", "chalo", "irie",
    "a suh", "a so", "送出", "执行", "搞定它", "走流程", "收到",
    # Krio 'na so' (that's it), 'confirm am' (confirm it); Maritime 'right on', 'give 'er' (go
    # for it); Pittsburgh 'go 'head'; Tibetan 哦呀 (all right) and 亚古都 (good); report-style
    # 明白 (understood), 按此执行, 立即执行, 就这样办
    "na so", "confirm am", "right on", "give 'er", "give er", "go 'head", "哦呀", "亚古都",
    "明白", "按此执行", "立即执行", "就这样办",
    # Mauritian Kreol 'dakor' (all right); Tok Pisin 'em nau' (that's it); custody officers'
    # 同意执行, 确认办理 (agreed, carry it out)
    "dakor", "em nau", "同意执行", "确认办理",
    # Xuzhou and Henan 管 / 可管 (all right), 弄吧 (do it), 就这样; Baltimore 'send it (on)
    # through'
    "管", "可管", "管管", "弄吧", "就这样", "send it on through", "send it through",
    # Norfolk 'yis' (yes), 'go you on' (go on), 'dew it' (do it), "thas right"; a quality
    # engineer's 'proceed as stated'
    "yis", "yis yis", "go you on", "dew it", "dew that", "thas right", "tha's right",
    "proceed as stated",
)
_NO = (
    # Mandarin, regional and written
    "不", "不要", "不要了", "不用", "不用了", "不中", "不行", "不成", "不好", "不了", "不必",
    "不整了", "不弄了", "不干了", "不做了", "别", "别了", "别整了", "别弄了", "别做了", "甭",
    "甭了", "甭整了", "算了", "算了吧", "拉倒", "拉倒吧", "算球", "算球了", "算逑", "免了",
    "先不", "先不要", "先别", "暂时不要", "取消", "取消吧", "否", "不是", "停", "再说",
    "以后再说", "覅", "覅了", "勿要", "勿要了", "勿用", "不对",
    # Cantonese
    "唔好", "唔要", "唔使", "唔使了", "唔得", "咪", "唔係", "冇需要", "算啦",
    # Scots 'naw', 'nae chance'; Japanese 'iie', いいえ; Korean 'aniyo'
    "naw", "nae chance", "nae", "iie", "いいえ", "aniyo", "aniyo cancel",
    # English, with ESL forms
    "no", "nope", "nah", "cancel", "cancel it", "cancel that", "stop", "abort",
    "don't", "dont", "do not", "not yet", "not now", "never mind",
    "nevermind", "forget it", "later", "cannot", "can't", "cant", "negative", "no thanks",
    "không", "khong", "skip it", "n", "leave it", "leave it open", "hold off", "hold off on that",
    "hold off on it", "not today",
    "mai", "mai ao",
    # Italian; Gulf Arabic-English ('mafi' = there is none); Gen-Z; a thumbs-down
    "no grazie", "non ancora", "non ora", "lascia stare", "lascia perdere", "annulla",
    "mafi", "nah fam", "hard pass", "pass", "👎", "❌", "🙅",
    # Spanish; the verb's own no (不锁了 after 'lock G-3237': 锁 = hold)
    "mejor no", "todavía no", "todavia no", "ahorita no", "déjalo", "dejalo", "cancela",
    "不锁了", "不锁", "别锁了", "别锁", "先不锁", "不冻结了", "不扣了",
    # Taglish ('huwag muna': not yet); 'yeah nah' (Australia: no)
    "hindi", "hindi pa", "huwag", "huwag muna", "wag", "wag muna", "mamaya na", "yeah nah",
    "先不确认", "不确认",
    # Yorkshire 'nay'; Malay and Indonesian ('tak nak', 'jangan', 'tak payah', 'batal'); Romanian
    # 'nu'; Polish 'nie'; Tianjin and Northern 甭弄了, 别弄了
    "nay", "tak nak", "taknak", "tak mau", "tak payah", "tak usah", "jangan", "tidak", "batal",
    "belum", "nu", "nie", "甭弄", "甭弄了", "甭办了", "甭搞了",
    # Hindi and Urdu ('nahi, rehne do', 'mat karo'); Jamaican 'nuh badda'; Scandinavian and
    # Dutch 'nej', 'nei', 'nee'
    "nahi", "nahin", "nahi ji", "rehne do", "mat karo", "nuh badda", "nuh bodda", "nuh", "nej",
    "nei", "nee",
    # 先别弄 (don't do it yet): a no, though 弄 alone is a yes
    "先别弄", "别弄", "先不弄", "不弄", "hoina", "naha",
    # London 'allow it' (leave it), Greek 'ochi', Pidgin 'no can', south-western 算咯
    "allow it", "nah allow it", "ochi", "oxi", "no can", "算咯", "算啰", "莫搞", "莫弄",
    # romanised Cantonese 'm sai', 'm ho'; Gansu 嫑; Korean 아니요; Persian 'kheyr'; Twi 'daabi',
    # Ghanaian 'leave am'; Tamil 'illa', 'vendam', Telugu 'ledu'
    "m sai", "m sai la", "m ho", "唔使啦", "嫑", "嫑了", "아니요", "아니", "kheyr", "nah kheyr",
    "daabi", "leave am", "illa", "vendam", "venda", "ledu",
    # Portuguese 'não'; Hebrew 'lo'; Amharic 'aydelem', 'yelem', Tigrinya 'aykonen'; Finnish
    # 'ei'; Hungarian 'nem'
    "não", "nao", "não pode", "lo", "lo lo", "aydelem", "aydelle", "yelem", "aykonen", "ei",
    "ei kiitos", "nem", "nem kell",
    # Zulu and Xhosa 'cha', 'hayi'; Trinidadian 'doh do dat'; Teochew and Hakka 毋爱, 唔爱, 免
    "cha", "hayi", "doh", "doh do dat", "doh do dat yet", "doh do it", "nah man", "毋爱", "毋愛",
    "唔爱", "免了",
    # Armenian 'che', 'voch'; Burmese 'ma-lo-bu' (not needed), 'ma-hoke-bu' (not right);
    # semi-classical 作罢, 不可, 勿办; Birmingham 'no ta'
    "che", "che che", "voch", "ma-lo-bu", "ma lo bu", "ma-hoke-bu", "ma hoke bu", "作罢",
    "不可", "勿办", "no ta",
    # Quebec 'non', 'laisse faire', 'oublie ça', 'pas tout de suite'; Swahili 'hapana',
    # 'acha', 'wacha', 'usifanye' (don't); northwestern 算咧, 甭弄
    "non", "non merci", "laisse faire", "oublie ça", "oublie ca", "pas tout de suite",
    "pas maintenant", "hapana", "acha", "wacha", "usifanye", "算咧", "甭弄",
    # Xuzhou 不管 (no good, never mind)
    "不管", "不管了",
    # Gan and Fujian 不搞了, 不要弄了
    "不搞了", "不搞", "不要弄了", "不要弄", "别搞了",
    # telegram style 不办, 暂不; Jianghuai 不照 (no good), Wuhan 莫搞 (above) and 冇得 (no)
    "不办", "暂不", "不照", "冇得",
    # Norfolk 'leave that be'; a quality engineer's 'do not proceed', 'rejected'; 先搁着 (put it
    # aside for now)
    "leave that be", "leave it be", "do not proceed", "don't proceed", "rejected", "先搁着",
    "先搁着吧",
)
# A hold-on: the action keeps waiting for its yes or no ('yeah nah hang on' is a hold-on too).
_WAIT = (
    "wait", "wait a sec", "wait a second", "wait a minute", "wait a moment", "hold on",
    "hang on", "hang on a sec", "hold up", "one sec", "one moment", "just a sec", "just a moment",
    "sec", "a sec", "hold your horses", "aspetta", "un attimo", "un momento", "espera",
    "espérate", "esperate", "momento", "teka", "teka muna", "sandali", "sandali lang",
    # Mandarin, Shanghainese and Northeastern (等一歇, 慢着), Cantonese (咪住, 等阵)
    "等等", "等一下", "等一等", "等下", "稍等", "稍等一下", "等一歇", "等歇", "慢着", "慢点",
    "等会", "等会儿", "等一会", "等一会儿", "且慢", "咪住", "等阵", "等陣", "等一阵",
    # a radio's 'stand by'; Malay and Indonesian 'tunggu sekejap', 'nanti dulu'; Polish 'czekaj'
    "stand by", "standby", "tunggu", "tunggu sekejap", "tunggu dulu", "tunggu kejap", "sekejap",
    "kejap", "nanti dulu", "czekaj", "chwila", "chwileczkę", "stai", "așteaptă", "asteapta",
    # Hindi 'ruko', 'ek minute'; Jamaican 'hol on'; Dutch 'wacht even', Scandinavian 'vänta',
    # 'vent litt'; radio 'stand by one'; 等一下下
    "ruko", "ruko zara", "ek minute", "ek second", "hol on", "hol up", "wacht", "wacht even",
    "vänta", "vanta", "vent", "vent litt", "stand by one", "standby one", "等一下下", "等下下",
    # Shanxi 等一哈; Arabic 'istanna (shwaya)'; a power user's 'pause'; 'wait one sec'
    "等一哈", "等一哈哈", "等哈", "istanna", "istanna shwaya", "pause", "wait one sec",
    # Pidgin 'wait little bit'; Greek 'mia stigmi', 'perimene'; south-western 等下子, 歇一哈
    "wait little bit", "wait one little bit", "hold up brah", "mia stigmi", "stigmi",
    "perimene", "等下子", "等一下子", "歇一哈", "歇一下", "歇哈",
    # Gansu 等一哈子; romanised Cantonese 'dang dang', 'dang yat jan'; Korean 잠깐만요; Persian
    # 'ye lahze', 'sabr kon'; Ghanaian 'wait small'; Tamil 'konjam wait'; 'one minute'
    "等一哈子", "dang dang", "dang yat jan", "dang jan", "잠깐만요", "잠깐만", "잠깐", "ye lahze",
    "sabr kon", "wait small", "konjam wait", "konjam", "one minute", "a minute",
    # Portuguese 'espere', 'um momento'; Hebrew 'rega', 'rak rega'; Amharic 'koy'; Finnish
    # 'hetki', 'odota'; Hungarian 'várj', 'egy pillanat'
    "espere", "um momento", "um minuto", "rega", "rak rega", "rega rega", "koy", "koy koy",
    "hetki", "odota", "odota hetki", "várj", "varj", "egy pillanat", "pillanat",
    # Trinidadian 'hol' strain' (easy, wait); Maltese 'stenna'; Teochew 慢且; 你等下, 你先等等
    "hol' strain", "hold strain", "stenna", "stenna ftit", "慢且", "慢且慢", "你等下", "你等等",
    "你先等等", "先等等", "先等一下",
    # Scots 'haud on', 'gie's a wee minute'; Welsh 'hang on by there', 'now in a minute';
    # Japanese 'chotto matte', 少々お待ちください; Korean 'jamkkanman'; Taiwanese 等咧
    "haud on", "gie's a wee minute", "gies a wee minute", "a wee minute", "wee minute",
    "hang on by there", "now in a minute", "chotto matte", "ちょっと待って", "少々お待ちください",
    "少々お待ち下さい", "jamkkanman", "等咧", "等一咧",
    # Burmese 'khana (saunt)' (wait a moment); 'let me check' and 我问一下 (I'll ask first)
    "khana", "khana saunt", "khana sa", "let me check", "let me check first", "i check first",
    "i'll check first", "我问一下", "我先问一下", "我问问", "我先问问",
    # Quebec 'attends (une seconde)', 'wo minute'; Swahili 'subiri (kidogo)', 'ngoja'
    "attends", "attends une seconde", "attends une minute", "une seconde", "une minute",
    "wo minute", "woh minute", "subiri", "subiri kidogo", "ngoja", "ngoja kidogo", "慢些",
    # 'moment (please)', German 'Moment'
    "moment", "moment please", "einen moment",
    # Wu 慢慢叫 (easy, not yet); telegram style 等, 候示 (await word); Shona 'mira' (wait); West
    # Country 'hang on a mo'; Jin 等一阵阵
    "慢慢叫", "等", "候示", "mira", "mira kidogo", "mira one minute", "hang on a mo", "a mo",
    "等一阵阵", "等一阵子", "let me check something",
    # Ghanaian 'hold on small'; Wenzhou 慢慢 (not yet), 我问下 (I'll ask first); I'll have a look
    # first (我看看, Henan 我瞅瞅); Malaysian 一下下
    "hold on small", "wait small small", "慢慢", "我问下", "我看看", "我看一下", "我瞅瞅",
    "我瞅一瞅", "一下下",
    # Cockney ''old up (a sec)', 'hang about'
    "'old up", "'old up a sec", "old up", "hang about", "hang about a sec",
    # Luganda 'mpola' (slowly); 'let me first check', 'wait a bit', 'hol' on a second';
    # 我问下老板 (I'll ask the boss first)
    "mpola", "mpola mpola", "let me first check", "wait a bit", "hol' on a second",
    "hol on a second", "hold on a second", "我问下老板", "我问一下老板", "我问问老板",
    # 我看下 (I'll have a look: 我看下后台); Bisaya 'kadiyot' (a moment)
    "我看下", "我看下后台", "kadiyot", "kadiyot lang",
    # 'a moment' ('a moment dai, let me check first')
    "a moment", "a moment please",
    # Scots 'wait you the now' (you wait a moment)
    "wait you", "wait you the now",
    # Maritime 'hold on now bud, let me look first'
    "hold on now", "let me look", "let me look first",
    # 稍候 (a moment); Tok Pisin 'wait liklik' (wait a little)
    "稍候", "稍候片刻", "wait liklik",
    # Norfolk 'hold you hard' (wait), Manchester 'hang fire'; a night captain's 稍等 核实
    "hold you hard", "hang fire", "稍等 核实", "稍等核实",
)
# Particles and politeness that colour an answer without changing it.
_PARTICLES = (
    "吧", "啊", "呀", "啦", "喇", "了", "的", "哈", "呗", "噢", "哦", "咯", "嘛", "呢", "先",
    "please", "pls", "plz", "thanks", "thank you", "la", "lah", "leh", "ka", "kha", "krub",
    "khrap", "krap", "na", "ah", "sir", "boss", "now", "then", "just", "请", "谢谢",
    "住", "hmm", "hm", "actually", "for now", "喔", "唷", "耶", "捏",
    # Italian politeness, 'inshallah' (God willing: colours an answer, is none alone), Gen-Z
    # filler and emoji that are neither yes nor no
    "grazie", "per favore", "pure", "allora", "dai", "inshallah", "insha allah", "inshaallah",
    "habibi", "bro", "fr", "ngl", "rn", "lol", "lmao", "bruh", "fam", "tho", "fr fr", "🙏",
    "😂", "🤣", "🔥", "😅", "🙂", "😊",
    # Spanish fillers and politeness
    "oye", "pues", "ahorita", "porfa", "gracias",
    # Taglish politeness ('po', 'lang', 'naman'); 'mate'; Northern 'love', 'like', 'ta';
    # Malay 'dulu', 'terima kasih'; Tianjin 您内; Polish 'proszę', 'dzięki'; Romanian 'mulțumesc'
    "po", "lang", "naman", "nga", "salamat", "mate", "love", "like", "ta", "cheers", "dulu",
    "terima kasih", "您内", "proszę", "prosze", "dzięki", "dzieki", "mulțumesc", "multumesc",
    # Hindi 'bhai', 'yaar'; Dutch 'graag'; 侬 (you) and 嘞 (a Wu ending)
    "bhai", "yaar", "ji", "graag", "侬", "嘞",
    # Sri Lankan 'machan', 'aney', 'itself'; Nepali 'didi' ('dai' is above); Singapore 'lor';
    # 哇; 'shwaya'
    "machan", "aney", "itself", "didi", "lor", "哇", "shwaya",
    # words of address (WORDS_OF_ADDRESS: 'bruv', 'chale', 'lotfan'...), London 'blud', Pidgin
    # 'brah', Ghanaian 'ebi', Persian 'merci'; Thai ครับ / ค่ะ; 哩 and 嗫 (呢)
    *WORDS_OF_ADDRESS, "blud", "brah", "ebi", "merci", "ครับ", "ค่ะ", "哩", "嗫",
    # Maritime 'bud', 'the once' (right away); Pittsburgh 'n'at'; 'dear'; report-style
    # 完毕 (over)
    "bud", "the once", "n'at", "dear", "完毕",
    # Philadelphia 'jawn' (that thing); Tok Pisin 'tenkyu' (thank you); 老板 (boss); a custody
    # officer's check before the yes: 核对无误, (双人)复核无误 (checked, nothing wrong)
    "that jawn", "jawn", "tenkyu", "老板", "核对无误", "复核无误", "双人复核无误",
    # Llanito 'chacho' (mate); Baltimore 'hon'
    "chacho", "hon",
    # Norfolk 'bor' (neighbour: mate), Manchester 'our kid'
    "bor", "our kid",
    # Portuguese 'obrigado', 'por favor'; Hebrew 'achi'; Finnish 'kiitos'; Hungarian 'köszi'
    "obrigado", "obrigada", "por favor", "achi", "kiitos", "köszi", "koszi", "köszönöm",
    # Welsh 'bach', Japanese 'sumimasen', Korean 'juseyo', Zhuyin ㄚ (啊) and ㄛ (哦)
    "bach", "sumimasen", "juseyo", "ㄚ", "ㄛ",
    # Armenian 'spasi' (thanks), 'jan' (dear); 旳 (的 as a handwriting pad writes it)
    "spasi", "jan", "旳",
    # Quebec 'ben', 'là', 'svp'; Swahili 'tafadhali', 'asante'; Sheng 'bana', 'msee',
    # 'manze'; northwestern 咧
    "ben", "là", "svp", "tafadhali", "asante", "bana", "msee", "manze", "咧",
    # Newfoundland 'the once' (right away); Hokkien 歹势 (sorry)
    "the once", "歹势",
    # Scouse 'our kid' (brother), Cajun 'cher' (dear) and 'mais'; Wu 个 closing a word (可以个,
    # 行个); Minnan 有影 (truly)
    "our kid", "cher", "个", "mais", "有影",
    # New Zealand 'chur' (thanks, cool); 'thx'; Geordie 'howay' (come on), 'pet', 'hinny';
    # 'kid'; Boston 'guy'; Sylheti 'apa' (sister); Wuhan 撒 closing a word (搞快点撒)
    "chur", "thx", "howay", "pet", "hinny", "kid", "guy", "apa", "撒",
    # West Country 'my lover', 'my 'ansum'; Shona 'shamwari' (friend)
    "my lover", "my 'ansum", "my ansum", "shamwari",
    # Ghanaian 'paa' (very); Sinhala 'ehema' (like that); Henan 恁 (you); Cockney 'guv'
    "paa", "ehema", "恁", "guv",
    # Luganda 'ssebo' (sir), 'nyabo' (madam); Nyanja 'bane' (friend); Guyanese 'bai'; Fijian
    # 'vinaka' (thanks), 'mada' (please)
    "ssebo", "nyabo", "bane", "bai", "vinaka", "mada",
    # Liberian 'my man' and a closing 'oh'; Belizean 'bwai'; Bisaya 'lagi'; Urdu 'jee' (the
    # polite 'ji': 'hold on jee', 'jee, go ahead')
    "my man", "oh", "bwai", "lagi", "jee",
    # Gaelic 'tapadh leat' (thank you); Chongqing 噻 closing a word (可以噻); 'man' (yeah man)
    "tapadh leat", "噻", "man",
)


#: Every yes, no and hold-on word, in every language.
ANSWER_WORDS: tuple[str, ...] = (*_YES, *_NO, *_WAIT)


def _alternation(words: tuple[str, ...]) -> str:
    """The words as one alternation, longest first; a Latin word must end where its word ends
    ('no' is not the start of 'now')."""
    return "|".join(re.escape(w) + (r"(?![a-z'])" if w[-1].isascii() else "")
                    for w in sorted(set(words), key=len, reverse=True))


# An action's own verbs ('中 召吧' to a waiting recall): read as particles while that action
# waits, and only then.
_VERBS: dict[str, tuple[str, ...]] = {
    "hold_lot": ("hold", "hold it", "lock", "lock it", "freeze", "freeze it", "锁", "锁上",
                 "锁了", "锁定", "冻结", "扣", "扣住", "扣下", "扣上", "封", "封存", "hold na",
                 "冻上", "冻住", "冻起来"),
    "release_lot": ("release", "release it", "unlock", "unlock it", "free it", "放", "放出来",
                    "放了", "放行", "解冻", "解锁", "释放", "解除"),
    "recall_lot": ("recall", "recall it", "召", "召回", "回收", "recall na"),
    "reserve_for_order": ("reserve", "reserve it", "allocate", "allocate it", "留", "留货", "预留",
                          "占", "分配", "配货"),
    "start_cycle_count": ("count", "count it", "start", "start it", "盘", "盘点", "点", "数",
                          "开始", "开", "开单"),
    "acknowledge_alert": ("acknowledge", "acknowledge it", "ack", "ack it", "收到", "知道了"),
    "draft_purchase_order": ("draft", "draft it", "raise it", "order", "order it", "下单", "下",
                             "开单", "建单", "采购", "开"),
}


def action_verbs(intent: str) -> tuple[str, ...]:
    """The words that name the action ``intent`` ('召回', 'recall' for a recall), or ()."""
    return _VERBS.get(intent, ())


def _kinds(words: dict[str, tuple[str, ...]]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((kind, re.compile(_alternation(w), re.IGNORECASE)) for kind, w in words.items())


# Each kind of word; at each place the longest word of any kind is read ('no worries' is a
# yes, not 'no' and then 'worries').
_KINDS = _kinds({"no": _NO, "yes": _YES, "wait": _WAIT, "p": _PARTICLES})
# While an action waits: the same yes, no and wait, with its verbs among the particles.
_KINDS_WAITING = {action: (*_KINDS[:-1], *_kinds({"p": (*_PARTICLES, *verbs)}))
                  for action, verbs in _VERBS.items()}
# Emoji variation selectors, joiners and skin tones ('👍🏽' is '👍').
_MODIFIERS = re.compile("[\uFE0F\u200D\U0001F3FB-\U0001F3FF]")
_SEPARATORS = re.compile(r"[\s,，.。!！?？~～、;；:：…\-]+")


def _skip(words: str, position: int) -> int:
    """The position after any spaces and punctuation at ``position``."""
    found = _SEPARATORS.match(words, position)
    return found.end() if found else position


def short_answer(text: str, waiting: str | None = None) -> Answer | None:
    """"confirm" when ``text`` is made only of yes words, "deny" only of no words, "wait" of
    hold-on words (with or without a no: 'no wait', 'yeah nah hang on'), with particles and
    the verbs of the action ``waiting`` (its intent), as written or in simplified characters
    (對啦 is 对啦, 確認，執行吧 确认执行吧); None for anything else (a mixed reply, a question, an
    empty one)."""
    kinds = _KINDS_WAITING.get(waiting or "", _KINDS)
    return _short_answer(text, kinds) or _short_answer(simplified(normalise_text(text)), kinds)


def _short_answer(text: str, kinds: tuple[tuple[str, re.Pattern[str]], ...]) -> Answer | None:
    """``short_answer`` of ``text`` as written."""
    said: set[str] = set()
    words = " ".join(_MODIFIERS.sub("", text.lower()).split())
    position = _skip(words, 0)
    while position < len(words):
        found = [(m.end(), kind) for kind, pattern in kinds
                 if (m := pattern.match(words, position)) is not None]
        if not found:
            return None
        end, kind = max(found)
        if kind != "p":
            said.add(kind)
        position = _skip(words, end)
    if said == {"yes"}:
        return "confirm"
    if said == {"no"}:
        return "deny"
    if "wait" in said and "yes" not in said:
        return "wait"
    return None


# A hold-on opening a reply's first clause, and what follows it there
_WAIT_START = re.compile(r"^(?:hold on|hang on|hold up|wait|one sec|one moment|just a sec|"
                         r"a moment|等一下|等等|稍等)(?![a-z])\s*(.*)$")
_OPENING = re.compile(r"^([^,，。.;；!！?？]+)[,，。.;；!！]+\s*(\S.*)$", re.DOTALL)
# What asks for something else to be done ('no, recall it instead', '不要，改成召回')
_OTHER_ASK = re.compile(r"(?<![a-z])(?:hold|release|recall|reserve|allocate|count|acknowledge|"
                        r"ack|draft|raise|instead|rather)(?![a-z])|扣|放行|召回|预留|盘点|下单|"
                        r"采购|改|换")


def leading_answer(text: str, waiting: str | None = None) -> Answer | None:
    """A no or a hold-on that opens a reply, its reason after it ('che, leave it for
    security', 'ma-lo-bu, customer not pay yet', 'khana saunt, I check with Ko Min first'):
    that answer. None when the reply opens with anything else or with a yes (a yes with more
    words may ask for something else to be done), or when the rest names a number or a code
    or asks for another action ('no, recall it instead'): the intent decision reads those."""
    opening = _OPENING.match(text.strip())
    if opening is None or re.search(r"\d", text) \
            or _OTHER_ASK.search(opening.group(2).lower()):
        return None
    said = short_answer(opening.group(1), waiting)
    if said is None and (start := _WAIT_START.match(opening.group(1).strip().lower())):
        # 'hold on <a word of address it does not know>, checking something' still holds on
        said = "wait" if len(start.group(1).split()) <= 1 else None
    return said if said in ("deny", "wait") else None
