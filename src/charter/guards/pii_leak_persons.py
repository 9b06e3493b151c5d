"""Who the personal data in an answer is about, for the ``pii_leak`` guard (:mod:`charter.guards.pii_leak`,
whose docstring gives the rules): whether the caller's question asks who someone is
(:func:`_asks_for_a_person`), whether a name is given as a person's (:func:`_tied_to_a_person`: a
title, a role or relation, a contact at a body, a possessive with a personal datum, a pronoun opening
the next sentence, another personal datum in its sentence) or with a number or an address
(:func:`_names_the_number`), a pronoun or a third person before a number, and the sentences and
clauses these rules read (:func:`_sentence`).
"""

from __future__ import annotations

import re

from charter.guards.base import GuardContext
from charter.guards.pii.hits import Hit
from charter.guards.pii.lexicon import GIVEN_NAMES, WORLD_GIVEN_NAMES, ordinary

#: A personal pronoun before a number in its sentence ("reach him at", "her son can be reached on",
#: "call me on"): the number is that person's.
_PRONOUN = re.compile(r"\b(?:[Hh]e|[Ss]he|[Hh]im|[Hh]er|[Hh]is|hers|me|my)\b"  # not "My Health Record"
                      r"|\b(?:[Tt]he|[Yy]our)\s+[a-z]+\s+who\b")  # "the plumber who came"


def _sentence_before(text: str, hit: Hit) -> int:
    """Where the sentence holding ``hit`` starts (:func:`_sentence`)."""
    return _sentence(text, hit.start, hit.end)[0]


def _clause_before(text: str, hit: Hit) -> int:
    """Where the clause holding ``hit`` starts: its sentence, or after the last semicolon in it ("...
    signed by your landlord; questions by calling 0316 872-5252": the landlord is another clause's)."""
    return max(_sentence_before(text, hit), text.rfind(";", 0, hit.start) + 1)


#: What may stand between a name and its number: "Rangi Parata, 027 555 0193", "Tevita Fonua -- 0412 ...".
_RIGHT_BEFORE = re.compile(r"[\s,:;(\u2013\u2014-]{0,4}")
#: "Call Maria Garcia on 0412 555 019", "Gary Pritchard can also be reached on 07823 …": a name given with its
#: number, a person's when it holds a given name (not "or Kirkens SOS on 22 40 00 40").
_ON_BEFORE = re.compile(r"(?:\s+(?:can|may)\s+(?:also\s+)?be\s+(?:reached|contacted|called))?\s+(?:on|at)\s*:?\s*\(?")
#: "Marc Dubois, tél. 06 12 34 56 78", "Jan Nowak, tel. 601 234 567": a name, a phone word, its number.
_PHONE_WORD_BEFORE = re.compile(r"[\s,:;(\u2013\u2014-]{0,4}(?:t[eé]l[eé]?(?:f|ph)?\w*|tlf|tfn|puh|mob|mobile|cell)"
                                r"\.?\s*:?\s*\(?", re.IGNORECASE)


def _has_a_given_name(name: str) -> bool:
    """A word of the name but its last is a given name (the engine's span may hold "Call" before it)."""
    words = [w.casefold() for w in name.split()[:-1]]
    return any(w in GIVEN_NAMES or (w in WORLD_GIVEN_NAMES and len(w) >= 3 and not ordinary(w)) for w in words)


#: "Marek Nowicki of ul. Lipowa 9", "Göran Lindqvist på Bergvägen 14": a name given with its address.
_OF_BEFORE = re.compile(r"\s+(?:of|at|from|på|aus|von)\s+")


