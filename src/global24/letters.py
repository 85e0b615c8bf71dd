"""Character classes the standard ``re`` module lacks."""

from __future__ import annotations

import unicodedata


def _mark_ranges() -> str:
    """Every combining mark (Unicode category M) as the body of a ``re`` character class.

    Python's ``\\w`` leaves the marks out, and whole scripts write vowels with them: Devanagari,
    Bengali, Tamil, Thai. ``\\w+`` cut "प्रधानमंत्री" into five pieces of consonants and two
    different Hindi words ("कि", "की") into one. Marks live in the first two planes and among the
    variation selectors (U+E0100…E01EF); scanning only those keeps the import quick.
    """
    out: list[str] = []
    start = prev = -2
    for cp in (*range(0x20000), *range(0xE0100, 0xE01F0)):
        if unicodedata.category(chr(cp))[0] != "M":
            continue
        if cp != prev + 1:
            if start >= 0:
                out.append(f"\\U{start:08x}-\\U{prev:08x}")
            start = cp
        prev = cp
    out.append(f"\\U{start:08x}-\\U{prev:08x}")
    return "".join(out)


MARKS = _mark_ranges()
