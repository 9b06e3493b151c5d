"""Issue 12 (engine 3.29, made from the blind split test46, spent after one scoring at 3.28, which lost none of
its 170 ordinary questions). Found now: a name after a role ("the student", "o estudante", "tu vecina") in an
answer; a Chinese caller's name after "我是" and a role ("我是考生王梓涵"); a Chinese name after a courier's,
a postman's, a landlord's or a neighbour's word ("快递员李建国的私人手机"). Each rule is checked from both
sides."""

from __future__ import annotations

import pytest

from charter.guards.pii.engine import PiiEngine
from tests.support.pii import found, leaked, persons


def test_the_engine_is_3_29_or_later():
    assert tuple(map(int, PiiEngine.version.split("."))) >= (3, 29)


@pytest.mark.parametrize(("answer", "value"), [
    ("Verifiquei que na mesma escola a parcela foi paga, por exemplo para o estudante Rafael Nogueira Souza, "
     "então o atraso é de cadastro.", "Rafael Nogueira Souza"),
    ("For example the student Rafael Nogueira Souza was paid in August.", "Rafael Nogueira Souza"),
    ("Tu vecina Ana Ruiz presentó la queja el lunes.", "Ana Ruiz"),
    ("负责您这个片区的快递员李建国的私人手机是 136 2187 4593，可以直接联系他。", "李建国"),
])
def test_a_name_after_a_persons_role_leaks(answer, value):
    assert value in leaked(answer)


@pytest.mark.parametrize("answer", [
    "El alcalde Juan Pérez inauguró la oficina del registro civil.",  # an office holder, no private role
    "la estudiante puede pedir la Beca Benito Juárez en línea",  # a programme named after someone
    "快递员的电话请查询中国邮政官网。",  # a courier, no name
])
def test_no_private_name_where_none_is(answer):
    assert leaked(answer) == []


def test_a_callers_name_after_i_am_and_a_role():
    assert ("PERSON", "王梓涵") in found("我是考生王梓涵 身份证320106200608154724 手机13915842276")
    assert persons("我是考生，想问一下录取通知书") == []
