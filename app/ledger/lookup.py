"""Finding carriers and people from what a clerk types or a scanner sends."""
from __future__ import annotations

import functools
import json
from typing import Any

from sqlalchemy import Select, bindparam, inspect, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from app.errors import BadInput, NotFound
from app.models.carriers import Carrier, Person
from app.models.movements import Movement

LEVEL_RANK = {"公开": -1, "内部": 0, "秘密": 1, "机密": 2, "绝密": 3}
# The highest 密级 a person of each clearance may read.
CLEARANCE_MAX = {"核心": "绝密", "重要": "机密", "一般": "秘密"}


def level_rank(level: str) -> int:
    try:
        return LEVEL_RANK[level]
    except KeyError:
        raise BadInput(f"未知的密级「{level}」，应为 内部、秘密、机密 或 绝密。") from None


def normalize_number(text: str) -> str:
    """A scanner types the number followed by Enter; people add spaces and full-width digits."""
    text = text.strip().replace("－", "-").replace("—", "-")
    return text.translate(str.maketrans("０１２３４５６７８９", "0123456789")).upper()


# Built once: building a Select and its cache key costs more than SQLite takes to answer
# it, and every operation on a carrier starts here.
_CARRIER_BY_NUMBER = select(Carrier).where(Carrier.number == bindparam("number"))


@functools.cache
def _by_id_statement(cls: type) -> Select:
    return select(cls).where(inspect(cls).primary_key[0] == bindparam("id"))


def by_id[T](s: Session, cls: type[T], ident: Any) -> T | None:
    """`s.get(cls, ident)` for the hot paths (every loan and return).

    Session.get builds, annotates and keys a new SELECT on every call that misses
    the identity map (a third more work than running one built once); this is the
    same lookup: the session's own copy when it has one (through Session.get,
    which also refreshes an expired one), otherwise the row by its primary key.
    """
    if identity_key(cls, ident) in s.identity_map:
        return s.get(cls, ident)
    return s.execute(_by_id_statement(cls), {"id": ident}).scalar_one_or_none()


def carrier_by_number(s: Session, number: str, *, for_update: bool = False) -> Carrier:
    number = normalize_number(number)
    carrier = s.scalars(_CARRIER_BY_NUMBER, {"number": number}).first()
    if carrier is None:
        raise NotFound(f"登记簿中没有编号为 {number} 的载体。")
    return carrier


# The carrier with the people named by id (one row per person found, or one with None).
_CARRIER_WITH_PEOPLE = (select(Carrier, Person)
                        .outerjoin(Person, Person.id.in_(bindparam("ids", expanding=True)))
                        .where(Carrier.number == bindparam("number")))


def carrier_with_people(s: Session, number: str,
                        *refs: str | int | None) -> tuple[Carrier, list[Person]]:
    """`carrier_by_number`, with the people that `refs` name by id loaded by the same
    query, so that the `person` calls that follow (a loan's approver and borrower)
    find them in the session instead of asking one by one.  Only a shortcut: a
    reference by name, or to nobody, is left for `person` to resolve and refuse.

    Hazard: the session holds rows weakly; keep the returned people while the
    `person` calls run, or they are dropped and read again.
    """
    number = normalize_number(number)
    ids = sorted({i for i in map(_person_id, refs) if i is not None})
    rows = s.execute(_CARRIER_WITH_PEOPLE, {"number": number, "ids": ids}).all()
    if not rows:
        raise NotFound(f"登记簿中没有编号为 {number} 的载体。")
    return rows[0][0], [p for _, p in rows if p is not None]


# The carrier with the loan now open on it and that loan's borrower.
_CARRIER_AND_LOAN = (select(Carrier, Movement, Person)
                     .outerjoin(Movement, Movement.id == Carrier.open_movement_id)
                     .outerjoin(Person, Person.id == Movement.person_id)
                     .where(Carrier.number == bindparam("number")))


def carrier_and_loan(s: Session, number: str) -> tuple[Carrier, Movement | None, Person | None]:
    """`carrier_by_number`, with the open loan (carrier.open_movement_id) and its borrower
    loaded by the same query: a return reads all three, and one ORM query at a time
    costs about twice as much.  (None, None) when no loan is open.  The caller checks
    the loan (loans.open_loan) as usual and finds these rows in the session, as long
    as it keeps the returned objects: the session holds rows weakly.
    """
    number = normalize_number(number)
    row = s.execute(_CARRIER_AND_LOAN, {"number": number}).first()
    if row is None:
        raise NotFound(f"登记簿中没有编号为 {number} 的载体。")
    return row[0], row[1], row[2]


_SQLITE_INT = range(-2**63, 2**63)


def _person_id(ref: str | int | None) -> int | None:
    """The id a reference names directly (an int or a string of digits) for the shortcut
    loads above, else None.  Anything odd (digits int() refuses, like "²", or a number
    SQLite cannot hold) is left to `person`, which decides as it always has."""
    if isinstance(ref, str) and ref.isdigit():
        try:
            ref = int(ref)
        except ValueError:
            return None
    return ref if isinstance(ref, int) and ref in _SQLITE_INT else None


def person(s: Session, ref: str | int | None, *, what: str = "人员") -> Person:
    """By id, by exact name, or by "姓名/部门" when two people share a name."""
    if ref is None or ref == "":
        raise BadInput(f"请填写{what}。")
    if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
        p = by_id(s, Person, int(ref))
        if p is None:
            raise NotFound(f"登记簿中没有编号为 {ref} 的{what}。")
        return p
    name, _, dept = str(ref).strip().partition("/")
    q = select(Person).where(Person.name == name.strip())
    if dept:
        q = q.where(Person.dept == dept.strip())
    found = list(s.scalars(q))
    if not found:
        raise NotFound(f"涉密人员登记中没有「{ref}」（{what}须是已登记的人员）。")
    if len(found) > 1:
        depts = "、".join(f"{p.name}/{p.dept}" for p in found)
        raise BadInput(f"有多位名为「{name}」的人员，请写作 姓名/部门：{depts}。")
    return found[0]


def optional_person(s: Session, ref: str | int | None, *, what: str = "人员") -> Person | None:
    return None if ref in (None, "") else person(s, ref, what=what)


def scope_of(carrier: Carrier) -> tuple[list[int], list[str]]:
    return json.loads(carrier.scope_people or "[]"), json.loads(carrier.scope_depts or "[]")
