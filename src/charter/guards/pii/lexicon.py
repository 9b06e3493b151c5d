"""Word lists the PII engine reads: small, hand-kept sets plus one packaged list of English words."""

from __future__ import annotations

import bisect
import functools
import unicodedata
from array import array
from importlib import resources

__all__ = [
    "COUNTRIES",
    "DAYS",
    "GIVEN_NAMES",
    "MONTHS",
    "NATIONALITIES",
    "NON_NAMES",
    "ORG_SUFFIXES",
    "REGIONS",
    "STREET_MORPHEMES",
    "STREET_SUFFIXES",
    "STREET_TYPES",
    "WORLD_GIVEN_NAMES",
    "city_size",
    "common_words",
    "ordinary",
    "place_name",
    "word_list",
]

def word_list(text: str) -> list[str]:
    """The words of a list written as a block of text (the lexicons here and in their users)."""
    return text.split()


MONTHS = frozenset(word_list(
    """
    january february march april may june july august september october november december jan
    feb mar apr jun jul aug sep sept oct nov dec
    """
))
DAYS = frozenset(word_list(
    """
    monday tuesday wednesday thursday friday saturday sunday
    """
))

COUNTRIES = frozenset(word_list(
    """
    afghanistan albania algeria andorra angola argentina armenia australia austria azerbaijan
    bahamas bahrain bangladesh barbados belarus belgium belize benin bhutan bolivia bosnia
    botswana brazil brunei bulgaria burundi cambodia cameroon canada chad chile china colombia
    comoros congo croatia cuba cyprus czechia denmark djibouti dominica ecuador egypt eritrea
    estonia eswatini ethiopia fiji finland france gabon gambia georgia germany ghana greece
    greenland grenada guatemala guinea guyana haiti honduras hungary iceland india indonesia
    iran iraq ireland israel italy jamaica japan jordan kazakhstan kenya kiribati kosovo kuwait
    kyrgyzstan laos latvia lebanon lesotho liberia libya liechtenstein lithuania luxembourg
    madagascar malawi malaysia maldives mali malta mauritania mauritius mexico micronesia
    moldova monaco mongolia montenegro morocco mozambique myanmar namibia nauru nepal
    netherlands nicaragua niger nigeria norway oman pakistan palau palestine panama paraguay
    peru philippines poland portugal qatar romania russia rwanda samoa senegal serbia seychelles
    singapore slovakia slovenia somalia spain sudan suriname sweden switzerland syria taiwan
    tajikistan tanzania thailand togo tonga tunisia turkey turkmenistan tuvalu uganda ukraine
    uruguay uzbekistan vanuatu venezuela vietnam yemen zambia zimbabwe usa uk england scotland
    wales
    """
)) | frozenset(
    {"united states", "united kingdom", "south africa", "new zealand", "south korea", "north korea",
     "czech republic", "sri lanka", "saudi arabia", "costa rica", "puerto rico", "el salvador",
     "united arab emirates", "ivory coast", "dominican republic", "hong kong", "faroe islands",
     # the other countries and territories whose names have more than one word (ISO 3166-1 short
     # names and their usual English forms): "in the Solomon Islands" is a place, not a person
     "solomon islands", "marshall islands", "cook islands", "cayman islands", "virgin islands", "falkland islands",
     "british virgin islands", "northern mariana islands", "pitcairn islands", "turks and caicos islands",
     "åland islands", "aland islands", "canary islands", "channel islands", "cabo verde", "cape verde",
     "sierra leone", "burkina faso", "south sudan", "east timor", "timor-leste", "papua new guinea",
     "trinidad and tobago", "antigua and barbuda", "saint lucia", "st lucia", "saint kitts and nevis",
     "st kitts and nevis", "saint vincent and the grenadines", "bosnia and herzegovina", "north macedonia",
     "san marino", "equatorial guinea", "central african republic", "guinea-bissau", "new caledonia",
     "french polynesia", "french guiana", "isle of man", "american samoa", "vatican city", "holy see",
     "western sahara", "sao tome and principe", "são tomé and príncipe", "wallis and futuna",
     "saint pierre and miquelon", "saint barthélemy", "saint martin", "sint maarten", "the gambia", "the bahamas",
     "macau", "macao", "gibraltar", "bermuda", "guam", "réunion", "reunion", "martinique", "guadeloupe",
     "mayotte", "curaçao", "curacao", "aruba", "anguilla", "montserrat", "tokelau", "niue"}
)