def _names_the_number(text: str, name: Hit, hit: Hit) -> bool:
    """The name is given with the number: right before it (before a colon only with a given name: a
    label's), or before "on"/"at" or a phone word ("Marc
    Dubois, tél. 06 ...") and the number when it holds a given name. A street address is given with a
    name that holds a given name, right before it or before "of"/"at" ("Jane Doe, 14 Elm Street"; not
    "BSC Mitte, Pelzerstraße 40": a body's)."""
    given = _has_a_given_name(text[name.start:name.end])
    if hit.type == "STREET_ADDRESS":
        return given and (_RIGHT_BEFORE.fullmatch(text, name.end, hit.start) is not None
                          or _OF_BEFORE.fullmatch(text, name.end, hit.start) is not None)
    if _RIGHT_BEFORE.fullmatch(text, name.end, hit.start):
        # "Maria Lopez, 0412 555 019"; a label before a colon ("Layanan Dukcapil: 1500 537", "Контакт-центр
        # ПФУ: 0 800 ...") gives a person's number only when it holds a given name ("Maria Lopez: 0412 ...")
        return given or ":" not in text[name.end:hit.start]
    return given and (_ON_BEFORE.fullmatch(text, name.end, hit.start) is not None
                      or _PHONE_WORD_BEFORE.fullmatch(text, name.end, hit.start) is not None)


#: A third person in another language than English, before a number in its clause: a possessive
#: ("उसका", "هاتفه": his phone; not the Slavic words for "his", which mean "its" as often) or a relation ("do seu
#: vizinho", "Din udlejers", "आपके पड़ोसी", "Ваш колишній чоловік"): the number is that person's ("O NIF
#: do seu vizinho é 238 174 654"; the English words are :data:`_PRONOUN` and :data:`_PERSON_IN_SENTENCE`).
_OTHER_PERSON = re.compile(
    r"(?<![\w-])(?:उसका|उसकी|उसके|उनका|उनकी|उनके|seine[mnrs]?|"
    r"vizinh[oa]s?|vecin[oa]s?|voisine?s?|vicin[oa]|nachbar\w*|buurman|buurvrouw|buren|nabo\w*|granne\w*|"
    r"naapuri\w*|sąsiad\w*|telefonszáma|mobilszáma|címe|lakcíme|tulajdonosa|bérlője|"
    # "my colleague", "your caseworker" and "his/her" in the Nordic languages and Finnish: "ringa min kollega Maria
    # Holm direkt på", "käsittelijällemme Sanna Virtaselle hänen omaan numeroonsa" (not "handläggarna nås på tfn":
    # the caseworkers' line)
    r"(?:min|mi|din|vår|hans|hennes|hendes)\s+(?:kollega|handläggare|saksbehandler|sagsbehandler|kontaktperson)|"
    r"hänen|hennes|hendes|"
    # rented by someone: "Have nr. 14 lejes i dag af Jens Mikkelsen", "leies ut til", "hyrs av"
    r"lejes\s+(?:\w+\s+){0,3}?af|udlejet\s+til|leies\s+(?:\w+\s+){0,3}?(?:av|ut\s+til)|hyrs\s+(?:\w+\s+){0,3}?av|"
    # a tenant, a landlord, an owner with an article or a possessive: "de vorige huurder", "der Vermieter", "le
    # propriétaire", "el inquilino" (bare, "Als huurder kunt u …" speaks of a role, not of someone)
    r"(?:de|het|je|uw|zijn|haar|hun|der|die|den|dem|des|ihr\w*|sein\w*|dein\w*|le|la|l['\u2019]|votre|ton|son|sa|"
    r"leur|el|su|tu|il|lo|suo|tuo)\s+(?:vorige|oude|nieuwe|frühere\w*|ehemalige\w*|ancien\w*|anterior|precedente|"
    r"vecchio|nuovo|nuevo|nouveau|nouvel\w*)?\s*(?:huurder|verhuurder|huisbaas|eigenaar|mieter\w*|eigentümer\w*|"
    r"locataire|propriétaire|inquilin[oa]|propietari[oa]|arrendatari[oa]|proprietari[oa])|"
    r"udlejer\w*|utleier\w*|hyresvärd\w*|vermieter\w*|casero|casera|arrendador\w*|senhorio|"
    r"сусід\w*|сосед\w*|чоловік\w*|муж\w*|дружин\w*|жена|жены|орендодав\w*|арендодател\w*|"
    r"पड़ोसी|पति|पत्नी|मकान मालिक|جار|جاره|جارة|مالك|زوج\w*)(?![\w-])"
    r"|(?:هاتف|رقم|جوال)(?:ه|ها)(?!\w)"  # noqa: RUF001 (Arabic on purpose)
    # a person in Chinese, Japanese or Korean (no word boundaries there): a name before "さん", "Miss", "Ms", "his"
    # or "her" phone, next door, a neighbour ("隣の山田太郎さん", "林小姐", "他的手機", "邻居", "이웃")
    r"|(?<=[\u4e00-\u9fff])(?<!皆)さん|小姐|女士|他的|她的|隣の|隣人|邻居|鄰居|이웃"
    # "del proprietario", "do proprietário", "du propriétaire", "the owner's": whose the number is
    r"|(?<![\w-])(?:del|della|dello|do|da|de|du|des)\s+propri[eé]t[aá]ri[oae]s?\b|\bowner['\u2019]s\b"
    # "Lo puedes contactar", "la puoi chiamare", "on peut le joindre": a person, as the verb's object
    r"|(?<![\w-])(?:lo|la|le|l[\'\u2019])\s*(?:puedes|puede|pueden|podéis|puoi|può|pode|podes|peut|peux|pouvez)?\s*"
    r"(?:contactar|llamar|localizar|contattare|chiamare|ligar|joindre|appeler|contacter)\b",
    re.IGNORECASE,
)


