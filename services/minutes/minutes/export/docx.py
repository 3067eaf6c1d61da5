"""Word (.docx) copy of the minutes for one reader: A4, Japanese fonts, confidential on each page.

Pure rendering: the caller hands over a ``MinutesDocument`` that already holds only what
this reader may read. Same input gives the same bytes (fixed ZIP timestamps, no random ids).
"""

from __future__ import annotations

import io
import re
from datetime import date

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import _Footer
from docx.shared import Mm, Pt, Twips
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from kasane_shared.wareki import format_date, format_datetime, format_time_range

from .document import STATUS_LABELS, AttendanceRow, ItemSection, MinutesDocument, RoleRow
from .package import normalize_zip, scrub_template, set_properties
from .styles import set_styles


CONFIDENTIAL_LINE = "社会福祉法第106条の6 に基づく守秘義務の対象"
HANDLING_MARK = "取扱注意"
NONE_MARK = "—"
EMPTY_TEXT = "（記載なし）"
EMPTY_LIST = "（なし）"

A4_WIDTH = Twips(11906)
A4_HEIGHT = Twips(16838)
MARGIN_TOP_BOTTOM = Mm(25)
MARGIN_LEFT_RIGHT = Mm(20)
HEADER_FOOTER_DISTANCE = Mm(12)
LABEL_FILL = "F2F2F2"


# XML 1.0 refuses these; a stray control character must not make the whole export fail.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def render_minutes_docx(doc: MinutesDocument) -> bytes:
    """Render one reader's minutes as .docx bytes."""
    word = Document()
    scrub_template(word)
    set_styles(word)
    _set_page(word, doc)
    _write_body(word, doc)
    set_properties(word, doc)
    buffer = io.BytesIO()
    word.save(buffer)
    return normalize_zip(buffer.getvalue())


# --- page, header, footer -------------------------------------------------------------


def _set_page(word: DocxDocument, doc: MinutesDocument) -> None:
    word.settings.odd_and_even_pages_header_footer = False
    for section in word.sections:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = A4_WIDTH, A4_HEIGHT
        section.top_margin = section.bottom_margin = MARGIN_TOP_BOTTOM
        section.left_margin = section.right_margin = MARGIN_LEFT_RIGHT
        section.header_distance = section.footer_distance = HEADER_FOOTER_DISTANCE
        # One header/footer for all pages: a different first page would show none there.
        section.different_first_page_header_footer = False
        section.header.is_linked_to_previous = False
        section.footer.is_linked_to_previous = False
        _write_header(section.header.paragraphs[0], doc)
        _write_footer(section.footer, doc)


def _write_header(paragraph: Paragraph, doc: MinutesDocument) -> None:
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    text = f"{HANDLING_MARK}　{CONFIDENTIAL_LINE}"
    if doc.status != "approved":
        text += f"　【{STATUS_LABELS[doc.status]}】"
    run = paragraph.add_run(_clean(text))
    run.font.size = Pt(9)
    run.font.bold = True


def _write_footer(footer: _Footer, doc: MinutesDocument) -> None:
    first = footer.paragraphs[0]
    first.alignment = WD_ALIGN_PARAGRAPH.LEFT
    line = (
        f"配布先: {doc.recipient_name}　発行: {format_datetime(doc.issued_at)}"
        f"　文書ID: {doc.document_id}"
    )
    first.add_run(_clean(line)).font.size = Pt(8)
    pages = footer.add_paragraph(style="Footer")
    pages.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _add_field(pages, "PAGE", "1")
    pages.add_run(" / ").font.size = Pt(9)
    _add_field(pages, "NUMPAGES", "1")


def _add_field(paragraph: Paragraph, instruction: str, placeholder: str) -> None:
    """A complex field (begin / instrText / separate / result / end) that Word and LO update."""
    _add_fld_char(paragraph, "begin")
    instr = OxmlElement("w:instrText", {qn("xml:space"): "preserve"})
    instr.text = f" {instruction} \\* MERGEFORMAT "
    run = paragraph.add_run()
    run.font.size = Pt(9)
    run._r.append(instr)
    _add_fld_char(paragraph, "separate")
    paragraph.add_run(placeholder).font.size = Pt(9)
    _add_fld_char(paragraph, "end")


def _add_fld_char(paragraph: Paragraph, kind: str) -> None:
    run = paragraph.add_run()
    run.font.size = Pt(9)
    run._r.append(OxmlElement("w:fldChar", {qn("w:fldCharType"): kind}))


# --- body -----------------------------------------------------------------------------


def _write_body(word: DocxDocument, doc: MinutesDocument) -> None:
    # The template's body starts with nothing but the section properties.
    _styled(word.add_paragraph(_clean(doc.title)), "Title")
    _write_facts(word, doc)
    _write_attendance(word, doc.attendance)
    _heading(word, "協議事項", 1)
    for item in sorted(doc.items, key=lambda i: i.order):
        _write_item(word, item)
    _heading(word, "次回会議", 1)
    next_text = format_datetime(doc.next_meeting) if doc.next_meeting else "未定"
    word.add_paragraph(next_text)


def _heading(word: DocxDocument, text: str, level: int) -> Paragraph:
    return _styled(word.add_paragraph(text), f"Heading{level}")


def _styled(paragraph: Paragraph, style_id: str) -> Paragraph:
    # Style ids set directly: python-docx's lookup by name scans every template style on
    # each call and took most of the render time of a 30-item meeting.
    paragraph._p.style = style_id
    return paragraph