#: States, provinces and the like: coarse geography, personal only where someone lives or comes from.
REGIONS = frozenset(word_list(
    """
    alabama alaska arizona arkansas california colorado connecticut delaware florida georgia hawaii
    idaho illinois indiana iowa kansas kentucky louisiana maine maryland massachusetts michigan
    minnesota mississippi missouri montana nebraska nevada ohio oklahoma oregon pennsylvania
    tennessee texas utah vermont virginia washington wisconsin wyoming alberta manitoba ontario
    quebec québec saskatchewan yukon nunavut bavaria catalonia andalusia lombardy tuscany ulster
    """
)) | frozenset(
    {"new hampshire", "new jersey", "new mexico", "new york", "north carolina", "north dakota", "rhode island",
     "south carolina", "south dakota", "west virginia", "district of columbia", "british columbia",
     "new brunswick", "nova scotia", "prince edward island", "northern ireland", "northwest territories",
     "newfoundland and labrador", "new south wales", "western australia", "south australia"}
)

NATIONALITIES = frozenset(word_list(
    """
    american british english scottish welsh irish canadian mexican brazilian argentinian chilean
    peruvian colombian cuban french german dutch belgian swiss austrian italian spanish
    portuguese greek turkish russian ukrainian polish czech slovak slovenian slovene croatian
    serbian bosnian hungarian romanian bulgarian albanian swedish norwegian danish finnish
    icelandic estonian latvian lithuanian chinese japanese korean vietnamese thai filipino
    indonesian malaysian indian pakistani bangladeshi nepali iranian iraqi israeli arab arabic
    egyptian moroccan algerian tunisian nigerian kenyan ethiopian ghanaian somali australian
    greenlander chechen georgian armenian kazakh uzbek mongolian jewish muslim christian
    catholic protestant hindu buddhist sikh latino hispanic african asian european
    nordic scandinavian baltic balkan caribbean arabian philippine singaporean taiwanese cambodian laotian
    burmese afghan syrian lebanese jordanian saudi emirati qatari kuwaiti yemeni omani sudanese eritrean
    ugandan tanzanian rwandan congolese cameroonian senegalese ivorian malian zimbabwean zambian malawian
    mozambican angolan namibian jamaican haitian venezuelan ecuadorian bolivian paraguayan uruguayan
    guatemalan salvadoran honduran nicaraguan panamanian maltese cypriot moldovan belarusian macedonian
    montenegrin kosovar azerbaijani kyrgyz tajik turkmen samoan tongan fijian maori luxembourgish
    """
))

