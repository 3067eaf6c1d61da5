"""The Word copy's fonts and styles: Japanese faces named for every script, black headings."""

from __future__ import annotations

from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.styles.style import BaseStyle
from lxml import etree

BODY_FONT = "游明朝"
HEADING_FONT = "游ゴシック"
# Latin names let Word on other locales (and macOS) find the same faces.
FONT_ALT_NAMES = {BODY_FONT: "Yu Mincho", HEADING_FONT: "Yu Gothic"}


def set_styles(word: DocxDocument) -> None:
    """Body and heading faces, sizes and colours on the document's styles."""
    styles = word.styles
    defaults = styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_rpr_fonts(defaults, BODY_FONT)
    normal = styles["Normal"]
    _set_style_fonts(normal, BODY_FONT)
    normal.font.size = Pt(10.5)
    normal.paragraph_format.space_after = Pt(2)
    normal.paragraph_format.line_spacing = 1.15
    for name, size in (("Title", 18), ("Heading 1", 14), ("Heading 2", 12), ("Heading 3", 10.5)):
        style = styles[name]
        _set_style_fonts(style, HEADING_FONT)
        style.font.size = Pt(size)
        # Formal municipal records are printed in black; the template's theme blues are not.
        style.font.color.rgb = RGBColor(0, 0, 0)
    for name in ("Header", "Footer", "Table Grid"):
        _set_style_fonts(styles[name], BODY_FONT)
    styles["Title"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for border in styles["Title"].element.iter(qn("w:bottom")):
        border.attrib.pop(qn("w:themeColor"), None)
        border.set(qn("w:color"), "000000")


def _set_style_fonts(style: BaseStyle, face: str) -> None:
    _set_rpr_fonts(style.element.get_or_add_rPr(), face)


def _set_rpr_fonts(rpr, face: str) -> None:
    """Explicit faces for every script; theme attributes would override them, so drop them."""
    rfonts = rpr.get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), face)
    rfonts.set(qn("w:hint"), "eastAsia")
    for old in rpr.findall(qn("w:lang")):
        rpr.remove(old)
    lang = OxmlElement("w:lang", {qn("w:val"): "en-US", qn("w:eastAsia"): "ja-JP"})
    rpr.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")


def declare_fonts(font_table_xml: bytes) -> bytes:
    """Font-table entries (Shift_JIS charset) so Word substitutes a Japanese face if missing."""
    root = etree.fromstring(font_table_xml)
    for face, family in ((BODY_FONT, "roman"), (HEADING_FONT, "swiss")):
        font = etree.SubElement(root, qn("w:font"), {qn("w:name"): face})
        for tag, value in (
            ("w:altName", FONT_ALT_NAMES[face]),
            ("w:charset", "80"),
            ("w:family", family),
            ("w:pitch", "variable"),
        ):
            etree.SubElement(font, qn(tag), {qn("w:val"): value})
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
