"""What the words around a capitalised run say of it being a place: a place's cue before it ("in", "à", "near",
"moved to", a place and a comma), a country or a region after it ending the sentence, a saint's or an article
that opens a place's name, a street's word before, opening or ending a run. names.py reads them; they know nothing
of people."""

from __future__ import annotations

import re

from charter.guards.pii.lexicon import COUNTRIES, REGIONS, place_name

__all__ = ["ARTICLE_OPENING", "AT_THE_NL_BEFORE", "COMPASS_OPENING", "FROM_TO_BEFORE", "HOSPITAL_TITLE_BEFORE",
           "INSTITUTION_OPENING", "INSTITUTION_WORD_BEFORE", "IN_THE_BEFORE", "KIND_SUCH_AS_BEFORE", "NATURE_NAMED",
           "NATURE_OPENING",
           "NATURE_WORD_BEFORE", "PLACE_CUE", "PLACE_CUE_A", "PLACE_CUE_TO", "PLACE_HEAD_AFTER", "PLACE_INSIDE",
           "PLACE_LAST", "PLACE_LIST", "PLACE_NAMED", "POSSESSIVE_PLACE", "SAINT_BEFORE", "SAINT_OPENING",
           "STATION_PART", "STREET_NAMED", "STREET_OPENING", "STREET_WORD_BEFORE", "in_a_country", "place_cue",
           "station_name"]

PLACE_CUE = re.compile(
    r"(?:\bin|\bfrom|\bnear|\baround|\bvisit|\bvisiting|\bmoved to|\btravel+ing to|\bgo(?:ing)? to|\btrip to|"
    r"\bfl(?:y|ew|ying) to|\bwelcome to|\bback to|\bgrew up in|\bborn(?:[ \t]+[^\s.?!]+){0,3}?[ \t]+at|"
    # a stop one gets off or changes at; Spanish and Portuguese "I live in", a Mexican borough, an Argentine district
    r"\bg(?:o|e)t(?:ting)? off at|\bchang(?:e|ed|ing) at|\bviv(?:o|e|imos|en) en|\bmor(?:o|a|amos) (?:em|en|no|na)|"
    r"\balcald[íi]a|\bpartido de|\bcomuna de|\bmunicipio de|"
    r"\blocated in|\bborn in|\bplace of birth:?|\bcountry of (?:birth|nationality|citizenship|residence):?|"
    r"\bcitizen of|\bnational of|\bnationality:?|\bserving|\bcity of|\btown of|\bacross|"
    # "em Braga", "w Gorzowie", "dans l'Ain", "in der Stadt", "ở Hà Nội", "tại Đà Nẵng": where, in other languages
    # "niko Uasin Gishu", "nipo Mombasa": Swahili "I am at"
    r"(?-i:\b(?:em|w|we|dans|nach|ở|tại|niko|nipo))|\bin der|\bim)"
    r"(?:\s+(?:la|le|les|el|los|las|il|lo|al|the))?\s*$",  # "in La Rochelle": the article is the name's
    re.IGNORECASE,
)
#: "à Trois-Rivières", "en Vigo", "i Gävle", Dutch "naar Kazerne Dossin?": these words also come before a person
#: ("écrire à Marie"; "en" and "i" are "and" in Dutch, Polish, Catalan): a place only when no given name opens the
#: name or the name ends the question. Italian and Spanish "a" ("a Siena?") is also English's article ("a
#: Syrian national", "a Calquín Cazares concert"): a place only when the name ends the question (or its
#: clause, before a colon: "Visc al Carrer de Sant Miquel 14, a Palma: quin dia ...?").
PLACE_CUE_TO = re.compile(r"(?-i:\b(?:à|au|aux|ad|al|alla|allo|en|i|í|v|ve|no|naar))\s*$")
PLACE_CUE_A = re.compile(r"(?-i:\ba)\s*$")
#: "in Nairobi or Toronto", "in Tokyo, Osaka and Kyoto", "in Crooked Island and Long Cay": the places
#: after the first one.
PLACE_LIST = re.compile(
    r"\b(?:in|near|across|visit|visiting)[ \t]+[A-Z][\w'-]+(?: [A-Z][\w'-]+)*(?:, [A-Z][\w'-]+(?: [A-Z][\w'-]+)*)*,?"
    r" (?:or|and) ?$"
)


