"""The outline's records: the sentences to write, in sections, with the dek and timeline.

Kept apart from ``outline`` (which chooses them) so the passes that refine a finished outline
(``polish``) and the writers that turn it into prose use them without importing the chooser.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from global24.writing.differ import Disagreement
from global24.writing.timeline import Entry


@dataclass
class Planned:
    """A sentence to be written: an evidence unit plus an optional attribution prefix."""

    unit: int
    prefix: str = ""
    quoted: bool = False  # wrap the unit's text in quotation marks (posts)
    # a quotation of several units (a whole post) opens on its first and closes on its last
    opens: bool = True
    closes: bool = True


@dataclass
class PlannedSection:
    kind: str
    heading: str
    paragraphs: list[list[Planned]] = field(default_factory=list)

    def units(self) -> list[int]:
        return [p.unit for para in self.paragraphs for p in para]


@dataclass
class Outline:
    sections: list[PlannedSection]
    dek: int | None
    timeline: list[Entry]
    disagreements: list[Disagreement]
