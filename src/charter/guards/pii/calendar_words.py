"""The days of the week and the months in the languages citizens write to helpdesks, for the name finder.

Two capitalised words of which neither is English read as a person's name ("Rościsław Dudek"); a
weekday or a month among them makes them a day: "Jueves Santo", "Rosen Montag", "Καθαρά Δευτέρα" (Clean
Monday), "Μεγάλη Παρασκευή". Written as people type them, without accents (:func:`lexicon.fold`); a word
that is also a given name of the engine's lists ("Domingo", "Julio", "Mai") is left out, so that a name
such as "Nguyen Mai" stays a name.
"""

from __future__ import annotations

import functools

from charter.guards.pii.lexicon import fold, word_list
from charter.guards.pii.runs import given

__all__ = ["calendar_word", "feast_name"]

_DAYS_AND_MONTHS = frozenset(fold(w) for w in word_list(
    """
    lunes martes miércoles jueves viernes sábado domingo enero febrero marzo abril mayo junio julio agosto
    septiembre setiembre octubre noviembre diciembre
    segunda terça quarta quinta sexta janeiro fevereiro março maio junho julho setembro outubro novembro
    dezembro
    lundi mardi mercredi jeudi vendredi samedi dimanche janvier février mars avril juin juillet août septembre
    octobre décembre
    lunedì martedì mercoledì giovedì venerdì sabato domenica gennaio febbraio aprile maggio giugno luglio
    settembre ottobre dicembre
    dilluns dimarts dimecres dijous divendres dissabte diumenge gener febrer maig juny juliol agost desembre
    montag dienstag mittwoch donnerstag freitag samstag sonnabend sonntag rosenmontag januar jänner februar
    märz juni juli oktober dezember
    maandag dinsdag woensdag donderdag vrijdag zaterdag zondag januari februari maart mei augustus
    måndag tisdag onsdag torsdag fredag lördag söndag mandag tirsdag lørdag søndag augusti marts
    maanantai tiistai keskiviikko torstai perjantai lauantai sunnuntai tammikuu helmikuu maaliskuu huhtikuu
    toukokuu kesäkuu heinäkuu elokuu syyskuu lokakuu marraskuu joulukuu
    poniedziałek wtorek środa czwartek piątek sobota niedziela styczeń luty marzec kwiecień czerwiec lipiec
    sierpień wrzesień październik listopad grudzień
    pondělí úterý středa čtvrtek pátek neděle leden únor březen duben květen červen červenec srpen září říjen
    prosinec
    ponedjeljak utorak srijeda četvrtak petak subota nedjelja siječanj veljača ožujak travanj svibanj lipanj
    srpanj kolovoz rujan studeni ponedeljek torek četrtek nedelja septembar oktobar novembar decembar
    luni marți miercuri joi vineri sâmbătă duminică ianuarie februarie martie aprilie iunie iulie
    septembrie octombrie noiembrie decembrie
    hétfő kedd szerda csütörtök péntek szombat vasárnap január február március április május június július
    augusztus szeptember október
    pazartesi çarşamba perşembe cuma cumartesi pazar ocak şubat nisan haziran temmuz ağustos eylül ekim
    senin selasa rabu kamis jumat sabtu minggu isnin khamis januari maret agustus desember julai ogos disember
    miyerkules huwebes biyernes linggo pebrero marso hunyo hulyo setyembre oktubre nobyembre disyembre
    jumatatu jumanne jumatano alhamisi ijumaa jumamosi jumapili machi aprili agosti septemba oktoba novemba
    desemba
    pirmadienis antradienis trečiadienis ketvirtadienis penktadienis šeštadienis sekmadienis
    pirmdiena otrdiena trešdiena ceturtdiena piektdiena sestdiena svētdiena
    esmaspäev teisipäev kolmapäev neljapäev reede laupäev pühapäev jaanuar veebruar aprill juuni juuli
    oktoober detsember
    δευτέρα τρίτη τετάρτη πέμπτη παρασκευή σάββατο κυριακή ιανουάριος φεβρουάριος μάρτιος απρίλιος μάιος
    ιούνιος ιούλιος αύγουστος σεπτέμβριος οκτώβριος νοέμβριος δεκέμβριος ιανουαρίου φεβρουαρίου μαρτίου
    απριλίου μαΐου ιουνίου ιουλίου αυγούστου σεπτεμβρίου οκτωβρίου νοεμβρίου δεκεμβρίου
    понедельник вторник среда четверг пятница суббота воскресенье январь февраль март апрель июнь июль август
    сентябрь октябрь ноябрь декабрь января февраля марта апреля мая июня июля августа сентября октября ноября
    декабря понеділок вівторок середа четвер пʼятниця субота неділя січень лютий березень квітень травень
    червень липень серпень вересень жовтень грудень
    """
)) | frozenset(("sal\u0131", "may\u0131s", "kas\u0131m", "aral\u0131k"))  # Turkish, with its dotless i


#: Feast days that two capitalised words are named after ("Rosh Hashanah", "Yom Kippur", "Eid'l Adha", "Deepavali
#: Day"): a day too. Words that are also names ("Ramadan", "Eid", "Holi") stay out.
_FEASTS = frozenset(fold(w) for w in word_list(
    """
    hashanah hashana kippur sukkot succot shavuot pesach purim hanukkah chanukah hanukah simchat diwali deepavali
    navratri dussehra dasara pongal onam vesak wesak thaipusam nowruz norouz chuseok seollal songkran adha fitr
    al-adha al-fitr ul-adha ul-fitr
    """
))


#: Feast days named in several words, each of which may be a given name ("Hari" is one): Malay and Indonesian
#: "Hari Raya" (Eid), with its kind.
_FEAST_NAMES = frozenset((
    "hari raya", "hari raya haji", "hari raya puasa", "hari raya aidilfitri", "hari raya aidiladha", "hari raya korban",
    "hari raya idul fitri", "hari raya idul adha", "hari raya nyepi", "hari raya galungan",
    # Indian and Nepali festivals opening with a god's or a given name ("Raksha", "Ganesh", "Krishna")
    "raksha bandhan", "ganesh chaturthi", "vinayaka chaturthi", "makar sankranti", "guru nanak jayanti", "guru purab",
    "buddha purnima", "janai purnima", "guru purnima", "krishna janmashtami", "ram navami", "rama navami",
    "hanuman jayanti", "mahavir jayanti", "ambedkar jayanti", "gandhi jayanti", "durga puja", "kali puja",
    "lakshmi puja", "saraswati puja", "chhath puja", "vasant panchami", "bhai dooj", "bhai tika", "karva chauth",
))


def feast_name(words: str) -> bool:
    """``words`` (lower case, one space between them) name a feast day in several words ("hari raya haji"), or a Sri
    Lankan full-moon day ("Nikini Poya", "Vesak Full Moon Poya")."""
    return words in _FEAST_NAMES or (words.endswith(" poya") and len(words.split()) <= 4)


@functools.cache
def _days_and_months() -> frozenset[str]:
    return frozenset(w for w in _DAYS_AND_MONTHS | _FEASTS if not given(w))


def calendar_word(word: str) -> bool:
    """``word`` (lower case) is a day of the week, a month or a feast day in one of the languages above."""
    return fold(word) in _days_and_months()
