"""The writer interface and its registry.

A writer turns an outline (sections with their evidence) into sections of cited
sentences. Verification runs after every writer, in the engine, so a writer may
be wrong without the article being wrong. Writers register under the name used
in the ``writer`` setting.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from global24.models import Citation, Section, Sentence
from global24.settings import Settings
from global24.writing.evidence import Evidence
from global24.writing.planned import Outline, Planned


@dataclass
class Draft:
    """A writer's output before verification, with notes on how it went."""

    sections: list[Section]
    writer: str
    notes: list[str] = field(default_factory=list)


class WriterError(RuntimeError):
    """The writer could not produce a draft (the engine falls back and records why)."""


class Writer(Protocol):
    name: str

    def draft(self, ev: Evidence, outline: Outline, settings: Settings) -> Draft: ...


WRITERS: dict[str, Callable[[Settings], Writer]] = {}


def register(name: str) -> Callable:
    """Class decorator: make a writer available under ``name``."""

    def deco(factory: Callable[[Settings], Writer]) -> Callable[[Settings], Writer]:
        WRITERS[name] = factory
        return factory

    return deco


def get_writer(name: str, settings: Settings) -> Writer:
    """The writer registered as ``name`` (importing the built-in backends on first use)."""
    from global24.writing import extractive, llm  # noqa: F401  (registration side effect)

    if name not in WRITERS:
        raise KeyError(f"unknown writer {name!r}; known: {', '.join(sorted(WRITERS))}")
    return WRITERS[name](settings)


def citations_for(ev: Evidence, uid: int) -> list[Citation]:
    """The unit's own span first, then every other item that carries the same sentence."""
    u = ev.units[uid]
    out = [Citation(u.item_id, u.text, u.start, u.end)]
    seen = {u.item_id}
    for other in sorted(ev.same_claim(uid), key=lambda x: (x.duplicate, -x.score)):
        if other.item_id in seen:
            continue
        seen.add(other.item_id)
        out.append(Citation(other.item_id, other.text, other.start, other.end))
    return out


def sentence_for(ev: Evidence, p: Planned) -> Sentence:
    """The sentence a planned unit becomes in an extractive rendering."""
    from global24.writing.outline import _lower_first

    u = ev.units[p.unit]
    body = u.text
    if p.quoted:  # a quoted post of several units opens on its first and closes on its last
        body = ("“" if p.opens else "") + body + ("”" if p.closes else "")
    elif p.prefix:
        body = _lower_first(ev, body)
    return Sentence(p.prefix + body, citations_for(ev, p.unit))
