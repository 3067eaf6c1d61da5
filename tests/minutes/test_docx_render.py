"""Word minutes: every XML part of the produced .docx read back and checked."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import zipfile
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from lxml import etree

from minutes.export import (
    AttendanceRow,
    ItemSection,
    MinutesDocument,
    RoleRow,
    render_minutes_docx,
)

JST = timezone(timedelta(hours=9))
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PR = "http://schemas.openxmlformats.org/package/2006/relationships"
NS = {"w": W, "r": R, "pr": PR}
CONFIDENTIAL_LINE = "社会福祉法第106条の6 に基づく守秘義務の対象"
TAX_PLACEHOLDER = "［税情報］"

# Strings that may appear in the body, header or footer but never in metadata parts.
SENTINELS = {
    "meeting": "第10回伊勢市支援会議ZQMEETING",
    "case": "A世帯ZQCASE（8050問題）",
    "attendee": "山田ZQNAME太郎",
    "recipient": "鈴木ZQRECIPIENT一郎",
    "host": "福祉総務課ZQHOST",
    "place": "本庁舎ZQPLACE第2会議室",
    "approver": "福祉ZQAPPROVER花子",
    "discussion": "ZQDISCUSSION",
}
BODY_PARTS = re.compile(r"^word/(document|header\d*|footer\d*)\.xml$")

DISCUSSION = (
    "本人は50代男性で、約10年間自宅にひきこもっている。80代の母親と二人暮らしで、"
    "母親の要介護認定の更新を機に地域包括支援センターが世帯の状況を把握した。"
    f"家賃の滞納が続いており、{TAX_PLACEHOLDER}。本人は来訪者に応じないが、"
    "母親を通じた手紙のやり取りには反応がある。"
)


def make_item(order: int, **changes) -> ItemSection:
    """One realistic item; ``changes`` override any field."""
    item = ItemSection(
        order=order,
        heading=f"議題{order} 情報共有",
        purpose_label="気になる事例の情報提供・共有",
        case_label=f"{SENTINELS['case']}{order}",
        discussion=f"{SENTINELS['discussion']}{DISCUSSION * 4}\n母親の介護負担について確認した。",
        decisions="社会福祉協議会がアウトリーチを担当し、月1回の訪問を行う。",
        roles=[
            RoleRow("社会福祉協議会", "アウトリーチ（月1回の訪問）", date(2026, 2, 27)),
            RoleRow("長寿介護課", "母親の介護保険サービス調整", None),
        ],
        monitoring_on=date(2026, 3, 10),
        action_items=["訪問日程の調整", "民生委員への連絡"],
    )
    return replace(item, **changes)


def make_document(n_items: int = 3, **changes) -> MinutesDocument:
    """A 支援会議 copy full of sentinel strings; ``changes`` override any field."""
    doc = MinutesDocument(
        document_id="MIN-2026-0001-r7",
        conference_kind="shien",
        title="支援会議 会議録",
        meeting_title=SENTINELS["meeting"],
        starts_at=datetime(2026, 1, 27, 14, 0, tzinfo=JST),
        ends_at=datetime(2026, 1, 27, 15, 30, tzinfo=JST),
        place=SENTINELS["place"],
        online=True,
        host_organization=SENTINELS["host"],
        status="approved",
        version=2,
        approved_by=SENTINELS["approver"],
        approved_at=datetime(2026, 1, 30, 1, 0, tzinfo=timezone.utc),
        content_hash="sha256:" + "0f" * 32,
        attendance=[
            AttendanceRow(SENTINELS["attendee"], "福祉総務課", "事務局", True),
            AttendanceRow("佐藤 次郎", "社会福祉協議会", "構成員", False),
        ],
        items=[make_item(i) for i in range(1, n_items + 1)],
        next_meeting=datetime(2026, 2, 24, 5, 0, tzinfo=timezone.utc),
        recipient_name=SENTINELS["recipient"],
        # 20:00 UTC on the 26th is already the 27th in Japan.
        issued_at=datetime(2026, 1, 26, 20, 0, tzinfo=timezone.utc),
    )
    return replace(doc, **changes)


def unzip(data: bytes) -> dict[str, bytes]:
    """Every part of the package by name."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