def _write_facts(word: DocxDocument, doc: MinutesDocument) -> None:
    _heading(word, "会議の概要", 1)
    rows = [
        ("会議名", doc.meeting_title),
        ("日時", format_time_range(doc.starts_at, doc.ends_at)),
        ("場所", _place_text(doc)),
        ("主催", doc.host_organization or NONE_MARK),
        ("版・状態", f"第{doc.version}版・{STATUS_LABELS[doc.status]}"),
        ("承認者・承認日時", _approval_text(doc)),
        ("内容ハッシュ", doc.content_hash or NONE_MARK),
    ]
    _label_table(word, rows)


def _place_text(doc: MinutesDocument) -> str:
    if doc.place and doc.online:
        return f"{doc.place}（オンライン併用）"
    if doc.online:
        return "オンライン"
    return doc.place or NONE_MARK


def _approval_text(doc: MinutesDocument) -> str:
    if not doc.approved_by and not doc.approved_at:
        return NONE_MARK
    when = format_datetime(doc.approved_at) if doc.approved_at else NONE_MARK
    return f"{doc.approved_by or NONE_MARK}（{when}）"


def _write_attendance(word: DocxDocument, rows: list[AttendanceRow]) -> None:
    _heading(word, "出席者", 1)
    if not rows:
        word.add_paragraph(EMPTY_LIST)
        return
    body = [(r.name, r.organization, r.role_label, "○" if r.present else "×") for r in rows]
    table = _grid_table(
        word, ("氏名", "所属", "区分", "出欠"), body, (Mm(45), Mm(70), Mm(35), Mm(20))
    )
    for row in table.rows:
        row.cells[3].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER


def _write_item(word: DocxDocument, item: ItemSection) -> None:
    _heading(word, _clean(item.heading), 2)
    if item.notice:
        # A withheld item shows its heading and the notice only, whatever else it carries.
        word.add_paragraph(_clean(f"※ {item.notice}"))
        return
    monitoring = format_date(item.monitoring_on) if item.monitoring_on else NONE_MARK
    facts = [("目的", item.purpose_label), ("事例", item.case_label or NONE_MARK)]
    _label_table(word, facts + [("モニタリング予定日", monitoring)])
    _text_section(word, "協議内容", item.discussion)
    _text_section(word, "決定事項", item.decisions)
    _write_roles(word, item.roles)
    _heading(word, "行動項目", 3)
    _bullets(word, item.action_items)


def _text_section(word: DocxDocument, label: str, text: str | None) -> None:
    _heading(word, label, 3)
    lines = [line for line in _clean(text or "").splitlines() if line.strip()]
    for line in lines or [EMPTY_TEXT]:
        word.add_paragraph(line)


def _write_roles(word: DocxDocument, roles: list[RoleRow]) -> None:
    _heading(word, "役割分担", 3)
    if not roles:
        word.add_paragraph(EMPTY_LIST)
        return
    body = [(r.organization, r.duty, _date_or_none(r.due)) for r in roles]
    _grid_table(word, ("機関", "役割", "期限"), body, (Mm(45), Mm(73), Mm(52)))


def _date_or_none(d: date | None) -> str:
    return format_date(d) if d else NONE_MARK


def _bullets(word: DocxDocument, entries: list[str]) -> None:
    # A typed 「・」 with a hanging indent: no numbering part, no Symbol-font bullet glyph.
    if not entries:
        word.add_paragraph(EMPTY_LIST)
        return
    for entry in entries:
        paragraph = word.add_paragraph(_clean(f"・{entry}"))
        paragraph.paragraph_format.left_indent = Pt(10.5)
        paragraph.paragraph_format.first_line_indent = Pt(-10.5)


# --- tables ---------------------------------------------------------------------------


def _label_table(word: DocxDocument, rows: list[tuple[str, str]]) -> Table:
    table = _new_table(word, len(rows), (Mm(40), Mm(130)))
    for row, (label, value) in zip(table.rows, rows):
        label_cell, value_cell = row.cells
        _fill_cell(label_cell, label, bold=True, shade=True)
        _fill_cell(value_cell, value)
    word.add_paragraph()
    return table


def _grid_table(
    word: DocxDocument, header: tuple[str, ...], body: list[tuple[str, ...]], widths: tuple
) -> Table:
    table = _new_table(word, len(body) + 1, widths)
    header_row = table.rows[0]
    # Repeat the column titles on each page a long table runs onto.
    header_row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for cell, text in zip(header_row.cells, header):
        _fill_cell(cell, text, bold=True, shade=True)
    for row, values in zip(table.rows[1:], body):
        for cell, text in zip(row.cells, values):
            _fill_cell(cell, text)
    word.add_paragraph()
    return table


def _new_table(word: DocxDocument, rows: int, widths: tuple) -> Table:
    table = word.add_table(rows=rows, cols=len(widths))
    table._tbl.tblPr.style = "TableGrid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = width
    return table


def _fill_cell(cell: _Cell, text: str, *, bold: bool = False, shade: bool = False) -> None:
    lines = _clean(text).splitlines() or [""]
    paragraph = cell.paragraphs[0]
    paragraph.add_run(lines[0]).bold = bold or None
    for line in lines[1:]:
        cell.add_paragraph(line).runs[0].bold = bold or None
    if shade:
        shd = OxmlElement(
            "w:shd", {qn("w:val"): "clear", qn("w:color"): "auto", qn("w:fill"): LABEL_FILL}
        )
        cell._tc.get_or_add_tcPr().insert_element_before(
            shd, "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark"
        )


def _clean(text: str) -> str:
    return _XML_INVALID.sub("", text)
