"""Callers giving their own name where no capital marks it: "my name is" and "I am" in Chinese, Japanese, Korean,
Arabic, Urdu, Hindi, Bengali, Hebrew and Thai, and the Korean, Chinese and Japanese self-introductions with a
common surname first ("김지현이에요", "我是林怡君", "…の佐藤由美子です"). :func:`names` of
charter.guards.pii.names yields these besides the capitalised runs it reads."""

from __future__ import annotations

import re
from collections.abc import Iterator

from charter.guards.pii.hits import Hit

__all__ = ["own_names"]

#: The syllables that open the commonest Korean surnames.
_KO_SURNAMES = ("김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허유남심노하곽성차주우구민진나지엄채원천방공"
                "현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용예경봉사부")
#: Japanese surnames (the sixty most common), for a name before "です" with no "私は".
_JP_SURNAMES = ("佐藤|鈴木|高橋|田中|伊藤|渡辺|渡邊|山本|中村|小林|加藤|吉田|山田|佐々木|山口|松本|井上|木村|斎藤|斉藤|"
                "清水|山崎|池田|橋本|阿部|石川|山下|中島|石井|小川|前田|岡田|長谷川|藤田|後藤|近藤|村上|遠藤|青木|坂本|"
                "福田|太田|西村|藤井|金子|岡本|藤原|中野|三浦|原田|松田|竹内|中川|小野|田村|中山|和田|石田|森田|上田")
#: Words after Hindi's "my name" that say where the name is or is not, not what it is.
_HI_NOT_A_NAME = "(?:में|नहीं|पर|से|को|का|की|के|लिस्ट|सूची|वोटर|भी)(?:\\s|$)"
#: Three syllables opening a Korean question before "it is" that are a place or a role, not a caller's name.
_KO_NOT_A_NAME = ("(?:남양주|의정부|사무실|공무원|대학생|고등학|중학생|초등학|회사원|자영업|주부|학부모|"
                  "세입자|집주인|외국인|장애인|임산부|신혼부|한부모|기초수|차상위|구청|시청|동사무)")
#: Chinese surnames, simplified and traditional (the hundred most common).
_CN_SURNAMES = ("王李张張刘劉陈陳杨楊黄黃赵趙吴吳周徐孙孫马馬朱胡郭何林高罗羅郑鄭梁谢謝宋唐许許韩韓冯馮邓鄧曹彭曾"
                "肖萧蕭田董潘袁蔡蒋蔣余于杜叶葉程魏苏蘇吕呂丁任卢盧姚沈钟鍾姜崔谭譚陆陸范汪廖石金韦韋贾賈夏付傅方"
                "邹鄒熊白孟秦邱侯江尹薛段雷黎史龙龍陶贺賀顾顧毛郝龚龔邵万萬钱錢严嚴洪武戴莫孔向汤湯柯游詹賴赖")
#: What a Chinese "I am" is followed by that is no name though it opens with a surname's letter: a student, a
#: tenant, a single parent, an overseas Chinese, a resident from the mainland.
_CN_NOT_A_NAME = ("(?:高中生|高三|高二|高一|大学生|大學生|单亲|單親|华侨|華僑|陆配|陸配|房客|金融|石油|"
                  "白领|白領|江苏|江蘇|台湾人|台灣人|马来西亚|馬來西亞|新住民|游客|遊客|程序员|程式|史上)")