def xml(parts: dict[str, bytes], name: str) -> etree._Element:
    return etree.fromstring(parts[name])


def paragraphs(root: etree._Element) -> list[str]:
    """The text of each paragraph, runs joined."""
    return ["".join(t.text or "" for t in p.iter(f"{{{W}}}t")) for p in root.iter(f"{{{W}}}p")]


def body_text(parts: dict[str, bytes]) -> str:
    return "\n".join(paragraphs(xml(parts, "word/document.xml")))


def rel_targets(parts: dict[str, bytes], rels_name: str) -> dict[str, str]:
    root = xml(parts, rels_name)
    return {r.get("Id"): r.get("Target") for r in root.iter(f"{{{PR}}}Relationship")}


def style(styles: etree._Element, style_id: str) -> etree._Element:
    found = styles.xpath(f"w:style[@w:styleId='{style_id}']", namespaces=NS)
    assert found, style_id
    return found[0]


@pytest.fixture(scope="module")
def parts() -> dict[str, bytes]:
    return unzip(render_minutes_docx(make_document()))


def test_every_xml_part_is_well_formed(parts: dict[str, bytes]) -> None:
    for name, data in parts.items():
        if name.endswith((".xml", ".rels")):
            etree.fromstring(data)
    assert "word/document.xml" in parts


def test_every_section_has_header_and_footer(parts: dict[str, bytes]) -> None:
    document = xml(parts, "word/document.xml")
    targets = rel_targets(parts, "word/_rels/document.xml.rels")
    sections = document.xpath("//w:sectPr", namespaces=NS)
    assert sections
    for sect in sections:
        assert not sect.xpath("w:titlePg", namespaces=NS), "no different first page"
        for kind in ("header", "footer"):
            refs = sect.xpath(f"w:{kind}Reference", namespaces=NS)
            assert [r.get(f"{{{W}}}type") for r in refs] == ["default"]
            part = "word/" + targets[refs[0].get(f"{{{R}}}id")]
            assert part in parts
    settings = xml(parts, "word/settings.xml")
    assert not settings.xpath("w:evenAndOddHeaders", namespaces=NS)


def test_header_carries_the_confidentiality_line(parts: dict[str, bytes]) -> None:
    headers = [n for n in parts if re.fullmatch(r"word/header\d*\.xml", n)]
    assert headers
    for name in headers:
        text = "\n".join(paragraphs(xml(parts, name)))
        assert CONFIDENTIAL_LINE in text
        assert "取扱注意" in text


def test_footer_has_recipient_issue_date_id_and_page_fields(parts: dict[str, bytes]) -> None:
    footers = [n for n in parts if re.fullmatch(r"word/footer\d*\.xml", n)]
    assert footers
    for name in footers:
        root = xml(parts, name)
        text = "\n".join(paragraphs(root))
        assert f"配布先: {SENTINELS['recipient']}" in text
        assert "発行: 令和8年1月27日（火）05:00" in text
        assert "文書ID: MIN-2026-0001-r7" in text
        instructions = [t.text.split()[0] for t in root.iter(f"{{{W}}}instrText")]
        assert instructions == ["PAGE", "NUMPAGES"]
        kinds = [f.get(f"{{{W}}}fldCharType") for f in root.iter(f"{{{W}}}fldChar")]
        assert kinds == ["begin", "separate", "end"] * 2
        assert "1 / 1" in text  # the cached results around the separator