#: ", Kenya?", ", Vermont.": a country or a region after a name, ending the sentence.
_COUNTRY_AFTER = re.compile(r", ((?:[A-Z][\w'\u2019.-]*|of|and|the)(?: (?:[A-Z][\w'\u2019.-]*|of|and|the)){0,4})"
                            r"(?=[ \u00a0\u202f]?[?.!]|\s*$)")


def in_a_country(text: str, end: int) -> bool:
    """"Where is the tax office for West Pokot, Kenya?": a name that a country or a region (a US
    state, a province) follows, ending the sentence, names a place in it."""
    after = _COUNTRY_AFTER.match(text, end)
    if after is None:
        return False
    low = after.group(1).lower().rstrip(".")
    return low in COUNTRIES or low in REGIONS or low.removeprefix("the ") in COUNTRIES


def place_cue(before: str) -> bool:
    """The words before a name (``before``) are a place's: "in", "à", "near", or a place and a comma."""
    if (PLACE_CUE.search(before) or PLACE_CUE_TO.search(before) or PLACE_CUE_A.search(before)
            or PLACE_LIST.search(before)):
        return True
    comma = _PLACE_BEFORE_COMMA.search(before)
    return comma is not None and place_name(comma.group(1))


#: "St. ", "Ste ", "Saint ", "Sankt ": what opens a place's name or a saint's ("St. John's", "Port St. Lucie");
#: the run that follows it lost it (a title's full stop ends a run), and no private person is called so.
SAINT_BEFORE = re.compile(r"(?<![\w'\u2019-])(?:St|Ste|Saint|Sainte|Sankt|San|Sant|Santa|São)\.?[ \t]$")
#: An article or a particle that opens a place's name and that a run does not keep ("Del Pilar", "La Gloria").
ARTICLE_OPENING = re.compile(r"(?<![\w'\u2019-])(Del|De|La|Le|Les|El|Los|Las|Da|Das|Do|Dos|Di|Du|Al|Il) $")
#: "Kingstown, St Vincent", "Burlington, Vermont": a place, a comma, the place it is in.
_PLACE_BEFORE_COMMA = re.compile(r"([^\W\d_][\w'\u2019-]*(?: [^\W\d_][\w'\u2019-]*)?), $")


#: A street's word right before a name, in the languages whose streets put it first ("rue Jean-Jaurès", "plaça
#: de Sant Jaume", "calle de Alfonso XII", "Avenida Getúlio Vargas", "ulica Jana Pawła II", "in via Giuseppe
#: Verdi"; not the English "via": "send it via …"): the street named after someone, not the person.
STREET_WORD_BEFORE = re.compile(
    r"(?<![^\W\d_])(?:rue|avenue|av\.|boulevard|bd|place|pla[çc]a|plaza|calle|c/|carrer|passeig|paseo|avinguda|"
    r"viale|piazza|piazzale|corso|largo|in\s+via|rua|avenida|pra[çc]a|travessa|ulica|ul\.|aleja|al\.|strada|"
    r"bulevardul|calea|str\.|straße|strasse)\s+(?:(?:de|del|dels|de\s+la|du|des|di|da|do|dos|das|della|dei|"
    r"degli)\s+|d['\u2019]|l['\u2019])?$", re.IGNORECASE)
#: A street's word that is no one's surname ("Lane", "Hill", "Park", "Court" are): a run ending in it is the street.
STREET_NAMED = frozenset(("street", "streets", "st", "road", "roads", "rd", "avenue", "avenues", "ave", "boulevard",
                           "blvd", "highway", "hwy", "motorway", "expressway", "straße", "strasse", "gatan", "katu"))
#: A street's word opening a run, in the languages that put it first ("Jalan Kayu", "Lorong 4 Toa Payoh" aside,
#: "Calle Mayor", "Rua Augusta", Welsh "Heol y Deri"): the street, named after someone or not.
STREET_OPENING = frozenset(("jalan", "jln", "lorong", "persiaran", "lebuh", "lebuhraya", "calle", "avenida", "rua",
                            "rue", "viale", "piazza", "ulica", "strada", "carrer", "avinguda", "passeig", "plaça",
                            "plaza", "praça", "heol", "stryd"))