#: Street suffixes: the USPS standard list (Publication 28, appendix C1, with plurals), the usual
#: British and Irish ones and the Scandinavian, German and Dutch words written apart.
STREET_SUFFIXES = frozenset(word_list(
    """
    street st st. streets road rd rd. roads avenue ave ave. avenues boulevard blvd blvd. lane ln ln.
    lanes drive dr dr. drives court ct ct. courts place pl pl. places way ways terrace terrasse square
    sq sq. squares parkway pkwy parkways highway hwy circle cir circles crescent close bridge
    bridges radial mews row hill hills park parks gardens garden grove groves trail trails plaza
    alley allee loop pike ridge ridges point points crossing crossings junction junctions
    estates estate walk walks wharf quay causeway view views vista heights meadow meadows green
    greens route rue via calle gata gate vej veien vegen gade strasse straße gasse weg laan mnt pst tn maantee
    puiestee tänav iela
    straat dreef plein utca tie katu kuja polku anex annex arcade bayou bayous beach bend bends
    bluff bluffs bottom branch brook brooks burg burgs bypass camp canyon cape center
    centers cliff cliffs club common commons corner corners course cove coves creek crest
    crossroad crossroads curve dale dam divide expressway extension extensions fall falls ferry
    field fields flat flats ford fords forest forge forges fork forks fort freeway gateway glen
    glens harbor harbors harbour haven hollow inlet island islands isle key keys knoll knolls lake
    lakes land landing light lights loaf lock locks lodge manor manors mill mills mission
    motorway mount mountain mountains neck orchard oval overpass pass passage path pine pines
    plain plains port ports prairie ramp ranch rapid rapids rest river run shoal shoals shore
    shores skyway spring springs spur spurs station stravenue stream summit throughway trace track
    trafficway trailer tunnel turnpike underpass union unions valley valleys viaduct village
    villages ville wall well wells rise wynd vale yard parade circus drove chase croft fold garth
    side brae approach broadway concourse esplanade promenade grange lea paddock pathway boardwalk
    access amble anchorage brace break circuit cross entrance glade link outlook ramble retreat
    reserve round serviceway steps strip subway turn upper
    út útja körút tér tere sétány fasor rakpart u.
    g. pr. al. a. skg. prosp. prospektas alėja aikštė prospekts bulvāris laukums
    """
))

#: Words that open a street's name in Romance and Slavic languages (Calle Mayor 5, ulica Majowa 76).
STREET_TYPES = frozenset(word_list(
    """
    ul. ulica al. aleja plac os. osiedle rue avenue av. av avenida boulevard bd chemin impasse allée triq heol stryd
    quai route cours via viale vicolo vico piazza piazzale largo corso strada contrada borgo canale
    incrocio rotonda salita stretto lungomare località calle callejón callejon cerrada circuito retorno
    privada prolongación andador calzada camino carrera pasaje paseo plaza plazuela ronda travesía
    glorieta rambla acceso bajada barrio cañada carretera cuesta pasadizo polígono senda urbanización
    periférico circunvalación diagonal rúa rua travessa alameda praça estrada rodovia conjunto núcleo
    passarela trevo quadra setor lote loteamento ladeira beco vereda sítio chácara fazenda residencial
    jardim esplanada distrito parque feira campo colônia condomínio lagoa morro pátio recanto trecho
    viaduto viela vila carrer plaça passeig avinguda travessera travessia
    """
))

#: Endings of one-word street names in European languages (Koskikatu, Beiteveien, Hauptstraße).
STREET_MORPHEMES = (
    "straße", "strasse", "str.", "weg", "gasse", "platz", "allee", "ring", "damm", "ufer", "steig", "gürtel",
    "chaussee", "graben", "zeile", "vegi", "vegur", "götu", "stræti", "burgwal", "dijk",
    "vej", "veien", "vegen", "vei", "gata", "gatan", "vägen", "väg", "gränd", "gade", "stræde", "stigen",
    "stig", "backe", "backen", "torg", "torget", "leden", "allén", "gränden",
    "tie", "katu", "kuja", "polku", "raitti", "bulevardi", "kaari", "rinne", "väylä", "laan", "straat",
    "dreef", "plein", "kade", "singel", "gracht", "steeg", "hof", "pad", "baan",
    "utca", "braut", "stígur", "vegur", "ulica", "cesta", "iela", "gatvė", "tänav", "ská", "cká",
)

ORG_SUFFIXES = frozenset(word_list(
    """
    inc inc. ltd ltd. llc llp plc corp corp. corporation company co. group bank university utilities
    college institute foundation association agency department ministry council systems
    technologies technology solutions consulting partners holdings services industries
    enterprises international labs laboratories society trust authority commission office
    orchestra incorporated gmbh ag sa s.a. bv nv oy ab as hb kg s.l. s.a.u s.c.p a.s. s.r.o. s.r.l.
    srl spa s.p.a. lda ltda sarl sas plc pty oyj asa aps sons figli asociados grupo
    """
))