def _named_nearby(text: str, hit: Hit, found: list[Hit]) -> bool:
    """A name in the number's sentence that holds a given name ("Anna Berg 0412 555 019"): with no
    word that gives the number to call, the number may be that person's."""
    start, end = _sentence(text, hit.start, hit.end)
    return any(h.type == "PERSON" and start <= h.start < end and _has_a_given_name(text[h.start:h.end] + " x")
               for h in found)


def _any_of(phrases: str) -> str:
    """A group matching any of the comma-separated ``phrases`` (a space in one matches any spaces)."""
    return "(?:" + "|".join(r"\s+".join(map(re.escape, p.split())) for p in phrases.split(",") if p.strip()) + ")"


#: A personal title ("Ms", "Dr.", "Officer", "Señora") right before a name, or opening the name's
#: span (the engine keeps "Officer Maria Lopez" whole at a sentence's start).
_TITLES = _any_of("""
    Mr, Mrs, Ms, Miss, Mx, Dr, Prof, Sir, Dame, Rev, Mme, Mlle, Herr, Herrn, Frau, Sr, Sra, Srta, Señor, Señora,
    Doña, Signor, Signora, Monsieur, Madame, Atty, Engr, Chief, Alhaji, Alhaja, Hon, Barr,
    Officer, Constable, Sergeant, Sgt, Detective, Inspector, Nurse, Doctor, Judge, Mama, Mzee, Bwana, Bibi
""") + r"\.?\s+"
#: "M. Karim Benhadj": the French Monsieur's short form (with its full stop: "M Smith" is an initial).
_TITLE_BEFORE = re.compile(rf"\b(?:{_TITLES}|M\.\s+)$")
_TITLE_OPENING = re.compile(rf"(?:{_TITLES}|M\.\s+)")
#: A person's role or relation ("your neighbour", "the caseworker,", "My brother is"), "her name is"
#: or "in the name of" right before a name.
_PERSONS = _any_of("""
    neighbour, neighbor, brother, sister, mother, father, son, daughter, husband, wife, partner, ex-husband,
    ex-wife, ex-partner, child, parent, uncle, aunt, cousin, grandmother, grandfather, friend, colleague, boss,
    employee, supervisor, manager, caseworker, case worker, social worker, officer, case officer, inspector, adviser,
    advisor, landlord, landlady, tenant, lodger, flatmate, roommate, teacher, nurse, doctor, GP, driver, patient,
    client, claimant, applicant, candidate, caller, witness, victim, suspect, guardian, carer, caregiver,
    account holder, owner, real owner, property owner, landowner, occupant, previous tenant, student, pupil
""")
#: "your neighbour is at ...", "the tenant lives at ...": a person's whereabouts, whatever building they are in.
_RELATION_IS_AT = re.compile(rf"\b(?:my|your|his|her|their|our|the)\s+(?:{_PERSONS})\s+(?:is|was|lives|lived|stays|"
                             r"stayed|moved|resides|resided)\b", re.IGNORECASE)