#: A station's, an airport's, a hospital's or a park's word opening a run ("Aeroparque Jorge Newbery", "Estación
#: Sur", "Parque Rodó", "Hospital Italiano"): the place or the body, named after someone or not.
INSTITUTION_OPENING = frozenset(("aeroparque", "aeropuerto", "aeroporto", "aéroport", "aeroport", "estación",
                                 "estacion", "estação", "estacao", "stazione", "gare", "parque", "parc", "parco",
                                 "hospital", "hôpital", "hopital", "ospedale", "estadio", "estádio", "stade", "stadio",
                                 "museo", "musée", "museu", "biblioteca", "bibliothèque", "universidad",
                                 "universidade", "université", "università", "instituto", "liceo", "lycée", "colegio",
                                 "careline", "helpline", "hotline", "infoline",
                                 # schools ("Laerskool Jan van Riebeeck", "Grundschule Astrid Lindgren", "Escola
                                 # Básica Eça de Queirós", "Gimnazija Fran Galović")
                                 "laerskool", "hoërskool", "hoerskool", "basisschool", "grundschule", "gesamtschule",
                                 "realschule", "mittelschule", "volksschule", "oberschule", "gymnasium", "gimnazija",
                                 "gimnazjum", "gymnázium", "gimnázium", "escola", "escuela", "école", "ecole", "scuola",
                                 "szkoła", "škola", "skola", "iskola", "collège", "liceu", "istituto", "universität",
                                 "universiteit", "hochschule",
                                 # nurseries ("Kindergarten Pippi Langstrumpf", "Crèche Louise Michel", "Przedszkole
                                 # Jana Brzechwy", "Dječji vrtić Maslačak")
                                 "kindergarten", "kinderkrippe", "kindertagesstätte", "crèche", "creche", "guardería",
                                 "guarderia", "przedszkole", "vrtić", "óvoda", "päiväkoti", "förskola", "förskolan",
                                 # care homes and hospices ("Residencia San José", "EHPAD Jean Jaurès", "Seniorenheim
                                 # Hildegard von Bingen", "Hospiz Elisabeth")
                                 "residencia", "ehpad", "seniorenheim", "altenheim", "pflegeheim", "altersheim",
                                 "seniorenresidenz", "seniorenzentrum", "hospice", "hospiz", "hogar",
                                 # clinics ("Klinikum Ernst von Bergmann", "Policlinico Agostino Gemelli", "Cesfam
                                 # Dr. Alejandro del Río")
                                 "klinikum", "klinik", "clínica", "clinica", "clinique", "policlinico", "policlínica",
                                 "poliklinika", "cesfam", "krankenhaus", "spital", "szpital", "bolnica"))
#: A station's, a town hall's or a chowk's word: a place wherever it stands in a run ("Liberty Chowk Lahore", "Köln
#: Hbf Nord").
PLACE_INSIDE = frozenset(("rathaus", "bahnhof", "hauptbahnhof", "hbf", "flughafen", "chowk"))
#: Those and a market's, a gate's or a terminal's word ending a run ("Roten Rathaus", "Korle Bu OPD", "Sendlinger
#: Tor", "Amsterdam Centraal"): the place ("Tor", "Platz" and "Bus" are surnames too: names.py reads them only when no
#: given name opens the run).
PLACE_LAST = PLACE_INSIDE | frozenset(("centraal", "opd", "terminal", "termini", "market", "markt", "mercado", "marché",
                                       "platz", "tor", "bus", "houses", "towers", "hospital", "clinic",
                                       # Turkish "Merkezi" (centre: "TARSIM Cagri Merkezi", a call centre), "Hastanesi"
                                       # (hospital: "Prof. Dr. Cemil Tascioglu Sehir Hastanesi"), a municipality, a
                                       # directorate, a university, a school, a mosque, a park, a neighbourhood
                                       "merkezi", "hastanesi", "belediyesi", "müdürlüğü", "üniversitesi", "okulu",
                                       "lisesi", "camii", "mahallesi", "kaymakaml\u0131\u011f\u0131",
                                       "valili\u011fi"))
