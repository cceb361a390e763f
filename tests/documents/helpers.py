"""Shared helpers of the documents tests: cases at a stage, drafts, issued PDFs, poppler."""
from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from datetime import date, timedelta
from pathlib import Path

import pytest

from app.core.calendar import local_today
from app.documents import services
from app.supervision import services as sv
from tests.factories import advance, make_case

TODAY = local_today()

poppler = pytest.mark.skipif(shutil.which("pdftotext") is None,
                             reason="poppler-utils (pdftotext/pdffonts/pdfinfo) is not installed")

UP_TO = {
    "plan_drafted": ["classify", "draft_plan"],
    "delegation_formed": ["classify", "draft_plan", "approve_plan", "form_delegation"],
    "fieldwork": ["classify", "draft_plan", "approve_plan", "form_delegation", "notify_subject",
                  "start_fieldwork"],
    "concluded": ["classify", "draft_plan", "approve_plan", "form_delegation", "notify_subject",
                  "start_fieldwork", "submit_report", "approve_conclusion"],
    "following_up": ["classify", "draft_plan", "approve_plan", "form_delegation",
                     "notify_subject", "start_fieldwork", "submit_report", "approve_conclusion",
                     "issue_conclusion"],
    "dialogue": ["classify", "start_dialogue"],
}


def people(world):
    u = world.users
    return [u["intake"], u["handler"], u["delegate"], u["approver"]]


def supervision_at(world, state: str):
    case = make_case(world.users["intake"], world.orgs["a"],
                     subject_name="Công ty TNHH May Hồng Lĩnh",
                     title="việc thực hiện chính sách bảo hiểm xã hội",
                     received_on=TODAY - timedelta(days=60))
    advance(case, people(world), UP_TO[state], today=TODAY - timedelta(days=50))
    if state == "fieldwork":
        sv.record_working_session(
            case, world.users["delegate"], held_on=TODAY, place="Phòng họp Công ty",
            participants="Đoàn giám sát\nBan Giám đốc Công ty", minutes="Công ty báo cáo "
            "tình hình trích nộp bảo hiểm xã hội", documents_received="Bảng kê nộp BHXH")
    if state == "dialogue":
        sv.record_dialogue(case, world.users["handler"], kind="on_request", held_on=TODAY,
                           union_side="Nguyễn Văn An\nTrần Thị Bình\nLê Văn Cường",
                           other_side="Phạm Văn Dũng\nHoàng Thị Yến\nVũ Văn Giang",
                           agenda="Tiền lương, thưởng năm 2026", agreed="Tăng lương 6%",
                           not_agreed="Phụ cấp độc hại")
    return case


def recommendation_of(world):
    parent = supervision_at(world, "following_up")
    return next(c for c in parent.children if c.family == "recommendation")


def fields(doc, **changes) -> dict:
    """The draft's editable fields as the edit form posts them, with `changes` applied."""
    c = doc.content
    sig = c["signature"]
    return {"summary": doc.summary, "addressees": "\n".join(c["addressees"]),
            "bases": "\n".join(c["bases"]), "body": c["body"],
            "recipients": "\n".join(c["recipients"]), "filing": c["filing"],
            "authority": sig["authority"], "capacity": sig["capacity"],
            "signer_title": sig["signer_title"], **changes}


def edit(doc, actor, **changes):
    """Save the draft through update_draft, keeping everything not in `changes` as it is."""
    return services.update_draft(doc, actor, **fields(doc, **changes))


def issued(world, case, template, on=date(2026, 3, 15), issuer="approver"):
    """Drafted by the handler, approved by the approver of unit A (who signs it), issued by
    `issuer` (the approver themselves, or the clerk on that approval)."""
    approver = world.users["approver"]
    doc = services.draft_document(case, world.users["handler"], template)
    if issuer != "approver":
        services.approve_document(doc, approver)
    return services.issue_document(doc, world.users[issuer], today=on)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def run(*args: str) -> str:
    return subprocess.run(list(args), check=True, capture_output=True, text=True).stdout


def pdf_text(pdf: bytes, tmp_path: Path, name: str = "doc.pdf", *extra: str) -> str:
    """pdftotext -layout, NFC, runs of spaces (justified lines) collapsed."""
    path = tmp_path / name
    path.write_bytes(pdf)
    raw = nfc(run("pdftotext", "-layout", *extra, str(path), "-"))
    return "\n".join(re.sub(r"[ \u00a0]+", " ", line).strip() for line in raw.splitlines())


def assert_in_order(text: str, expected: list[str]) -> None:
    """Each expected string follows the previous one (line breaks of justified text ignored)."""
    text = " ".join(text.split())
    pos = 0
    for line in expected:
        found = text.find(line, pos)
        assert found >= 0, f"{line!r} missing (or out of order) in:\n{text}"
        pos = found + len(line)
