"""The extractive writer: the outline's evidence, as written by its sources, each cited.

Deterministic and offline. Sentences are exact source spans after light
compression (datelines, bylines and boilerplate are already gone from the
evidence); attribution prefixes are added where the outline asks for them.
"""

from __future__ import annotations

from global24.models import Section
from global24.settings import Settings
from global24.writing.base import Draft, register, sentence_for
from global24.writing.evidence import Evidence
from global24.writing.planned import Outline


@register("extractive")
class ExtractiveWriter:
    name = "extractive"

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings

    def draft(self, ev: Evidence, outline: Outline, settings: Settings) -> Draft:
        sections = [
            Section(ps.heading, ps.kind, [[sentence_for(ev, p) for p in para] for para in ps.paragraphs])
            for ps in outline.sections
        ]
        return Draft(sections, "extractive")