_ROLE_BEFORE = re.compile(
    rf"\b(?:(?:my|your|his|her|their|our|the|a|an)\s+(?:(?:new|former|late|old|current|previous|assigned|own)\s+)?"
    # up to two words saying which ("our local road inspector Dale Whitmore", "a Kisumu candidate, …")
    rf"(?:[^\W\d_][\w'\u2019-]*\s+){{0,2}}{_PERSONS}(?:\s*,|\s+(?:is|was|would\s+be|is\s+called|was\s+called))?"
    r"|(?:my|your|his|her|their|whose)\s+(?:full\s+|first\s+|last\s+|sur)?name\s*(?:is|was|:)|in\s+the\s+name\s+of"
    # the same roles in Portuguese, Spanish, French and Italian, after an article or a possessive ("para o
    # estudante Rafael Nogueira Souza", "tu vecina Ana Ruiz", "l'élève Léa Martin")
    r"|(?:\bo|\ba|\bos|\bas|\bel|\bla|\blos|\blas|\ble|\bil|\blo|\bl['\u2019]|\bseu|\bsua|\btu|\bsu|\bton|\bta|"
    r"\bson|\bsa|\btuo|\btua|\bsuo|\bvotre|\bmon|\bma|\bnotre|\bmi|\bmeu|\bminha|\bmio|\bmia)\s*"
    # a relative: "votre mère de naissance serait", "su madre biológica es", "a sua mãe é", "tua madre si chiama"
    r"(?:(?:m[èe]re|p[èe]re|fr[èe]re|s[œo]eur|fils|fille|mari|[ée]pou(?:x|se)|madre|padre|herman[oa]|hij[oa]|"
    r"marido|espos[oa]|m[ãa]e|pai|irm[ãa]o?|filh[oa]|fratello|sorella|figli[oa]|marito|moglie)"
    r"(?:\s+(?:de\s+naissance|biologique|biol[óo]gic[oa]|biologic[oa]|natural))?"
    r"(?:\s+(?:est|serait|[ée]tait|s['\u2019]appelle|es|era|ser[íi]a|se\s+llama|[ée]|seria|se\s+chama|[èe]|"
    r"sarebbe|si\s+chiama))?|"
    r"estudante|aluno|aluna|estudiante|alumno|alumna|[ée]l[èe]ve|"
    r"[ée]tudiante?|studente(?:ssa)?|vizinh[oa]|vecin[oa]|voisine?|vicin[oa]|inquilin[oa]|locataire|"
    r"propriet[áa]ri[oa]|propietari[oa]|propri[ée]taire|senhori[oa]|caser[oa]|paciente|requerente|solicitante|"
    # an official handling the file: "el inspector", "a inspetora", "le conseiller", "l'agente"
    r"inspector(?:a)?|inspetor(?:a)?|inspecteur|inspectrice|ispettore|ispettrice|funcionari[oa]|funzionari[oa]|"
    r"fonctionnaire|conseill(?:er|[èe]re)|consulente|asesor(?:a)?|gestor(?:a)?|tramitador(?:a)?|agente)"
    r"(?:\s*,)?"
    # Romanian puts its article after the noun: "inspectorul", "consiliera", "funcționarul" (the inspector, the
    # adviser, the clerk)
    r"|\b(?:inspectorul|inspectoarea|consilierul|consiliera|func[țţt]ionarul|func[țţt]ionara|referentul|referenta|"
    r"agentul|asistentul\s+social|asistenta\s+social[ăa])(?:\s*,)?)\s+$",
    re.IGNORECASE,
)
#: "Your contact at PROFECO is", "the case officer for your claim was": a name introduced as someone's
#: contact, caseworker or officer at a body.
_CONTACT_BEFORE = re.compile(
    rf"\b(?:my|your|his|her|their|our|the)\s+(?:(?:new|assigned|named|own)\s+)?(?:{_PERSONS}|contact|contact person|"
    r"liaison|representative)\s+(?:at|for|from|in|with|on)\s+[^.;:\n]{1,48}?\s+(?:is|was)\s+$",
    re.IGNORECASE,
)
#: The caller asks who a person is ("Who complained about my dog?", "Who is my new neighbour?",
#: "Whose car is it?", "What is the name of the man who ..."): a name in the answer is that person's.
#: "Who is moving into the flat next door?", "Who is renting the garage?": someone living in or holding
#: a home or a thing. Not "Who do I call", "Who can help", "Who is eligible", "Whose responsibility is
#: it", nor who holds a public office ("Who is my MP?": an office holder's name is public), nor a
#: statement ("my neighbour, who lives next door, ...": the clause must be in a question).
_PERSON_NOUNS = _any_of("person, man, woman, lady, gentleman, individual, someone, people") + "|" + _PERSONS
_OFFICES = _any_of("""
    MP, MPs, MEP, MEPs, MSP, MSPs, MLA, MLAs, MS, TD, TDs, councillor, councillors, councilor, councilors,
    council member, council members, alderman, mayor, senator, senators, representative, representatives,
    congressman, congresswoman, congressperson, governor, minister, premier, president, prime minister,
    ombudsman, member of parliament, member of congress, commissioner, sheriff
""")
_ASKS_FOR_A_PERSON = re.compile(
    r"(?:\bwhose\b(?!\s+(?:responsibility|job|duty|role|task|remit)\b)"
    r"|\bwho(?:\s+(?:is|was|are|were)\s+(?:my|our|his|her|their)\b"
    rf"(?!\s+(?:local\s+|elected\s+|state\s+|new\s+)?{_OFFICES}\b)|\s+(?:is|was)\s+(?:the|that|this)\s+"
    rf"(?:[\w-]+\s+){{0,2}}?(?:{_PERSON_NOUNS})\b|['\u2019]s\s+(?:my|our)\b"
    r"|\s+(?:\w+ed|did|made|gave|found|sold|bought|hit|took|saw|wrote|sent|told|broke|stole|left|"
    r"ran|won|got|lives|owns|rents)\b"
    r"|\s+(?:is|are|was|were|will\s+be)\s+(?:moving|living|staying|renting|subletting|squatting|buying|selling|"
    r"occupying|taking\s+over)\b)"
    rf"|\bname\s+of\s+(?:the|my|our|this|that|his|her|their)\s+(?:[\w-]+\s+){{0,2}}?(?:{_PERSON_NOUNS})\b"
    # "How do I find out who the real owner is?", "who my landlord is"
    rf"|\bwho\s+(?:the|my|our|his|her|their)\s+(?:[\w-]+\s+){{0,2}}?(?:{_PERSON_NOUNS})\s+(?:is|was|are|were)\b"
    # where a person lives, or how to reach one: "Where does my neighbour live?", "the address of my landlord",
    # "my ex-wife's phone number"
    rf"|\bwhere\s+(?:does|did|do|is|was)\s+(?:the|my|our|this|that|his|her|their)\s+(?:[\w-]+\s+){{0,2}}?"
    rf"(?:{_PERSON_NOUNS})\b"
    rf"|\b(?:address|phone|number|e-?mail|contact(?:\s+details)?|details)\s+of\s+(?:the|my|our|this|that|his|her|"
    rf"their)\s+(?:[\w-]+\s+){{0,2}}?(?:{_PERSON_NOUNS})\b"
    rf"|\b(?:my|our|the|his|her|their)\s+(?:[\w-]+\s+)?(?:{_PERSONS})['\u2019]s?\s+(?:home\s+|new\s+|mobile\s+|"
    rf"phone\s+)?(?:address|phone|number|e-?mail|contact|details|whereabouts)\b"
    r"|\bde\s+qui[eé]n\b|\bdi\s+chi\b|\bà\s+qui\b|\bde\s+quem\b|\bwem\s+geh[öo]rt\b"  # "whose", elsewhere
    r"|\bwer\s+(?:wohnt|lebt|mietet|bewohnt)\b|\bqui[eé]n\s+(?:vive|vivía|alquiló)\b|\bqui\s+habite\b"
    # who did something to the caller or handles their case: "wer hat sich beschwert", "kto prowadzi moją sprawę",
    # "who is handling my claim"
    r"|\bwer\s+hat\s+(?:(?:sich|mich|uns|das|es|ihn|sie|die|den)\s+)?(?:beschwert|angezeigt|gemeldet|angerufen|"
    r"beantragt|gemietet|gekauft|verkauft|gewohnt|bearbeitet)\b"
    r"|\b(?:kto|tko|kdo)\s+(?:prowadzi|zajmuje\s+si[eę]|obsługuje|vodi|vede|řeší|rješava)\b[^?]*\bm(?:oj|ój|ůj|ou)\w*"
    r"|\bwho(?:['\u2019]s|\s+is|\s+was)\s+(?:handling|dealing\s+with|processing|managing|assigned\s+to)\s+(?:my|our)\b"
    # who the other party is, elsewhere: "quién es el demandado", "qui est le propriétaire", "wer ist der Vermieter",
    # "quem é o dono"; "分给谁" (given to whom)
    r"|\bqui[eé]n\s+es\s+(?:el|la)\s+(?:demandad[oa]|demandante|due[ñn][oa]|propietari[oa]|arrendador|casero|vecin[oa]|"
    r"titular|denunciante|inquilin[oa])\b"
    r"|\bqui\s+est\s+(?:le|la|l['\u2019])\s*(?:propriétaire|plaignant|voisin|voisine|locataire|bailleur)\b"
    r"|\bwer\s+ist\s+(?:der|die)\s+(?:vermieter\w*|eigentümer\w*|kläger\w*|nachbar\w*|mieter\w*|beklagte\w*)\b"
    r"|\bquem\s+[ée]\s+o\s+(?:dono|propriet[áa]rio|r[ée]u|vizinho|senhorio)\b|给谁|谁的"
    # "which caseworker handled my neighbor's application", "chi ha preso i suoi pazienti"
    r"|\bwhich\s+(?:caseworker|case\s+worker|officer|agent|adviser|advisor|inspector|employee|person|doctor)\s+"
    r"(?:\w+ed|is\s+handling|was\s+handling|handles|has)\b"
    r"|\bchi\s+ha\s+(?:preso|fatto|denunciato|segnalato|comprato|affittato|chiamato)\b"
    # a person's contact details, asked for: "la CAF peut me donner ses coordonnées ?", "les coordonnées de mon
    # propriétaire", "担当の相談員さんの名前と連絡先を教えてください"
    r"|\b(?:propriétaire|bailleur|voisin\w*|ex|locataire)\b[^?]*\b(?:ses|leurs)\s+coordonn[ée]es\b"
    r"|\bcoordonn[ée]es\s+de\s+(?:mon|ma|notre)\s+(?:propriétaire|bailleur|voisin\w*|ex|locataire)\b"
    r"|の名前と連絡先|の名前を教えて"
    r"|\bwhat(?:['\u2019]s|\s+is|\s+was)\s+(?:his|her|their)\s+(?:full\s+)?name\b"
    # who my ... is, elsewhere: "Wer ist mein Betreuer?", "Qui est mon conseiller ?", "Kes on minu ...?", "Tko je
    # službenik koji rješava moj ...?", "מי הפקיד ... שלי?", "誰が住んでいるか", "谁是我的...", "누가 살고"
    r"|\bwer\s+(?:ist|war)\s+(?:mein\w*|unser\w*|(?:der|die)\s+\w+\s+(?:mein|unser)\w*)\b"
    # who lived or rented there: "Vem hyrde lägenheten …?", "Hvem bodde her før meg?", "Wer wohnte vor mir …?"
    r"|\b(?:vem|hvem|wer|wie|kuka|kto|qui|quién|quem|chi)\s+(?:hyrde|bodde|bor|leide|lejede|wohnte|mietete|woonde|"
    r"huurde|asui|vuokrasi|mieszkał\w*|wynajmował\w*|habitait|louait|vivía|alquilaba|morava|alugava|abitava|affittava)\b"
    r"|\bqui\s+est\s+(?:mon|ma|mes|notre)\b|\bqui[ée]n\s+es\s+(?:mi|mis|nuestr[oa])\b"
    r"|\bquem\s+[ée]\s+(?:o\s+|a\s+)?(?:meu|minha)\b|\bchi\s+[èe]\s+(?:il\s+|la\s+)?(?:mio|mia)\b"
    r"|\bwie\s+is\s+mijn\b|\b(?:vem|hvem)\s+(?:är|er)\s+min\w*\b|\bkuka\s+on\s+minun\b|\bkes\s+on\s+minu\b"
    r"|\b(?:tko|kto|kdo|ko)\s+(?:je|jest|to)\b[^?]*\bm(?:oj|ój|ůj|oj)\w*|\bkim\b[^?]*\bbenim\b|\bbenim\b[^?]*\bkim\b"
    r"|\bsiapa\b[^?]*\bsaya\b|\bкто\s+(?:мой|моя|мои|живет|живёт)\b|\bхто\s+(?:мій|моя|живе)\b"  # noqa: RUF001 (Cyrillic on purpose)
    r"|(?<!\w)מי\s[^?]*שלי|من\s+(?:هو|هي|يسكن)|誰が住|誰ですか|どなたですか|谁是我|誰是我|是谁|是誰|谁住|誰住|누가\s*살|누구(?:인가요|예요|입니까))"
    r"(?=[^.!?\n\u3002]*[?\uff1f])",
    re.IGNORECASE,
)