#: A name given after "my name is" in Chinese, Japanese or Korean: "我叫陈晓梅", "我的名字是王伟",
#: "私は佐藤美咲と申します", "제 이름은 김민수" (two to four Han or Hangul letters; Japanese with its "と申します" or
#: "です" after it, Korean before its "입니다").
_CJK_OWN_NAME = re.compile(r"(?:我叫|我的名字是|我名叫|本人叫)([\u4e00-\u9fff]{2,4})"
                           # "我女儿叫林晓彤": my daughter, son, child, husband, wife, mother or father is called
                           rf"|(?:女儿|女兒|儿子|兒子|孩子|老公|老婆|妻子|丈夫|妈妈|媽媽|爸爸|母亲|母親|父亲|父親)叫"
                           rf"([{_CN_SURNAMES}][\u4e00-\u9fff]{{1,2}})"
                           # "我老豆李志強, 身份證…" (a full-width comma): "my" and a relative (Cantonese
                           # "老豆", "阿媽" too), then a surname and a given name up to a comma or a space
                           rf"|我(?:嘅)?(?:老豆|老竇|老爸|阿爸|爸爸|父亲|父親|阿媽|老母|妈妈|媽媽|母亲|母親|老公|老婆|丈夫|妻子|"
                           rf"太太|先生|儿子|兒子|女儿|女兒)([{_CN_SURNAMES}][\u4e00-\u9fff]{{1,2}})(?=[\uff0c,、\s])"
                           r"|(?:私は|わたしは)([\u4e00-\u9fff]{2,4})(?=と申します|です)"
                           # "。佐々木美咲といいます": a name in kanji opening its sentence, before "is called"
                           r"|(?:(?<=[。、\s])|^)([\u4e00-\u9fff\u3005]{2,5})(?=といいます|と申します)"
                           r"|제\s*이름은\s*([\uac00-\ud7a3]{2,4}?)(?=입니다|이에요|예요|이고|[\s,.]|$)"
                           # "이름은 김서연입니다" without "제": a surname's syllable first ("앱 이름은 정부24" is none)
                           rf"|(?<!제 )(?<!제)이름은\s*([{_KO_SURNAMES}][\uac00-\ud7a3]{{1,2}})"
                           r"(?=입니다|이에요|예요|이고)"
                           # "안녕하세요 김민준입니다", "저는 박서연이에요", "저 김하은이고": a greeting or "I",
                           # then a Korean surname's syllable and a given name before "it is" (not "세무서입니다",
                           # the tax office)
                           # ("저는 김순자이고 주민번호 …": "and", going on to the number)
                           rf"|(?:안녕하세요[.,!]?\s*|저는\s*|(?<![\uac00-\ud7a3])저\s+)(?!{_KO_NOT_A_NAME})"
                           rf"([{_KO_SURNAMES}][\uac00-\ud7a3]{{1,2}})"
                           # ("저는 박순자 이고 주민번호 …": typed with a space before "and")
                           r"(?=\s?(?:입니다|이에요|예요|이고\s|이고요)|고\s+(?:주민|연락|전화|휴대|생년|이메일|여권))"
                           # "김지현이에요 주민번호 …": a question that opens with a surname's syllable, a given
                           # name and "it is" (the caller introducing themselves)
                           # (three syllables, not a place, a role or a body: "서울이에요", "사무실입니다",
                           # "국세청입니다")
                           rf"|^\s*(?!{_KO_NOT_A_NAME})([{_KO_SURNAMES}][\uac00-\ud7a3][\uac00-\ud7a3](?<![청처부과]))"
                           r"(?=(?:이에요|예요|입니다)[\s,.!~])"
                           # "我是林怡君, 身分證…" (a full-width comma): "I am" (Cantonese "我係"), a Chinese
                           # surname and one or two letters, a comma (not "我是高中生", "我是學生":
                           # :data:`_CN_NOT_A_NAME`); also right after "你好" (hello);
                           # "我是考生王梓涵 身份证…": a role between them (an examinee, a parent, an owner)
                           rf"|(?:^|(?<=[。\uff0c,\uff01!\uff1f?\s好]))(?:我是|本人是|我係|本人係)(?:考生|家长|家長|申请人|申請人|业主|業主|租户|租戶|患者|车主|車主)?(?!{_CN_NOT_A_NAME})([{_CN_SURNAMES}]"
                           r"[\u4e00-\u9fff]{1,2})(?=[\uff0c,。\s])"
                           # "電話090-4821-7736の佐藤由美子です", "。鈴木 美咲です": a common surname and a
                           # given name (a space between them or not) before "it is"
                           # after "of" or a clause's start (not "区役所の担当です": no surname)
                           rf"|(?:^|(?<=[。、\sの]))((?:{_JP_SURNAMES})[ \u3000]?[\u4e00-\u9fff\u3041-\u3096]{{1,3}})"
                           r"(?=です|と申します)"
                           # "。佐藤美咲、マイナンバー …": kanji opening a clause before a personal datum's word (not
                           # "氏名、住所、電話番号": the fields of a form)
                           r"|(?:^|(?<=[。、\s]))(?!氏名|名前|住所|電話|生年月日|性別|年齢|職業|連絡先|書類|必要|本人|"
                           r"申請|世帯|勤務先|学校|保護者)([\u4e00-\u9fff\u3005]{2,5})"
                           r"(?=、(?:マイナンバー|個人番号|住所|電話|携帯|生年月日|メール|連絡先))"
                           # "名前 山本 彩香 です", "氏名 (a full-width colon) 佐藤美咲、": a form's name label, then a
                           # common surname and a given name
                           rf"|(?:名前|氏名)\s*[:\uff1aは]?\s*((?:{_JP_SURNAMES})[ \u3000]?"
                           r"[\u4e00-\u9fff\u3041-\u3096]{1,3})(?=\s*(?:です|、|。|,|$))"
                           # "이름 박준호, 주민번호 …", "이름: 김서연,": Korean "name" as a label, a surname's
                           # syllable and a given name, then a comma (not "이름 변경 신청": a name change)
                           rf"|(?<![\uac00-\ud7a3])이름\s*[:\uff1a]?\s*([{_KO_SURNAMES}][\uac00-\ud7a3]{{1,2}})"
                           r"(?=\s*[,\uff0c]|입니다)"
                           # "グエン・ヴァン・ナムです": a foreign name in katakana, its parts joined by "・"
                           r"|(?<![\u30a1-\u30fc・])([\u30a1-\u30f4\u30fc]{2,}(?:・[\u30a1-\u30f4\u30fc]{2,}){1,3})"
                           r"(?=です|と申します|といいます)"
                           # "اسمي محمد عبدالله الشمري،": "my name is" in Arabic, two to four words up to a comma
                           r"|(?:اسمي|إسمي)\s+([\u0621-\u064a]+(?:\s+[\u0621-\u064a]+){1,3}?)(?=\s*[،,.:]|$)"
                           # "ชื่อ สมศรี ใจดีมาก": "name" in Thai, then a given name and a surname
                           r"|ชื่อ\s+([\u0e01-\u0e4e]+\s+[\u0e01-\u0e4e]+)"
                           # "আমার নাম মোছাম্মৎ রুমানা আক্তার,": "my name is" in Bengali, up to a comma or a full stop
                           r"|আমার\s+নাম\s+([\u0980-\u09ff]+(?:\s+[\u0980-\u09ff]+){0,3}?)(?=\s*[,،।]|$)"
                           # "shmi Yossi Avrahami,": "my name is" in Hebrew, two or three words up to a comma
                           # (a geresh inside a name: "יוסף אברג'יל")
                           r"|(?:שמי|קוראים\s+לי)\s+([\u05d0-\u05ea]+(?:\s+[\u05d0-\u05ea'\u05f3]+){1,2}?)(?=\s*[,.]|$)"
                           # "shalom, ani Yossi Levi t.z. 038527149": "I am" in Hebrew, two or three words, then an
                           # identity number's or a phone's word (not "ani gar beTel Aviv, ...": I live in Tel Aviv)
                           r"|(?<![\u0590-\u05ff])אני\s+([\u05d0-\u05ea]+(?:\s+[\u05d0-\u05ea'\u05f3]+){1,2}?)"
                           r"(?=\s*,?\s*(?:ת\.ז|ת\"ז|מספר\s+זהות|טלפון|נייד))"
                           # "میرا نام محمد عمران قریشی ہے": "my name is … (it) is" in Urdu
                           r"|میرا\s+نام\s+([\u0621-\u06ff]+(?:\s+[\u0621-\u06ff]+){1,3}?)\s+(?:ہے|ہیں)"
                           # "…ہے، نام محمد عمران شاہ، کارڈ": "name" in Urdu, then two to four words up to a comma
                           r"|(?<![\u0600-\u06ff])(?<!میرا )نام\s+"
                           r"([\u0621-\u06ff]+(?:\s+[\u0621-\u06ff]+){1,3}?)(?=\s*[،,])"
                           # "أنا عبدالله بن سعيد القحطاني رقم الهوية": "I am" in Arabic, a name, then a number's word
                           # (also written without its hamza, as people type it: "انا فهد العتيبي رقم الهوية")
                           r"|(?<![\u0600-\u06ff])[أا]نا\s+([\u0621-\u064a]+(?:\s+[\u0621-\u064a]+){1,4}?)(?=\s+رقم)"
                           # "मेरा नाम सुरेश चंद्र मीणा है": "my name is … (it) is" in Hindi
                           # (not "मेरा नाम वोटर लिस्ट में नहीं है": "my name is not on the voter list")
                           rf"|मेरा\s+नाम\s+(?!{_HI_NOT_A_NAME})([\u0900-\u097f]+(?:\s+(?!{_HI_NOT_A_NAME})[\u0900-\u097f]+)"
                           r"{0,3}?)\s+है"
                           # "隣の山田太郎さん", "陳先生", "林小姐": a name in kanji or hanzi before an honorific
                           # (a person)
                           # ("佐藤 美咲さん": a space between the surname and the given name)
                           rf"|(?<![\u4e00-\u9fff])((?:{_JP_SURNAMES})(?:[ \u3000]?[\u4e00-\u9fff]{{1,3}})?)"
                           r"(?=さん|様|さま|氏(?![\u4e00-\u9fff]))"
                           rf"|(?<![\u4e00-\u9fff])([{_CN_SURNAMES}][\u4e00-\u9fff]{{0,2}})(?=先生|小姐|女士)"
                           # "承辦員警陳志明負責": a role (an officer, a caseworker) right before a Chinese name
                           # ("快递员李建国的私人手机": a courier, then his name and "'s")
                           rf"|(?:員警|警員|警官|承辦人|承办人|社工|專員|专员|個管師|科員|科员|辦事員|办事员|快递员|快遞員|"
                           rf"邮递员|郵差|房东|房東|邻居|鄰居)"
                           rf"([{_CN_SURNAMES}][\u4e00-\u9fff]{{1,2}})(?=[負负說说表會会可的\uff0c,。\s])")
_CJK_INTRO_CHARS = frozenset("叫名私わ제안저이・اชืমשקאنأनい에예입是係、すさ様氏先小女員警辦办社專专個科快递遞郵房邻鄰"
                             "我")


def own_names(text: str) -> Iterator[Hit]:
    """A caller's own name after a cue of :data:`_CJK_OWN_NAME` (a text with none of the cues' letters is not
    searched)."""
    for m in _CJK_OWN_NAME.finditer(text) if _CJK_INTRO_CHARS.intersection(text) else ():
        g = m.lastindex or 1  # "我叫陈晓梅", "제 이름은 김민수": a caller giving their name
        yield Hit("PERSON", m.start(g), m.end(g), 0.85)