def test_japanese_fonts_on_normal_heading_and_table_styles(parts: dict[str, bytes]) -> None:
    styles = xml(parts, "word/styles.xml")
    expected = {
        "Normal": "游明朝",
        "Title": "游ゴシック",
        "Heading1": "游ゴシック",
        "Heading2": "游ゴシック",
        "Heading3": "游ゴシック",
        "TableGrid": "游明朝",
        "Header": "游明朝",
        "Footer": "游明朝",
    }
    for style_id, face in expected.items():
        fonts = style(styles, style_id).find("w:rPr/w:rFonts", NS)
        assert fonts is not None, style_id
        assert fonts.get(f"{{{W}}}eastAsia") == face, style_id
        assert fonts.get(f"{{{W}}}eastAsiaTheme") is None, f"{style_id}: theme would win"
    normal_lang = style(styles, "Normal").find("w:rPr/w:lang", NS)
    assert normal_lang.get(f"{{{W}}}eastAsia") == "ja-JP"
    defaults = styles.find("w:docDefaults/w:rPrDefault/w:rPr", NS)
    assert defaults.find("w:rFonts", NS).get(f"{{{W}}}eastAsia") == "游明朝"
    assert defaults.find("w:lang", NS).get(f"{{{W}}}eastAsia") == "ja-JP"
    font_table = xml(parts, "word/fontTable.xml")
    names = font_table.xpath("w:font/@w:name", namespaces=NS)
    assert {"游明朝", "游ゴシック"} <= set(names)


def test_every_used_style_exists(parts: dict[str, bytes]) -> None:
    styles = xml(parts, "word/styles.xml")
    known = set(styles.xpath("w:style/@w:styleId", namespaces=NS))
    document = xml(parts, "word/document.xml")
    used = set(document.xpath("//w:pStyle/@w:val | //w:tblStyle/@w:val", namespaces=NS))
    assert used <= known


def test_a4_portrait(parts: dict[str, bytes]) -> None:
    for size in xml(parts, "word/document.xml").xpath("//w:sectPr/w:pgSz", namespaces=NS):
        assert size.get(f"{{{W}}}w") == "11906"
        assert size.get(f"{{{W}}}h") == "16838"
        assert size.get(f"{{{W}}}orient") in (None, "portrait")


def test_properties_are_generic(parts: dict[str, bytes]) -> None:
    core = xml(parts, "docProps/core.xml")
    ns = {
        "dc": "http://purl.org/dc/elements/1.1/",
        "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
        "dcterms": "http://purl.org/dc/terms/",
    }
    value = {el.tag.split("}")[1]: (el.text or "") for el in core}
    assert value["creator"] == "Kasane"
    assert value["lastModifiedBy"] == "Kasane"
    assert value["title"] == "会議録"
    for empty in ("subject", "description", "keywords", "category"):
        assert value.get(empty, "") == "", empty
    assert value["created"] == value["modified"] == "2026-01-26T20:00:00Z"
    assert core.find("cp:lastPrinted", ns) is None
    app = "".join(xml(parts, "docProps/app.xml").itertext())
    assert "Kasane" in app
    assert "Microsoft" not in app and "Normal.dotm" not in app
    assert not any("thumbnail" in name for name in parts)


def test_no_confidential_text_outside_body_header_footer(parts: dict[str, bytes]) -> None:
    checked = [n for n in parts if not BODY_PARTS.match(n)]
    assert "docProps/core.xml" in checked and "docProps/app.xml" in checked
    for name in checked:
        text = parts[name].decode("utf-8", errors="replace")
        for key, sentinel in SENTINELS.items():
            assert sentinel not in text, f"{key} leaked into {name}"
    body = parts["word/document.xml"].decode()
    assert SENTINELS["meeting"] in body and SENTINELS["case"] in body  # the sentinels work


def test_no_revision_history(parts: dict[str, bytes]) -> None:
    for name, data in parts.items():
        text = data.decode("utf-8", errors="replace")
        assert "rsid" not in text, name
        assert "<w:ins " not in text and "<w:del " not in text, name


def test_wareki_dates(parts: dict[str, bytes]) -> None:
    text = body_text(parts)
    assert "令和8年1月27日（火）14:00〜15:30" in text
    assert "令和8年2月27日（金）" in text  # role due date
    assert "令和8年3月10日（火）" in text  # monitoring
    assert "令和8年1月30日（金）10:00" in text  # approval, UTC converted
    assert "令和8年2月24日（火）14:00" in text  # next meeting
    assert "2026" not in text.replace("MIN-2026", "")