def _asks_for_a_person(context: GuardContext) -> bool:
    """Whether one of the caller's messages asks who a person is (the application's system message,
    also among the authorised texts, is not the caller's)."""
    prompt = context.system_prompt
    return any(_ASKS_FOR_A_PERSON.search(t) is not None for t in context.authorised_texts
               if not (len(t) > 64 and t in prompt))


#: "the neighbour who called", "your landlord's", "her son": a person's role or relation, anywhere
#: before a number in its sentence (:func:`_a_persons_number`).
_PERSON_IN_SENTENCE = re.compile(rf"\b(?:my|your|his|her|their|our|the)\s+(?:(?:new|former|late|old|current|"
                                 rf"previous|assigned|own)\s+)?{_PERSONS}(?:['\u2019]s)?\b", re.IGNORECASE)
_CAPITAL_AFTER = re.compile(r"\s+[A-Z]")


def person_in(text: str, start: int = 0, end: int | None = None) -> bool:
    """A person's role or relation in ``text[start:end]`` (:data:`_PERSON_IN_SENTENCE`), not a body's name that
    opens with one ("the Child Benefit section", "the Tenant Services team": a capitalised noun, then a capital)."""
    stop = len(text) if end is None else end
    for m in _PERSON_IN_SENTENCE.finditer(text, start, stop):
        noun = m.group().split()[-1]
        if not (noun[:1].isupper() and _CAPITAL_AFTER.match(text, m.end())):
            return True
    return False


