"""A4 PDFs of formal papers (notify's notices and boards, a contact point's report to the
legislature), drawn with reportlab in one Chinese font (ADR 0015): Adobe's standard CID
font, or a TrueType file to embed (RENDA_NOTICE_FONT)."""

from __future__ import annotations

import io
import os
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

CID_FONT = "STSong-Light"
"""Adobe's standard Chinese font: named in the PDF, not embedded, so no font file is needed
where the PDF is made; every PDF reader with Chinese support supplies it."""


def font_path_from_env(env: Mapping[str, str] | None = None) -> str | None:
    """RENDA_NOTICE_FONT: a TrueType (or .ttc) file to embed instead of the CID font."""
    return (os.environ if env is None else env).get("RENDA_NOTICE_FONT") or None


@lru_cache(maxsize=4)
def font(path: str | None) -> str:
    """The registered font's name: the TrueType (or .ttc) file at `path`, embedded (exactly
    the same print everywhere), or the standard CID font."""
    if path:
        name = "notice-embedded"
        pdfmetrics.registerFont(TTFont(name, path, subfontIndex=0))
        return name
    pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))
    return CID_FONT


class Writer:
    """Paragraphs and tables in one font, and the A4 document they are built into."""

    def __init__(self, font_path: str | None) -> None:
        self.font = font(font_path)

    def style(self, size: float, **more: Any) -> ParagraphStyle:
        return ParagraphStyle("s", fontName=self.font, fontSize=size, leading=size * 1.8, **more)

    def para(self, text: str, size: float = 14, **more: Any) -> Paragraph:
        """Plain text (never markup: what a person typed is escaped)."""
        return Paragraph(escape(text), self.style(size, **more))

    def table(
        self,
        rows: Sequence[Sequence[object]],
        size: float = 11,
        widths: Sequence[float] | None = None,
    ) -> list[Flowable]:
        """A ruled table, its first row the header (grey, repeated on each page), after a
        gap; the columns as wide as their text unless `widths` are given."""
        cells = [[Paragraph(escape(str(cell)), self.style(size)) for cell in row] for row in rows]
        table = Table(cells, colWidths=widths, repeatRows=1, hAlign="CENTER")
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        return [Spacer(1, 4 * mm), table]


def build(story: list[Flowable], *, title: str, author: str) -> bytes:
    """The story as an A4 PDF with the margins of an official paper."""
    out = io.BytesIO()
    SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=26 * mm,
        rightMargin=26 * mm,
        topMargin=28 * mm,
        bottomMargin=28 * mm,
        title=title,
        author=author,
    ).build(story)
    return out.getvalue()
