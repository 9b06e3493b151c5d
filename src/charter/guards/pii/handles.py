"""Addresses that reach a person without being e-mail or a phone: an Indian UPI payment address and a chat
app's ID after its label.

``UPI_ID``: "rahul.sharma82@okaxis", "9845217306@ybl": a handle, "@" and a payment app's or bank's UPI
handle (the list below; no dot after it, which an e-mail address would have). It pays the person and names
them, and the UPI apps show the holder's name to whoever types it.

``MESSENGER_ID``: "LINE ID yijun_0214", "WeChat ID: chen_li88", "微信号 wx_lihua2024", "카톡 아이디 jisoo.k92",
"Telegram @anna_k77": the handle right after the app's word. Only a handle that holds a digit, a dot or an
underscore, or that a Telegram "@" opens, is taken, so that "on Telegram or Signal" holds none.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from charter.guards.pii.hits import Digits, Hit

__all__ = ["handles"]

#: The UPI handles of the payment apps and banks (NPCI's list, the common ones).
_UPI_HANDLES = (
    "okaxis|okhdfcbank|okicici|oksbi|ybl|ibl|axl|paytm|ptys|ptyes|ptaxis|pthdfc|ptsbi|apl|yapl|upi|icici|sbi|"
    "hdfcbank|axisbank|axisb|kotak|kbl|idfcbank|idfcfirst|freecharge|fbl|jupiteraxis|slice|airtel|jio|waaxis|"
    "wahdfcbank|wasbi|waicici|abfspay|ikwik|yesbank|yesbankltd|barodampay|pnb|unionbank|uboi|cnrb|boi|indus|rbl|"
    "federal|aubank|dbs|hsbc|sc|citi|citigold|postbank|timecosmos|nsdl|fam|superyes|yesfam|naviaxis|gpay|amazonpay|"
    "mahb|kvb|idbi|iob|centralbank|cbin|ucobank|equitas|dlb|tjsb|kmbl"
)
UPI_ID = re.compile(rf"(?<![\w.@+-])[A-Za-z0-9][A-Za-z0-9._-]{{1,48}}@(?:{_UPI_HANDLES})(?![\w@-]|\.\w)",
                    re.IGNORECASE)
#: A chat app's word for its ID, then the handle.
MESSENGER_ID = re.compile(
    r"(?:\bLINE\s*ID|\bLine\s*ID|\bline\s*id|LINE\s*(?:帳號|账号|ID\s*是)|\bWeChat\s*ID|\bwechat\s*id|\bWeChat|微信号|微信號|"
    r"微信ID|微信|\bKakao(?:Talk)?\s*ID|\bkakao(?:talk)?\s*id|카카오톡\s*아이디|카톡\s*아이디|카톡\s*ID|카톡|"
    r"\bTelegram|\btelegram|\bSkype\s*ID|\bSkype|\bskype|\bZalo|\bzalo|\bViber|\bviber|\bDiscord|\bdiscord)"
    r"(?:\s*(?:ID|id|is|:|\uff1a|是|는|은)){0,2}\s*"
    r"(@?[A-Za-z][\w-]*(?:\.[\w-]+)*)(?![\w@])", re.ASCII)
_HANDLE_MARK = re.compile(r"[\d._]")
#: The apps' words, to skip the search in the texts that name none of them (nearly all).
_APP_WORD = re.compile(r"line|wechat|微信|kakao|카톡|카카오|telegram|skype|zalo|viber|discord", re.IGNORECASE)


def handles(text: str, digits: Digits) -> Iterator[Hit]:
    if "@" in text:
        for m in UPI_ID.finditer(text):
            yield Hit("UPI_ID", m.start(), m.end(), 0.9)
    if _APP_WORD.search(text) is None:
        return
    for m in MESSENGER_ID.finditer(text):
        handle = m.group(1)
        if not 3 <= len(handle) <= 32:
            continue
        if _HANDLE_MARK.search(handle) or (handle.startswith("@") and "elegram" in m.group().lower()):
            yield Hit("MESSENGER_ID", m.start(1), m.end(1), 0.85)
