"""Helpers for the letter tests: log a letter, classify it, read a PDF's text."""
from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata

import pytest

from app.identity.services import Reporter
from app.letters import services

SENDER = Reporter(name="Nguyễn Thị Hoài Thu", address="Số 12 đường Trần Phú, phường Thạch Linh",
                  contact="0912 345 678")
SUBJECT = {"subject_kind": "person", "subject_name": "Trần Văn Bình",
           "subject_position": "Chủ tịch Công đoàn cơ sở", "subject_unit": "Công ty Thép Vũng Áng"}
CONTENT = ("Chủ tịch công đoàn cơ sở tự ý chi quỹ công đoàn để tổ chức du lịch cho ban chấp "
           "hành, không báo cáo đoàn viên, không công khai chứng từ.")

poppler = pytest.mark.skipif(shutil.which("pdftotext") is None,
                             reason="poppler-utils (pdftotext) is not installed")


def log_letter(actor, org, *, reporter=SENDER, title="Đơn tố cáo sai phạm chi quỹ công đoàn",
               summary=CONTENT, **kw):
    kw.setdefault("channel", "report")
    kw.setdefault("intake_form", "writing")
    kw.setdefault("subject", SUBJECT)
    return services.receive_letter(actor, org, title=title, summary=summary,
                                   reporter=reporter, **kw)


def classify(case, actor, kind="denunciation", **kw):
    values = {"kind": kind, "is_valid": True, "within_competence": True}
    values.update(kw)
    return services.classify_letter(case, actor, **values)


def pdf_text(data: bytes, tmp_path) -> str:
    """The PDF's text as pdftotext reads it, NFC, runs of spaces squashed."""
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", "-layout", "-nodiag", str(path), "-"], check=True,
                         capture_output=True, text=True).stdout
    out = unicodedata.normalize("NFC", out)
    return "\n".join(re.sub(r"[ \u00a0]+", " ", line).strip() for line in out.splitlines())


def flat(text: str) -> str:
    """Lines joined by spaces: sentences wrapped over lines read as one."""
    return " ".join(text.split())