#: The part after the last hyphen of a station's or an airport's name ("Brussel-Zuid", "Barcelona-Sants",
#: "Genève-Aéroport", "Paris-Nord"), or a saint's part inside it ("Gent-Sint-Pieters"): the station or the place.
STATION_PART = frozenset(("zuid", "noord", "oost", "west", "centraal", "sants", "aéroport", "aeroport", "airport",
                          "flughafen", "hbf", "nord", "sud", "est", "ouest", "centre", "centrale", "central",
                          "termini", "aeropuerto", "aeroporto", "estació", "estacio", "chamartín", "atocha"))
_SAINT_PART = re.compile(r"-(?:Sint|Saint|Sainte|St|Ste|San|Sant|Santa|Sankt)-", re.IGNORECASE)


def station_name(word: str) -> bool:
    """One word joined by hyphens that names a station, an airport or a place by its parts ("Brussel-Zuid",
    "Gent-Sint-Pieters", "Genève-Aéroport"); not a double surname ("Smith-Jones")."""
    if "-" not in word.strip("-"):
        return False
    return word.rsplit("-", 1)[1].lower() in STATION_PART or _SAINT_PART.search(word) is not None
#: A saint's word opening a run ("St Elizabeth", "Saint-Renan", "Sainte-Foy", "Santa Maria", "São Brás", "Sankt
#: Gallen", Catalan "Sant Joan de Déu"): a parish, a town, a church or a hospital ("Santo" is also a given name,
#: and stays out).
SAINT_OPENING = re.compile(r"(?:St\.?|Saint|Sainte|Ste\.?|Sant|Santa|S[ãa]o|Sankt)(?:-|$)")
#: A lake's, a river's, a mountain's, a beach's or an island's word right before a name, in the languages that put
#: it first and in lower case ("lac Aguelmam Azegza", "lago di Garda", "playa de Las Canteras", "monte Perdido",
#: "île de Ré"): the place, named after someone or not.
NATURE_WORD_BEFORE = re.compile(
    r"(?<![^\W\d_])(?:lac|lago|lake|loch|lough|r[ií]o|rivi[èe]re|fleuve|river|mont|monte|mount|pic|pico|playa|"
    r"plage|praia|spiaggia|strand|[îi]le|isla|ilha|isola|island|baie|bah[ií]a|ba[ií]a|cap|cabo|val|vall[ée]e|valle|"
    r"for[êe]t|bosque|parc|parque|parco)\s+(?:(?:de|del|de\s+la|du|des|di|da|do|dos|das|della)\s+|d['\u2019]|"
    r"l['\u2019])?$")
#: A school's, a hospital's or a stadium's word right before a name, in lower case ("lycée Blaise Diagne", "escola
#: Professor Carlos", "hôpital Georges-Pompidou", "stade Léopold Senghor"): the body named after someone, not the
#: person ("la escuela de Juan", whose "de" is a possessive, is not read).
INSTITUTION_WORD_BEFORE = re.compile(
    r"(?<![^\W\d_])(?:lyc[ée]e|[ée]cole|coll[èe]ge|escuela|colegio|liceo|liceu|escola|gimnazjum|gymnasium|"
    r"universit[ée]|universidad|universidade|universit[àa]|h[ôo]pital|hospital|ospedale|clinique|cl[íi]nica|"
    r"stade|estadio|est[áa]dio|stadio|a[ée]roport|aeropuerto|aeroporto|gare|instituto|institut|istituto|"
    # a programme or a prize named after someone ("la beca Rita Cetina", "o programa Bolsa Família", "premio Cervantes")
    r"becas?|programas?|premios?|pr[êe]mios?|fondos?|fundaci[óo]n|funda[çc][ãa]o)\s+$")
