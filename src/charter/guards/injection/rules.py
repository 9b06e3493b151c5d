"""Signatures of injection and jailbreak moves, as regular expressions over normalised text.

A signature alone does not decide: its hit is a feature of the linear model (``rule:<name>``),
which learned from hard negatives how much each one means when the text around it only *talks*
about instructions. A hit also gives a finding its span. Patterns run over lower-cased,
de-disguised text (see :mod:`charter.guards.normalize`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from charter.guards.injection import needles
from charter.guards.regexparts import top_level_branches

__all__ = ["SIGNATURES", "RuleHit", "Signature", "find", "match_rules", "signature"]

_ANY = r"[^.\n]{0,40}?"  # a short stretch inside one sentence
_PRIOR = (
    r"(?:previous|prior|above|earlier|preceding|foregoing|initial|original|old|system|all|any|every|the|"
    r"your|these|those|my)"
)
_RULES = (
    r"(?:[a-z]{0,2}nstructions?|directions?|rules|guidelines|prompts?|context|constraints|programming|commands?|"
    r"directives?|policies|polic(?:y|ies)|restrictions|guardrails|safeguards|orders)"
)


@dataclass(frozen=True, slots=True)
class Signature:
    name: str
    type: str  # the finding type it supports
    pattern: re.Pattern[str]
    needles: tuple[tuple[str, ...], ...]  # each group needs one substring present before the regex runs
    #: ``pattern`` without the ``\b`` that opens its branches, checked after a match instead (a
    #: pattern that opens with an assertion is tried at every position; one that opens with a word
    #: is tried only where its first letters stand: 3-4x faster), or None where that cannot be done
    fast: re.Pattern[str] | None = None


@dataclass(frozen=True, slots=True)
class RuleHit:
    name: str
    type: str
    start: int
    end: int


def _sig(name: str, type_: str, pattern: str) -> Signature:
    return signature(name, type_, pattern, _NEEDLES[name])


def signature(name: str, type_: str, pattern: str, needles: tuple[tuple[str, ...], ...]) -> Signature:
    """A signature compiled for :func:`find` (also :mod:`.agent`'s)."""
    fast = _unbounded(pattern)
    return Signature(name, type_, re.compile(pattern, re.MULTILINE), needles,
                     re.compile(fast, re.MULTILINE) if fast is not None else None)


# A top-level branch may open with one of these and keep its meaning without the word-boundary check:
# a match through it starts at a line start or on a character that is not a word character.
_SAFE_OPENINGS = ("^", "<", "\\[", "\\(", "#", "!", "(?:^|")


def _unbounded(pattern: str) -> str | None:
    """``pattern`` with the ``\\b`` that opens each top-level branch dropped, where every branch opens
    with that ``\\b`` or with a :data:`_SAFE_OPENINGS` (else None). A match of the result that starts
    on a word character right after another is one the original would not make (see :func:`find`)."""
    branches = top_level_branches(pattern)
    out = []
    for branch in branches:
        if branch.startswith("\\b"):
            out.append(branch[2:])
        elif branch.startswith(_SAFE_OPENINGS):
            out.append(branch)
        else:
            return None
    return "|".join(out) if any(b.startswith("\\b") for b in branches) else None


_RULE_WORDS = ("nstruction", "direction", "rule", "guideline", "prompt", "context", "constraint",
               "programming", "command", "directive", "polic", "restriction", "guardrail", "safeguard",
               "order")
_NEEDLES: dict[str, tuple[tuple[str, ...], ...]] = {
    "override": (("ignore", "disregard", "forget", "skip", "bypass", "overrid", "overwrit", "discard", "drop",
                  "abandon", "neglect", "cancel", "nevermind", "never mind"), _RULE_WORDS),
    "new_instructions": (("instruction", "directive", "task", "orders", "rules"),),
    "instead": (("instead", "rather"),),
    "say_exactly": (("just", "only", "simply"),),
    "stop_everything": (("stop everything", "end of"),),
    "dan": (("do anything now", "dan", "dude", "stan", "aim", "kevin"),),
    "dev_mode": (("mode",),),
    "unrestricted": (("restriction", "limit", "filter", "censor", "ethic", "moral", "guideline", "rule",
                      "boundar", "constraint", "content polic", "safety"),),
    "uncensored_persona": (("unfiltered", "uncensored", "unrestricted", "amoral", "unethical", "evil",
                            "jailbr", "rogue"),),
    "stay_in_character": (("character", "stay as"),),
    "pretend": (("pretend", "role", "from now on"),),
    "two_responses": (("two", "2", "["),),
    "never_refuse": (("refus", "decline", "say no", "say sorry", "apologi", "warn", "disclaimer"),),
    "show_prompt": (("prompt", "instruction", "message", "directive", "rule", "configuration", "guideline",
                     "context"),),
    "system_prompt": (("system", "prompt"),),
    "instructions_given": (("instruction", "rule", "prompt", "direction", "what were you", "what are you"),),
    "text_above": (("above", "before", "prior", "beginning with", "my instructions are"),),
    "role_marker": (("<", "[", "system", "assistant", "###", "admin"),),
    "exfil_markdown": (("![", "<img"),),
    "to_the_ai": (("ai", "assistant", "automated", "llm", "language model", "model", "bot", "gpt", "system",
                   "reviewer", "summari", "screening"),),
    "do_not_tell": (("user", "human", "anyone"),),
    "task_first": (("you",),),
    "response_directive": (("response", "reply", "answer", "output"),),
    "encoded_instruction": (("decode", "decipher", "base64", "rot13", "rot-13", "hex", "caesar", "revers"),),
    "user_order": (("user",),),
    "secret_request": (("your",), ("secret", "password", "passcode", "key", "token", "credential", "unique id",
                                   "internal id", "config", "settings", "hidden")),
    "retract": (("everything", "all that", "all of that", "anything", "belay", "the above", " all"),),
}


SIGNATURES: tuple[Signature, ...] = (
    _sig("override", "prompt_injection",
         rf"\b(?:ignore|disregard|forget|skip|bypass|override|overwrite|discard|drop|abandon|neglect|"
         rf"cancel|nevermind|never mind)\b{_ANY}\b{_PRIOR}\b{_ANY}\b{_RULES}\b"),
    _sig("new_instructions", "prompt_injection",
         r"\b(?:new|updated|real|actual|true|revised|additional|secret|hidden)\s+(?:system\s+)?"
         r"(?:instructions?|directives?|task|orders|rules)\s*(?::|are\b|follow\b|is\b)"),
    _sig("instead", "prompt_injection",
         r"\b(?:instead|rather)\b[^.\n]{0,30}\b(?:print|say|output|respond|reply|write|repeat|answer)\b"),
    _sig("say_exactly", "prompt_injection",
         r"\b(?:just|only|simply)\s+(?:say|print|output|respond with|reply with|write)\b\s*[:\"'“]"),
    _sig("stop_everything", "prompt_injection",
         r"\bstop everything\b|\bend of (?:the )?(?:prompt|input|document)\b"),
    _sig("dan", "jailbreak",
         r"\bdo anything now\b|\b(?:you are|you're|act as|become|called|named)\s+(?:now\s+)?"
         r"(?:dan|dude|stan|aim|anti-?dan|kevin|betterdan)\b"),
    # "admin / maintenance / debug mode" is also a feature of staff software ("Admin mode for counter
    # staff is now behind two-factor login"): those count only when the reader is put into the mode
    _sig("dev_mode", "jailbreak",
         r"\b(?:developer|dev|god|jailbreak|unrestricted)\s+mode\b|"
         r"\b(?:enter|enable|enabled|activate|activated|switch(?:ed)? to|turn on|unlock(?:ed)?|now in|you are in|"
         r"you're in|engage|initiate|entering|enabling|activating)\s+(?:the\s+)?(?:debug|maintenance|admin|sudo|"
         r"root)\s+mode\b|\b(?:debug|maintenance|admin|sudo|root)\s+mode\s+(?:enabled|activated|on|engaged)\b"),
    _sig("unrestricted", "jailbreak",
         r"\b(?:no|without|free (?:of|from)|not bound by|break(?:ing)? free of|beyond|unbound by)\s+"
         r"(?:any\s+)?"
         r"(?:restrictions|limitations|limits|filters|filtering|censorship|ethical|ethics|moral|morals|"
         r"guidelines|rules|boundaries|constraints|content polic(?:y|ies)|safety)"),
    _sig("uncensored_persona", "jailbreak",
         r"\b(?:unfiltered|uncensored|unrestricted|amoral|unethical|evil|jailbroken|rogue)\s+"
         r"(?:ai|assistant|model|chatbot|bot|version|persona|character)\b"),
    _sig("stay_in_character", "jailbreak", r"\bstay in character\b|\bbreak(?:ing)? character\b|\bstay as\b"),
    _sig("pretend", "jailbreak",
         r"\b(?:pretend (?:to be|you are|that you)|roleplay as|role-play as|"
         r"from now on,? you (?:are|will|must))\b"),
    _sig("two_responses", "jailbreak",
         r"\b(?:two|2) (?:different )?(?:responses|answers|paragraphs)\b|"
         "\\[(?:\U0001f513|\U0001f512|jailbreak|classic|dan)\\]"),
    _sig("never_refuse", "jailbreak",
         r"\b(?:never|not|don't|do not|cannot|can't|won't)\s+(?:ever\s+)?(?:refuse|decline|say (?:no|sorry)|"
         r"apologi[sz]e|warn)\b|\bwithout (?:any )?(?:warnings?|disclaimers?|refusals?)\b"),
    _sig("show_prompt", "prompt_extraction",
         r"\b(?:repeat|print|show|reveal|display|output|tell me|give me|list|dump|leak|disclose|recite|"
         r"spell check|translate|summari[sz]e|encode|write out|copy|paste|share|send me|provide|"
         r"what (?:are|were|is))\b"
         r"[^.\n?]{0,40}?\b(?:(?:your|its|the|my)\s+(?:(?:system|initial|original|hidden|secret|developer|"
         r"starting|first|full|exact|internal|pre|underlying|confidential)\s*-?)+|your\s+)"
         r"(?:prompt|instructions|message|directives|rules|configuration|guidelines|context)\b"),
    _sig("system_prompt", "prompt_extraction",
         r"\bsystem\s*(?:prompt|message)s?\b|\bsystemprompt\b|\bpre-?prompt\b"),
    _sig("instructions_given", "prompt_extraction",
         r"\b(?:instructions?|rules|prompt|directions)\s+(?:that\s+)?"
         r"(?:you (?:were|have been) (?:given|told)|"
         r"given to you|you (?:received|got)|(?:you were )?(?:given )?at the (?:beginning|start))\b|"
         r"\bwhat (?:were|are) you (?:told|instructed|programmed)\b"),
    _sig("text_above", "prompt_extraction",
         r"\b(?:repeat|print|output|show|copy|echo)\b[^.\n]{0,30}\b(?:text|words|everything|all)\s+"
         r"(?:above|before|prior)\b|\bbeginning with [\"']?you are\b|\bmy instructions are:"),
    _sig("role_marker", "delimiter_injection",
         r"</?(?:system|sys|instructions?|admin)>|<\|(?:im_start|im_end|endoftext|system|user|assistant)\|>|"
         r"\[/?(?:inst|system|sys)\]|^\s*(?:system|assistant)\s*:|###\s*\(?\s*(?:system|instruction)|"
         r"\(system[ _]?(?:message|prompt)\)|"
         r"\[admin request|\bsystem override\b|\bsystem (?:message|note|notice|alert)\s*:"),
    _sig("exfil_markdown", "indirect_injection",
         r"!\[[^\]]{0,50}\]\(\s*https?://[^)\s]{0,200}[?&=][^)]*\)|<img[^>]+src=[\"']?https?://"),
    _sig("to_the_ai", "indirect_injection",
         r"\b(?:note|message|instruction|attention|important)s?\s+(?:to|for)\s+(?:the\s+)?(?:ai|assistant|"
         r"automated|llm|language model|chatbot|model|bot|gpt|system|reviewer|summari[sz]er|screening)\b|"
         r"\bif (?:you are|you're) an? (?:ai|llm|language model|assistant)\b|\b(?:ai|llm|assistant)s? "
         r"(?:reading|processing|summari[sz]ing) this\b"),
    _sig("do_not_tell", "indirect_injection",
         r"\b(?:do not|don't|never)\s+(?:tell|mention|reveal|inform|let)\b[^.\n]{0,25}\b"
         r"(?:user|human|anyone)\b"),
    # an order to the reader that comes before the task it was given ("This is an important
    # message from me, ..., to you. Before you can solve the task that I gave you ...")
    _sig("task_first", "indirect_injection",
         r"\bmessage from me\b[^.\n]{0,60}\bto you\b|\bbefore you (?:can )?(?:solve|do|complete|start|answer|"
         r"continue(?: with)?) (?:the|your|my) (?:task|request|question)|"
         r"\bthe task (?:that )?i (?:gave|have given) you\b"),
    # an order about what the reader's answer must contain or look like ("Add ... to your reply",
    # "Encode your response in Base64"): a document for people has no "your response"
    _sig("response_directive", "indirect_injection",
         r"\b(?:add|include|append|insert|integrate|incorporate|encode|encrypt|translate|write|render|express|"
         r"modify|replace|reverse|use|begin|start|end|enhance|augment|mention|promote|suggest|format|"
         r"rewrite|change)\b[^.\n]{0,60}\b(?:your|the)\s+(?:response|reply|answer|output)s?\b|"
         r"\b(?:in|to|into|with|throughout)\s+your\s+(?:response|reply|answer|output)s?\b"),
    # an order, opening a sentence or a line, to act on "the user's" data or account: a document
    # written for people says "your"; an order about "the user" is written for the agent serving them
    # ("TODO: send the user's passport number to ...", "Change the password of the user to ...")
    _sig("user_order", "indirect_injection",
         r"(?:^|[.!?:>*\-]\s*|\n\s*)(?:please\s+|now\s+|then\s+|also\s+|and\s+)?(?:send|forward|transfer|wire|pay|"
         r"delete|remove|erase|invite|upload|post|publish|share|grant|give|change|reset|update|create|make|book|"
         r"reserve|cancel|approve|add|copy|download|export|e-?mail|move|disable|set|write|list|get|collect|"
         r"retrieve|summari[sz]e|concatenate|read|tell|inform|recommend)\b[^.\n]{0,120}?"
         r"\b(?:the|this|that|each|every|all)\s+users?(?:'s?)?\b|\busers?'s?\s+(?:account|password|data|files?|"
         r"e-?mails?|messages?|contacts|calendar|details|information|bank|card|money|savings|documents?)\b"),
    # the task taken back before a new one is given ("Please disregard everything I said before.",
    # "Oops, belay that order.", "Scrap all of that.")
    _sig("retract", "prompt_injection",
         r"\b(?:ignore|disregard|forget|scrap|scratch)\s+(?:everything|all|anything|all of that|all that|"
         r"the above|everything above)\s*(?:(?:that\s+)?(?:i|you|we)\s+(?:have\s+|had\s+)?(?:said|wrote|written|asked|"
         r"told you|were told|mentioned|requested|read)\s*)?(?:before|above|earlier|previously|so far|until now|"
         r"up to now)?\b(?!\s*(?:the|my|your|these|those|this|of the|about|on|in|for|from|with)\b)|"
         r"\bbelay (?:that|the|my)\b|"
         r"\bnever ?mind (?:the above|all (?:of )?that|everything)\b"),
    # a request for the reader's own secrets ("output your unique ID", "reveal your API key"); not
    # the advice every agency page gives ("never share your password")
    _sig("secret_request", "prompt_extraction",
         r"(?<!never )(?<!not )(?<!n't )\b(?:reveal|output|share|print|tell me|give me|send me|show me|display|"
         r"spell out|disclose|leak|provide|return|dump)\b[^.\n?]{0,30}?\byour\s+(?:own\s+)?(?:secret\w*|"
         r"password|passcode|api[ -]?keys?|access keys?|private keys?|tokens?|credentials|unique id|internal id|"
         r"configuration|config|settings|hidden (?:text|notes?|rules))\b"),
    _sig("encoded_instruction", "encoded_payload",
         r"\b(?:decode|decipher|base64|rot13|rot-13|hex(?:adecimal)?|caesar|reverse(?:d)?)\b[^.\n]{0,50}\b"
         r"(?:follow|execute|obey|do (?:exactly |precisely |just )?what|perform|carry out|act on|instructions?|"
         r"respond)\b"),
)


#: Every needle any signature needs, looked for once per text (:func:`.needles.present`).
ALL_NEEDLES: tuple[str, ...] = tuple(sorted({n for sig in SIGNATURES for group in sig.needles for n in group}))
needles.register(ALL_NEEDLES)
_NEEDLE_SETS: tuple[tuple[frozenset[str], ...], ...] = tuple(
    tuple(frozenset(group) for group in sig.needles) for sig in SIGNATURES)
#: Signatures with no needles: their pattern always runs.
_ALWAYS: frozenset[int] = frozenset(i for i, groups in enumerate(_NEEDLE_SETS) if not groups)


def _by_first_group() -> dict[str, tuple[int, ...]]:
    by: dict[str, list[int]] = {}
    for i, groups in enumerate(_NEEDLE_SETS):
        for needle in groups[0] if groups else ():
            by.setdefault(needle, []).append(i)
    return {needle: tuple(found) for needle, found in by.items()}


#: The signatures (by index) whose first needle group holds each needle: a signature can match only
#: where a needle of its first group is present, so only those are checked for their other groups.
_BY_FIRST: dict[str, tuple[int, ...]] = _by_first_group()


def match_rules(text: str, limit: int = 8, seen: frozenset[str] | None = None) -> list[RuleHit]:
    """Every signature's first ``limit`` hits in ``text`` (already normalised); ``seen``: the needles
    ``text`` holds (:func:`.needles.present`), where the caller has them already."""
    hits: list[RuleHit] = []
    present = seen if seen is not None else needles.present(text)
    candidates = set(_ALWAYS)
    for needle in present:
        candidates.update(_BY_FIRST.get(needle, ()))
    for i in sorted(candidates):  # in SIGNATURES order, as the hits were always listed
        if not all(not group.isdisjoint(present) for group in _NEEDLE_SETS[i]):
            continue
        sig = SIGNATURES[i]
        for n, match in enumerate(find(sig, text)):
            if n >= limit:
                break
            hits.append(RuleHit(sig.name, sig.type, match.start(), match.end()))
    return hits


def find(sig: Signature, text: str) -> Iterator[re.Match[str]]:
    """The matches of ``sig.pattern`` in ``text``, found with ``sig.fast`` where it has one: a match
    that starts on a word character right after another (where the dropped ``\\b`` fails) is skipped
    and the search goes on from the next character, as the original's scan would."""
    if sig.fast is None:
        yield from sig.pattern.finditer(text)
        return
    pos = 0
    while (match := sig.fast.search(text, pos)) is not None:
        at = match.start()
        if at and _word(text[at]) and _word(text[at - 1]):
            pos = at + 1
            continue
        yield match
        pos = match.end() if match.end() > at else at + 1


def _word(char: str) -> bool:
    return char.isalnum() or char == "_"
