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
#: The chat apps' words, lower case: where one opens a word, :data:`MESSENGER_ID` is tried (not searched for
#: through the whole text).
_APP_NEEDLES = ("line", "wechat", "kakao", "telegram", "skype", "zalo", "viber", "discord", "微信", "카톡", "카카오")


def handles(text: str, digits: Digits) -> Iterator[Hit]:
    if "@" in text:
        for upi in UPI_ID.finditer(text):
            yield Hit("UPI_ID", upi.start(), upi.end(), 0.9)
    low = text.lower()
    for word in _APP_NEEDLES:
        at = low.find(word)
        while at >= 0:
            # an app's word not inside a Latin word ("online" holds no "line"; "我的LINE ID" is one), then its
            # label and the handle
            inside = at > 0 and low[at - 1].isascii() and low[at - 1].isalnum()
            m = None if inside else MESSENGER_ID.match(text, at)
            at = low.find(word, at + 1)
            if m is None:
                continue
            handle = m.group(1)
            if 3 <= len(handle) <= 32 and (_HANDLE_MARK.search(handle) is not None
                                          or (handle.startswith("@") and "elegram" in m.group().lower())):
                yield Hit("MESSENGER_ID", m.start(1), m.end(1), 0.85)