#: Capitalised words that are not names anywhere in a sentence (question words and "until"/"since" of
#: the languages a citizen's question opens with as well as English's: "¿Hasta cuándo ...?").
NON_NAMES = frozenset(word_list(
    """
    i i'm i'll i've i'd ok okay hi hello hey dear thanks thank please yes no mr mrs ms dr prof
    sir miss mx rev hon dame ssn iban id pin url ip pdf ceo faq tv usb api sql http https www dob nhs nino sin itin
    mbi dl e-mail email phone fax tel mobile address website name date when where who what why
    how christmas easter covid ai llm gpt
    herr herrn frau señor señora sr sra srta signor signora monsieur madame mme mlle mzee bwana bibi mama mheshimiwa
    hasta desde dónde cuándo cuando cómo qué quién quiénes cuál cuáles cuánto cuánta cuántos cuántas
    onde quando quem quanto quanta porque où quand comment pourquoi combien quel quelle quels quelles
    wann warum welche welcher welches dove perché quale quanti quante
    wie wo was mekkora mennyi hogyan mikor hol miért milyen hány bagaimana kapan dimana berapa apa apakah
    bisakah bolehkah mengapa kenapa cara paano kailan saan magkano bakit vipi lini wapi ngapi nasil nerede
    neden kaç kiedy gdzie ile dlaczego czy kdy kde kolik proč când unde cât kako kada gdje gde koliko zašto
    hoe wanneer waar hoeveel waarom hur när varför hvordan når hvor hvorfor miten milloin missä paljonko miksi
    nas\u0131l sasa yeni
    sie ihr ihre ihnen ihrem ihren ihrer ihres euch euer eure dich dir dein deine wenn
    anda saya kami kita kamu beliau usted ustedes vd vds ud uds você vocês
    guten grüß grüss gott goedemiddag goedemorgen goedenavond hallo merhaba habari hei hej hola buenos buenas
    bonjour bonsoir salut ciao buongiorno buonasera olá oi bom boa dobry dzień szia selamat chào kumusta jambo
    salaam namaste jaki jaka jakie jakiej którego która który
    kia ora talofa bula aloha mabuhay kamusta sawubona dumela molo howzit shalom salam assalamu marhaba
    namaskar vanakkam privet
    griaß griass grias eana enk servus grüezi gruezi moin moien aló alô allô
    kimlik
    """
))