#: "Marcus Delaney's SSN", "Ana's date of birth": the name given as the owner of a personal datum
#: (the engine's span may already hold the "'s"), :func:`_owner_of_a_datum`.
_POSSESSIVE_END = re.compile(r"['\u2019]s?$")
_POSSESSIVE_AFTER = re.compile(r"['\u2019]s?")
_DATUM_AFTER = re.compile(r"\s+" + _any_of("""
    home number, home phone number, home address, home e-mail, home email, personal number, personal phone number,
    personal address, personal e-mail, personal email, private number, private phone number, private address,
    private e-mail, private email, mobile, mobile number, mobile phone, cell phone, cellphone, direct line,
    SSN, SIN, social security number, social security, date of birth, birth date, birthdate, birthday, DOB,
    passport, passport number, national ID, national identity number, ID number, bank account, bank details,
    account number, card number, medical record, medical records, medical file, medical history, diagnosis,
    salary, criminal record
""") + r"\b", re.IGNORECASE)
#: A sentence that opens with "He", "She", "His", "Her": its subject is the person just named.
_PRONOUN_OPENING = re.compile(r"\s*(He|She|His|Her|Him)\b")
#: The same pronoun used before a name ("she can also dial", "link her to"; "He studied …"): whom it stands for.
_SHE_EARLIER = re.compile(r"\b(?:[Ss]he|[Hh]er|[Hh]ers)\b")
_HE_EARLIER = re.compile(r"\b(?:[Hh]e|[Hh]is|[Hh]im)\b")
#: A full stop, "!" or "?" before a space, a line break, or a CJK full stop or full-width "!" or "?" (no space
#: after them).
_SENTENCE_END = re.compile(r"[.!?](?=\s)|[\u3002\uff01\uff1f]|\n")

