"""Word lists the PII engine reads: small, hand-kept sets plus one packaged list of English words."""

from __future__ import annotations

import functools
from importlib import resources

__all__ = [
    "COUNTRIES",
    "DAYS",
    "MONTHS",
    "NATIONALITIES",
    "NON_NAMES",
    "ORG_SUFFIXES",
    "STREET_MORPHEMES",
    "STREET_SUFFIXES",
    "common_words",
]

def _words(text: str) -> list[str]:
    return text.split()


MONTHS = frozenset(_words(
    """
    january february march april may june july august september october november december jan
    feb mar apr jun jul aug sep sept oct nov dec
    """
))
DAYS = frozenset(_words(
    """
    monday tuesday wednesday thursday friday saturday sunday
    """
))

COUNTRIES = frozenset(_words(
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
     "united arab emirates", "ivory coast", "dominican republic", "hong kong", "faroe islands"}
)

NATIONALITIES = frozenset(_words(
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
    """
))

STREET_SUFFIXES = frozenset(_words(
    """
    street st st. streets road rd rd. avenue ave ave. boulevard blvd blvd. lane ln ln. drive dr
    dr. court ct ct. place pl pl. way terrace terrasse square sq sq. parkway pkwy highway hwy
    circle cir crescent close bridge radial mews row hill park gardens grove trail plaza alley
    loop pike ridge point crossing junction estates walk wharf quay causeway view vista heights
    meadow meadows green route rue via calle gata gate vej veien vegen gade strasse straße allee
    gasse weg laan straat dreef plein utca tie katu kuja polku
    """
))

#: Endings of one-word street names in European languages (Koskikatu, Beiteveien, Hauptstraße).
STREET_MORPHEMES = (
    "straße", "strasse", "str.", "weg", "gasse", "platz", "allee", "ring", "damm", "ufer",
    "vej", "veien", "vegen", "vei", "gata", "gatan", "vägen", "gränd", "gade", "stræde",
    "tie", "katu", "kuja", "polku", "raitti", "laan", "straat", "dreef", "plein", "kade",
    "utca", "braut", "gata", "stígur", "vegur", "ulica", "cesta", "iela", "gatvė", "tänav",
)

ORG_SUFFIXES = frozenset(_words(
    """
    inc inc. ltd ltd. llc llp plc corp corp. corporation company co. group bank university
    college institute foundation association agency department ministry council systems
    technologies technology solutions consulting partners holdings services industries
    enterprises international labs laboratories society trust authority commission office
    orchestra incorporated gmbh ag sa s.a. bv nv oy ab as
    """
))

#: Capitalised words that are not names anywhere in a sentence.
NON_NAMES = frozenset(_words(
    """
    i i'm i'll i've i'd ok okay hi hello hey dear thanks thank please yes no mr mrs ms dr prof
    sir ssn iban id pin url ip pdf ceo faq tv usb api sql http https www dob nhs nino sin itin
    mbi dl e-mail email phone fax tel mobile address website name date when where who what why
    how christmas easter covid ai llm gpt
    """
))


@functools.cache
def common_words() -> frozenset[str]:
    """English lemmas and stop words: a sentence's first word in this list is not taken for a name."""
    text = resources.files("charter.guards.pii").joinpath("data/common_words.txt").read_text("utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))