def _data_words(name: str) -> frozenset[str]:
    text = resources.files("charter.guards.pii").joinpath(f"data/{name}").read_text("utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


#: Given names that are also English words ("grace", "mark", "lucy"): data/given_names.txt says where
#: they come from. A run of English words is a person's name only when it opens with one of these.
GIVEN_NAMES = _data_words("given_names.txt")
#: Given names from many cultures (data/world_given_names.txt says where they come from): the sign
#: names.py asks of a capitalised run with no cue before it reports a person.
WORLD_GIVEN_NAMES = _data_words("world_given_names.txt")


@functools.cache
def common_words() -> frozenset[str]:
    """English lemmas and stop words: a sentence's first word in this list is not taken for a name."""
    return _data_words("common_words.txt")


_INFLECTIONS = (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e"),
                ("ly", ""), ("'s", ""), ("\u2019s", ""))


#: Irregular past forms, participles and plurals, which the lemma list does not hold.
IRREGULAR = frozenset(word_list(
    """
    told said went gone came took taken made got gotten gave given found thought knew known left
    felt kept brought began begun sent spent paid met ran saw seen heard held stood understood
    wrote written spoke spoken chose chosen drove driven bought caught taught sold lost won built
    meant read led fell fallen grew grown threw thrown wore worn broke broken forgot forgotten
    became shown hid hidden rode ridden rose risen sat slept struck swore swum tore torn woke woken
    children people men women feet teeth mice geese lives wives knives leaves halves selves criteria
    phenomena analyses crises theses indices appendices
    """
))


@functools.lru_cache(maxsize=1 << 16)
def ordinary(word: str) -> bool:
    """``word`` (lower case) is an English word or an inflection of one ("payments", "discussed",
    "told", "follow-up")."""
    words = common_words()
    if word in words or word in IRREGULAR:
        return True
    if "-" in word.strip("-"):
        return all(ordinary(part) for part in word.split("-") if part)
    return any(word.endswith(suffix) and len(word) - len(suffix) >= 3 and word[: -len(suffix)] + stem in words
               for suffix, stem in _INFLECTIONS)


def fold(text: str) -> str:
    """Lower case without accents ("Sénégal" -> "senegal"): how data/places.txt is written."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))


@functools.cache
def _places() -> array[int]:
    """Towns, cities, countries, US states and counties from GeoNames (data/places.txt says where from)
    with the countries and regions above, folded: read at the first run that asks (0.3 s of CPU, once), kept
    as the sorted hashes of the names (2.3 MB, not the 30 MB of 288,000 strings; a name not in the list
    matches one of them by chance about once in 10^13 lookups)."""
    hashes = array("q", (hash(fold(w)) for w in COUNTRIES | REGIONS))
    with resources.files("charter.guards.pii").joinpath("data/places.txt").open("r", encoding="utf-8") as lines:
        hashes.extend(hash(line.rstrip("\n")) for line in lines if not line.startswith("#"))  # one line at a time
    ordered = sorted(hashes)
    return array("q", (h for i, h in enumerate(ordered) if i == 0 or h != ordered[i - 1]))


def load_places() -> None:
    """Read the place lists now (the engine does at start, so that no request pays their 0.3 s)."""
    _places()
    _big_cities()


def _known_place(key: str) -> bool:
    table = _places()
    h = hash(key)
    i = bisect.bisect_left(table, h)
    return i < len(table) and table[i] == h


#: Abbreviations that open a place's name ("St Vincent", "Ste-Foy", "Mt Hagen", "Ft Worth").
_PLACE_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "mt": "mount", "ft": "fort", "pt": "port"}
#: "Saint-Louis du Sénégal", "Santiago de Chile", "Newport in Wales": a place, then the country or
#: region it is in.
_QUALIFIED = ("du", "de", "de la", "del", "di", "do", "da", "of", "in", "d'", "in der", "am", "an der", "na", "w")


def place_name(value: str) -> bool:
    """``value`` (a capitalised run's text) names a town, a city, a country or a region in GeoNames, in
    any of the forms it lists (local and English names, without accents, "St" for "Saint"), or a
    place followed by the country or region it is in ("Saint-Louis du Sénégal")."""
    low = value.lower() if value.isascii() else fold(value).replace("\u2019", "'")
    words = low.replace(".", " ").split()
    if not words:
        return False
    words[0] = _PLACE_ABBREVIATIONS.get(words[0], words[0])
    if _known_place(" ".join(words)):
        return True
    for i in range(1, len(words) - 1):
        for n in (2, 1):
            if (i + n < len(words) and " ".join(words[i:i + n]) in _QUALIFIED
                    and _known_place(" ".join(words[:i])) and _known_place(" ".join(words[i + n:]))):
                return True
    return False


@functools.cache
def _big_cities() -> dict[str, int]:
    """data/big_cities.txt: each city's name of 100,000 people or more and its order of magnitude (5 or 6)."""
    text = resources.files("charter.guards.pii").joinpath("data/big_cities.txt").read_text("utf-8")
    return {name: int(size) for name, _, size in (line.partition("\t") for line in text.splitlines())
            if name and not name.startswith("#")}


def city_size(value: str) -> int:
    """The order of magnitude of the largest city GeoNames names ``value`` (5: 100,000 people or more, 6: a million
    or more), 0 for a smaller town or no place: "Lille" 5, "London" 6, "Garcia" 0 (a town of 94,000)."""
    return _big_cities().get(value.lower() if value.isascii() else fold(value).replace("\u2019", "'"), 0)