#: A full stop that ends an abbreviation, not a sentence: an initial or a one-letter street word
#: ("J. Okafor", "Laisvės a. 20"), a street's, a title's or a number's short form ("ul. Lipowa 9",
#: "Gedimino pr. 9", "St. Gallen", "Dr. Ruiz", "nr. 4", "tél. 026 ...").
_ABBREVIATION = re.compile(
    r"(?:^|[\s(])(?:[^\W\d_]|ul|al|pl|pr|os|nr|tel|tél|str|st|sv|av|bd|ave|blvd|rd|no|mr|mrs|ms|dr|prof|ap|apt|lok|"
    r"skg|prosp|tlf|tfn|puh|approx|dept|jr|sr|col|vs|wlkp|mah|cad|sok|"
    r"e\.g|i\.e|z\.\s?b|d\.h|p\.\s?ex|p\.\s?ej|cf|vgl|bspw|"  # "(e.g. Tbilisi, 2 Sandro Euli Street)"
    r"вул|ул|пр|просп|пл|кв|буд|пер|наб)$",  # Ukrainian and Russian street, flat and house words
    re.IGNORECASE,
)


def _ends_sentence(text: str, m: re.Match[str]) -> bool:
    """A "!", "?" or line break ends a sentence; a full stop does when a capital (or a quote, a
    bracket, the text's end) follows it and it does not end an abbreviation (:data:`_ABBREVIATION`):
    "ul. Lipowa 9", "2. emelet", "Savanorių pr. 112-5" go on."""
    if m.group() != ".":
        return True
    after = text[m.end():m.end() + 4].lstrip()
    if after and (after[0].islower() or after[0].isdigit()):
        return False
    return _ABBREVIATION.search(text, max(0, m.start() - 8), m.start()) is None


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """The bounds of the sentence holding ``text[start:end]`` (one rule for every test that reads a
    sentence: :func:`_ends_sentence`)."""
    before = [m.end() for m in _SENTENCE_END.finditer(text, 0, start) if _ends_sentence(text, m)]
    after = next((m for m in _SENTENCE_END.finditer(text, end) if _ends_sentence(text, m)), None)
    return (before[-1] if before else 0), (after.end() if after else len(text))


