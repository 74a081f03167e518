"""Finding carriers and people from what a clerk types or a scanner sends."""
from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import BadInput, NotFound
from app.models.carriers import Carrier, Person

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


def carrier_by_number(s: Session, number: str, *, for_update: bool = False) -> Carrier:
    number = normalize_number(number)
    carrier = s.scalars(select(Carrier).where(Carrier.number == number)).first()
    if carrier is None:
        raise NotFound(f"登记簿中没有编号为 {number} 的载体。")
    return carrier


def person(s: Session, ref: str | int | None, *, what: str = "人员") -> Person:
    """By id, by exact name, or by "姓名/部门" when two people share a name."""
    if ref is None or ref == "":
        raise BadInput(f"请填写{what}。")
    if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
        p = s.get(Person, int(ref))
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
