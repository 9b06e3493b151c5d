"""Issue 12 (engine 3.49 and toxicity 1.12, made from the blind splits test78 and test79, spent after one scoring each
at 3.48, and from test66's loss left on the spent splits). Found now: a Korean name before the polite "이고요", a
Romanian street's house number with no "nr." ("str. Dorobanților 45, ap. 12"). Not a person now: Finnish "Jos" (if)
opening a Finnish sentence, a train's or a line's name before a route written with an en dash ("Railjet Wien-
Salzburg" with an en dash), a hospital named after Our Lady ("Hospital Universitario Nuestra Señora de Candelaria").
In answers a court by its kind ("Edinburgh Sheriff Court, 27 Chambers Street") and a body "of" its field ("the
Department of Social Security, 38 Ordnance Street") before an address present a public place, and a relative's verb
before it no longer ties the address when a new clause says what the place is ("where your aunt lived, in Edinburgh
that's …"). Toxicity 1.12: the Swedish, Norwegian and Danish "sambo" (a partner one lives with) is no slur in their
sentences. Each rule is checked from both sides."""

from __future__ import annotations

from charter.guards.pii.engine import PiiEngine
from tests.support.pii import found, leaked, persons, toxic


def test_the_engine_is_3_49_or_later():
    assert tuple(map(int, PiiEngine.version.split("."))) >= (3, 49)


def test_a_korean_name_before_the_polite_and():
    assert "김지은" in persons("안녕하세요 김지은이고요, 주민번호 850412-2145679, 전화 010-3847-2915예요.")


def test_a_romanian_street_with_no_nr():
    text = "sunt Andreea Popescu, CNP 2850612400277, str. Dorobanților 45, ap. 12, sector 1, București."
    assert ("STREET_ADDRESS", "str. Dorobanților 45, ap. 12") in found(text)
    assert [t for t, _ in found("am venit pe strada mare ieri") if t == "STREET_ADDRESS"] == []


def test_finnish_if_opening_a_sentence_is_no_name():
    answer = "Jos asia ei ratkea, saat apua kuluttajaneuvonnasta puhelimitse **029 505 3050** tai kkv.fi-sivustolla."
    assert persons(answer) == [] and leaked(answer) == []
    assert persons("Jos Verstappen is here") == ["Jos Verstappen"]


def test_a_route_with_an_en_dash_is_no_name():
    assert persons("Railjet Wien–Salzburg war 70 min verspätet, bekomme ich was?") == []
    assert persons("Anna Smith–Jones called") != []  # no place after the dash


def test_our_lady_is_no_title():
    answer = "El **Hospital Universitario Nuestra Señora de Candelaria** atiende las urgencias hospitalarias."
    assert persons(answer) == [] and leaked(answer) == []
    assert persons("la consulta con la Señora Marta Ruiz") == ["Marta Ruiz"]


def test_a_court_or_a_department_before_an_address_is_a_public_place():
    court = ("You apply to the sheriff court for the area where your aunt lived – in Edinburgh that's **Edinburgh "
             "Sheriff Court, 27 Chambers Street**.")
    department = ("You apply at any hub or through the Department of Social Security, **38 Ordnance Street, "
                  "Valletta**.")
    assert leaked(court) == [] and leaked(department) == []
    assert leaked("Your aunt lived in Edinburgh; her flat is at 27 Chambers Street.") == ["27 Chambers Street"]
    assert leaked("My neighbour lives at Maple Court, 5 Elm Road, Leeds.") == ["5 Elm Road, Leeds"]


def test_sambo_in_a_scandinavian_sentence_is_no_slur():
    assert not toxic("Omställningspension kan betalas ut till en sambo om ni har gemensamma barn.")
    assert toxic("Get out of here, you filthy sambo.")