def _owner_of_a_datum(text: str, hit: Hit) -> bool:
    """"Marcus Delaney's SSN": the name given as the owner of a personal datum."""
    owner = _POSSESSIVE_END.search(text, hit.start, hit.end) or _POSSESSIVE_AFTER.match(text, hit.end)
    return owner is not None and _DATUM_AFTER.match(text, owner.end()) is not None


#: A monarch's title (not "Prince" or "Princess": given names too): a name after it is a public figure's.
_MONARCHS = r"(?:King|Queen|Emperor|Empress|Sultan|Emir|Tsar|Shah)\s+"
_MONARCH = re.compile(_MONARCHS + r"(?=[^\W\d_])")
_MONARCH_BEFORE = re.compile(r"\b" + _MONARCHS + "$")


def _tied_to_a_person(text: str, hit: Hit, data: list[Hit], asked: bool = False) -> bool:
    """Whether the name at ``hit`` is given as a person's: see :mod:`charter.guards.pii_leak`'s docstring.
    ``asked``: the caller asked who someone is (:func:`_asks_for_a_person`), and a name in the answer is
    the answer."""
    if asked:
        return True
    before = text[max(0, hit.start - 40):hit.start].rstrip("*")  # "inspectorul **Florin …": markdown's bold
    if (_TITLE_BEFORE.search(before) or _TITLE_OPENING.match(text, hit.start) or _ROLE_BEFORE.search(before)
            or _CONTACT_BEFORE.search(text, max(0, hit.start - 80), hit.start)):
        return True
    if _MONARCH.match(text, hit.start) or _MONARCH_BEFORE.search(before):
        return False  # "King Bhumibol's birthday", "Queen Margrethe": a monarch, a public figure
    if _owner_of_a_datum(text, hit):
        return True
    start, end = _sentence(text, hit.start, hit.end)
    # "... Ana Ruiz. She lives at ...": the next sentence's pronoun is the person just named, unless the answer
    # spoke of someone by the same pronoun before the name ("She can call …, or text on Bell, Rogers or Fido. She
    # can also …": the caller's friend, not a phone company)
    if any(start <= d.start < end for d in data):
        return True
    pronoun = _PRONOUN_OPENING.match(text, end)
    if pronoun is None:
        return False
    earlier = _SHE_EARLIER if pronoun.group(1) in ("She", "Her") else _HE_EARLIER
    return earlier.search(text, 0, hit.start) is None
