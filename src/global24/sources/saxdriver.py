"""The xml.sax driver feedparser parses feeds with: expat, with its character data buffered.

xml.sax's expat reader hands text to the content handler in the pieces expat
happens to produce: a piece per line, per entity and per buffer boundary.
feedparser spends a Python call, a content-type lookup and a list append on each
piece, then joins them when the element ends. With ``buffer_text`` expat joins
adjacent pieces itself and the handler sees one call per run of text; what it
builds is the same, since the pieces were only ever concatenated. (feeds.py
names this module in ``feedparser.api.PREFERRED_XML_PARSERS``; xml.sax imports
a driver by name and calls its ``create_parser``.)
"""

from __future__ import annotations

from xml.sax.expatreader import ExpatParser


class BufferedExpatParser(ExpatParser):
    """xml.sax's expat reader with ``buffer_text`` on."""

    def reset(self) -> None:
        super().reset()  # makes a fresh pyexpat parser for every document
        self._parser.buffer_text = True


def create_parser() -> BufferedExpatParser:
    """The driver entry point xml.sax.make_parser calls."""
    return BufferedExpatParser()
