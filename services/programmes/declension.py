"""Names in the case the order's sentence needs («Назначить … Васильеву Марину Андреевну»), by pymorphy3.

A name comes as «Фамилия Имя Отчество»; the gender is read from the patronymic, or else from the given name. A name
the dictionary does not know in every part (a foreign or unusual one) is printed as written: never half-declined.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Literal

import pymorphy3

Case = Literal["gent", "datv", "accs", "ablt", "loct"]
_CYRILLIC = re.compile(r"^[А-ЯЁа-яё]+(?:-[А-ЯЁа-яё]+)*$")


@cache
def _morph() -> pymorphy3.MorphAnalyzer:
    return pymorphy3.MorphAnalyzer(lang="ru")


def decline(full_name: str, case: Case) -> str:
    """One person's name in `case`; as written when it cannot be declined with confidence."""
    parts = full_name.split()
    if not 2 <= len(parts) <= 3 or not all(_CYRILLIC.match(p) for p in parts):
        return full_name
    surname, name, *rest = parts
    patronymic = rest[0] if rest else None
    gender = _gender(name, patronymic)
    if gender is None:
        return full_name
    declined = [
        _word(surname, "Surn", gender, case),
        _word(name, "Name", gender, case),
        *([_word(patronymic, "Patr", gender, case)] if patronymic else []),
    ]
    if any(w is None for w in declined):
        return full_name
    return " ".join(w for w in declined if w)


def decline_list(names: str, case: Case) -> str:
    """Several names joined by commas, as the pairs' domain prints the mentees of a group."""
    return ", ".join(decline(n.strip(), case) for n in names.split(",") if n.strip())


def _gender(name: str, patronymic: str | None) -> str | None:
    for word, tag in ((patronymic, "Patr"), (name, "Name")):
        if not word:
            continue
        found = [p for p in _morph().parse(word) if {tag, "nomn"} in p.tag]
        genders = {str(p.tag.gender) for p in found if p.tag.gender}
        if len(genders) == 1:
            return genders.pop()
        if found and found[0].tag.gender in ("masc", "femn"):
            return str(found[0].tag.gender)
    return None


def _word(word: str, kind: str, gender: str, case: Case) -> str | None:
    """A (possibly double-barrelled) part of the name; None when some piece of it is not known as such."""
    pieces = [_piece(piece, kind, gender, case) for piece in word.split("-")]
    if any(p is None for p in pieces):
        return None
    return "-".join(p for p in pieces if p)


def _piece(word: str, kind: str, gender: str, case: Case) -> str | None:
    for parse in _morph().parse(word):
        tag = parse.tag
        if "nomn" not in tag or "plur" in tag:
            continue
        fits_gender = "ms-f" in tag or tag.gender == gender
        is_kind = kind in tag or (kind == "Surn" and tag.POS == "ADJF" and tag.gender == gender)
        if not (is_kind and fits_gender):
            continue
        if "Fixd" in tag:
            return word  # indeclinable: Шевченко, Дюма, Белых
        inflected = parse.inflect({case}) if tag.POS != "ADJF" else parse.inflect({case, "sing", gender})
        return _like(word, inflected.word) if inflected else None
    return None


def _like(original: str, word: str) -> str:
    """The dictionary answers in lower case; the name keeps its capital (and the rest of its letters' case)."""
    return word[:1].upper() + word[1:] if original[:1].isupper() else word