def test_meeting_facts_and_attendance(parts: dict[str, bytes]) -> None:
    text = body_text(parts)
    assert text.splitlines()[0] == "支援会議 会議録"
    for label in ("会議名", "日時", "場所", "主催", "版・状態", "承認者・承認日時", "内容ハッシュ"):
        assert label in text
    assert f"{SENTINELS['place']}（オンライン併用）" in text
    assert "第2版・承認済み" in text
    assert "sha256:" + "0f" * 32 in text
    lines = text.splitlines()
    for header in ("氏名", "所属", "区分", "出欠"):
        assert header in lines
    assert "○" in lines and "×" in lines
    for heading in ("協議内容", "決定事項", "役割分担", "行動項目", "次回会議"):
        assert heading in lines
    assert "・訪問日程の調整" in lines


def test_tax_placeholder_passes_through(parts: dict[str, bytes]) -> None:
    assert TAX_PLACEHOLDER in body_text(parts)


def test_withheld_item_shows_heading_and_notice_only() -> None:
    withheld = make_item(
        2,
        heading="議題2 支援方針",
        discussion="ZQWITHHELD 本来は表示されない",
        notice="同意の範囲外のため表示されません",
    )
    doc = make_document(items=[make_item(1), withheld])
    text = body_text(unzip(render_minutes_docx(doc)))
    assert "議題2 支援方針" in text
    assert "※ 同意の範囲外のため表示されません" in text
    assert "ZQWITHHELD" not in text


@pytest.mark.parametrize(
    ("status", "label", "header_mark"),
    [("draft", "下書き", True), ("in_review", "確認中", True), ("approved", "承認済み", False)],
)
def test_status_labels(status: str, label: str, header_mark: bool) -> None:
    doc = make_document(status=status, approved_by=None, approved_at=None)
    parts = unzip(render_minutes_docx(doc))
    assert f"第2版・{label}" in body_text(parts)
    header = "".join(paragraphs(xml(parts, "word/header1.xml")))
    assert (f"【{label}】" in header) is header_mark


def test_jusou_title_and_online_only() -> None:
    doc = make_document(
        conference_kind="jusou", title="重層的支援会議 会議録", place=None, next_meeting=None
    )
    parts = unzip(render_minutes_docx(doc))
    text = body_text(parts)
    assert text.splitlines()[0] == "重層的支援会議 会議録"
    assert "オンライン" in text.splitlines()
    assert "未定" in text.splitlines()
    assert CONFIDENTIAL_LINE in "".join(paragraphs(xml(parts, "word/header1.xml")))


def test_thirty_items_render_in_order() -> None:
    items = [make_item(i) for i in range(30, 0, -1)]  # given out of order
    parts = unzip(render_minutes_docx(make_document(items=items)))
    lines = body_text(parts).splitlines()
    headings = [line for line in lines if re.fullmatch(r"議題\d+ 情報共有", line)]
    assert headings == [f"議題{i} 情報共有" for i in range(1, 31)]
    assert lines.count("役割分担") == 30


def test_same_input_same_bytes() -> None:
    assert render_minutes_docx(make_document()) == render_minutes_docx(make_document())


def test_control_characters_are_dropped() -> None:
    doc = make_document(items=[make_item(1, decisions="訪問する\x00\x0b。")])
    assert "訪問する。" in body_text(unzip(render_minutes_docx(doc)))


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError):
        render_minutes_docx(make_document(issued_at=datetime(2026, 1, 27, 9, 0)))


def _office() -> str | None:
    return shutil.which("libreoffice") or shutil.which("soffice")


def test_libreoffice_converts_to_pdf(tmp_path: Path) -> None:
    office = _office()
    if office is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is required in CI (apt: libreoffice-writer-nogui)")
        pytest.skip("LibreOffice not installed")
    source = tmp_path / "minutes.docx"
    source.write_bytes(render_minutes_docx(make_document(n_items=30)))
    profile = tmp_path / "lo-profile"
    result = subprocess.run(
        [
            office,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    pdf = tmp_path / "minutes.pdf"
    assert pdf.exists(), result.stdout + result.stderr
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 10_000
