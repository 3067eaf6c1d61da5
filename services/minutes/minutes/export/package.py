"""The Word package around the content: no template history, generic properties, fixed bytes.

A file's metadata is read by search indexes and mail gateways, and the same minutes must give
the same bytes, so the package is scrubbed of the template's leftovers and rewritten with
fixed timestamps.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from datetime import timezone

from docx.document import Document as DocxDocument
from docx.oxml.ns import qn

from .document import MinutesDocument
from .styles import declare_fonts

PROPERTIES_AUTHOR = "Kasane"
PROPERTIES_TITLE = "会議録"
_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

# 1980-01-01 is the earliest ZIP timestamp; a fixed one makes the output byte-stable.
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)

# Template parts that would carry stale or unwanted metadata: a thumbnail of the template,
# a bibliography stub and Word 2010's duplicate styles without our Japanese fonts.
_DROPPED_PACKAGE_RELS = ("/metadata/thumbnail",)
_DROPPED_DOCUMENT_RELS = ("/customXml", "/stylesWithEffects")

_APP_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"'
    ' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    "<Application>Kasane</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
    "<Company></Company><LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
    "<HyperlinksChanged>false</HyperlinksChanged></Properties>"
).encode()


def scrub_template(word: DocxDocument) -> None:
    """Drop the template's thumbnail, stale parts and revision ids."""
    package = word.part.package
    _drop_rels(package.rels, _DROPPED_PACKAGE_RELS)
    _drop_rels(word.part.rels, _DROPPED_DOCUMENT_RELS)
    settings = word.settings.element
    # Revision-session ids and the preview flag are editing history, not content.
    for tag in ("w:rsids", "w:savePreviewPicture"):
        for el in settings.findall(qn(tag)):
            settings.remove(el)
    _strip_rsid_attributes(word.element)
    _strip_rsid_attributes(word.styles.element)


def _drop_rels(rels: dict, reltype_suffixes: Iterable[str]) -> None:
    for rid in [r for r, rel in rels.items() if rel.reltype.endswith(tuple(reltype_suffixes))]:
        del rels[rid]


def _strip_rsid_attributes(root) -> None:
    for el in root.iter():
        for attr in [a for a in el.attrib if a.startswith("{%s}rsid" % _W_NS)]:
            del el.attrib[attr]
    for el in list(root.iter(qn("w:rsid"))):
        el.getparent().remove(el)


def set_properties(word: DocxDocument, doc: MinutesDocument) -> None:
    """Generic properties only: a file's metadata is read by search indexes and mail gateways."""
    props = word.core_properties
    props.author = props.last_modified_by = PROPERTIES_AUTHOR
    props.title = PROPERTIES_TITLE
    for name in ("subject", "comments", "keywords", "category", "content_status", "identifier"):
        setattr(props, name, "")
    props.revision = 1
    # python-docx writes these with a literal "Z", so hand it UTC.
    issued_utc = doc.issued_at.astimezone(timezone.utc).replace(tzinfo=None)
    props.created = props.modified = issued_utc


def normalize_zip(raw: bytes) -> bytes:
    """Rewrite the package: fixed timestamps, Kasane's own app.xml, our fonts declared."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "docProps/app.xml":
                data = _APP_XML
            elif info.filename == "word/fontTable.xml":
                data = declare_fonts(data)
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIMESTAMP)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, data)
    return out.getvalue()