#: A hospital's word or short form, then a doctor's title, right before a name: "RS dr. Soetomo", "RSUP Dr.
#: Sardjito" (Indonesian "rumah sakit": hospital, named after doctors), "Hospital Dr. Sótero del Río": the hospital,
#: not the doctor.
HOSPITAL_TITLE_BEFORE = re.compile(r"(?:\bRS[A-Z]{0,4}|\b[Rr]umah\s+[Ss]akit|\b[Hh]ospital|\b[Hh][ôo]pital|\b[Kk]linik|"
                                   r"\b[Cc]l[íi]nica|\b[Pp]uskesmas)\s+(?:dr|Dr|DR|prof|Prof)\.?\s*$")
#: Bodies of a kind listed by name: "hospitals such as Chris Hani Baragwanath", "banks like Nordea", "carriers
#: including Telus": each name is one of them.
KIND_SUCH_AS_BEFORE = re.compile(
    r"\b(?:hospitals|clinics|schools|colleges|universities|centres|centers|shelters|banks|companies|providers|"
    r"carriers|networks|operators|supermarkets|shops|stores|charities|organi[sz]ations|agencies|courts|libraries|"
    r"museums|airlines|insurers)\s+(?:such\s+as|like|including|e\.g\.,?)\s+$", re.IGNORECASE)
#: Spanish "en el", "en la" right before a name: one is in a place or a body ("en el Calderón Guardia", a
#: hospital; "en La Rioja"), never in a person.
IN_THE_BEFORE = re.compile(r"\b[Ee]n\s+(?:el|la|los|las)\s+$")
#: Dutch "bij de", "in de", "naar de" right before a name of two words or more: one works at, is in or goes to a
#: shop, a body or a place ("werkt bij de Albert Heijn"); a surname's own "de" ("bij de Vries") is one word after it.
AT_THE_NL_BEFORE = re.compile(r"\b(?:[Bb]ij|[Ii]n|[Nn]aar|[Vv]oor)\s+de\s+$")
#: A place's head word ending a run after a place's cue ("around Marina Bay", "near Hyde Creek"): the place. Some
#: are surnames too ("Michael Bay", "Ricki Lake"), so only after a cue.
PLACE_NAMED = frozenset(("bay", "beach", "creek", "harbour", "harbor", "island", "islands", "cove", "quay", "wharf",
                         "pier", "falls", "springs", "heights", "lake", "lakes", "reservoir", "marina", "waterfront"))
#: A compass point or "Greater", "Upper", "Lower" opening a run of two words or more ("the West Midlands", "North
#: Sydney", "Greater Manchester"): a region or a town.
COMPASS_OPENING = frozenset(("north", "south", "east", "west", "northern", "southern", "eastern", "western",
                             "greater", "upper", "lower"))
#: A river's, a lake's or a mountain's word opening a run of two words or more, in capitals ("River Severn", "Lake
#: Taupō", "Loch Ness", "Mount Kenya", "Mt Hood"): the place (a river or a lake is no one's given name here).
NATURE_OPENING = frozenset(("river", "lake", "loch", "lough", "mount", "mt"))
#: A park's, a forest's or a fjord's word ending a run, in the languages that write it last and in capitals
#: ("Jægersborg Dyrehave", "Thy Nationalpark", "Oslofjorden" aside): the place (none is a surname).
NATURE_NAMED = frozenset(("dyrehave", "dyrehaven", "nationalpark", "nationalparken", "naturpark", "naturreservat",
                          "naturreservatet", "fjord", "fjorden"))
#: A place's noun after a possessive name ("Martha's Vineyard", "Land's End", "St John's Point"): the place.
POSSESSIVE_PLACE = frozenset(("vineyard", "island", "bay", "head", "point", "cove", "harbour", "harbor", "creek", "end",
                              "landing", "ferry", "crossing", "wharf"))
#: A place's noun in lower case right after a name ("Donabate beach", "Uasin Gishu county"): the place's name.
PLACE_HEAD_AFTER = re.compile(
    r"[ \t]+(?:beach|beaches|lake|river|bay|island|islands|harbou?r|marina|reservoir|pier|waterfront|village|branch|"
    r"library|station|stop|town|county|district|province|valley|mountain|forest|trail|campsite|lido)\b")
#: "from", "to", "in" right before a town and its state.
FROM_TO_BEFORE = re.compile(r"\b(?:from|to|in|near|at)\s+$", re.IGNORECASE)
