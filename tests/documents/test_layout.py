"""Tests for the pure PDF builder (app.core.pdf.layout).

The PDF checks use the real poppler tools (pdftotext, pdffonts, pdfinfo);
they are skipped only when pdftotext is not installed. No Flask is involved.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

from app.core.pdf import fonts
from app.core.pdf.layout import (
    Document,
    Heading,
    Para,
    Signature,
    Table,
    build_pdf,
    format_date_line,
    format_number,
)

MM = 72 / 25.4
A4_W, A4_H = 595.28, 841.89
LEFT_MARGIN, RIGHT_MARGIN, TOP_MARGIN, BOTTOM_MARGIN = 30 * MM, 15 * MM, 20 * MM, 20 * MM
TOL = 1.0  # pt

poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None,
    reason="poppler-utils (pdftotext/pdffonts/pdfinfo) is not installed",
)


# ---------------------------------------------------------------- samples
def sample_decision(**overrides) -> Document:
    body = [
        Heading("QUYẾT ĐỊNH:", center=True),
        Para(
            "Thành lập Đoàn giám sát việc thực hiện chính sách ưu đãi đối với người lao động "
            "tại Công ty TNHH May Hồng Lĩnh, gồm các ông (bà) có tên sau:",
            lead="Điều 1.",
        ),
        Table(
            [
                ["STT", "Họ và tên", "Chức vụ, đơn vị", "Nhiệm vụ"],
                ["1", "Nguyễn Thị Hường", "Phó Chủ tịch Liên đoàn Lao động tỉnh", "Trưởng đoàn"],
                ["2", "Đặng Quốc Việt", "Trưởng ban Chính sách - Pháp luật", "Thành viên"],
                ["3", "Lê Thị Thủy", "Ủy viên Ủy ban Kiểm tra", "Thư ký"],
            ],
            col_widths=[1, 4, 6, 3],
            col_align=["center", "left", "left", "left"],
        ),
        Para(
            "Đoàn giám sát có nhiệm vụ giám sát việc thực hiện chế độ, chính sách ưu đãi "
            "đối với người lao động theo Kế hoạch số 12/KH-LĐLĐ; Trưởng đoàn phân công nhiệm vụ "
            "cho các thành viên. Đoàn tự giải thể sau khi hoàn thành nhiệm vụ.",
            lead="Điều 2.",
        ),
        Para(
            "Văn phòng, các ban của Liên đoàn Lao động tỉnh, Công đoàn cơ sở Công ty TNHH May "
            "Hồng Lĩnh và các ông (bà) có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này./.",
            lead="Điều 3.",
        ),
    ]
    values = {
        "superior_body": "Tổng Liên đoàn Lao động Việt Nam",
        "issuing_unit": "Liên đoàn Lao động tỉnh Hà Tĩnh",
        "number": 5,
        "year": 2026,
        "type_code": "QĐ",
        "unit_short": "LĐLĐ",
        "place": "Hà Tĩnh",
        "date": date(2026, 1, 5),
        "type_name": "Quyết định",
        "summary": "Về việc thành lập Đoàn giám sát việc thực hiện chính sách ưu đãi",
        "enacting_authority": "Ban Thường vụ Liên đoàn Lao động tỉnh Hà Tĩnh",
        "bases": [
            "Căn cứ Luật Công đoàn năm 2024",
            "Căn cứ Hướng dẫn số 44/HD-TLĐ ngày 20/12/2021 của Tổng Liên đoàn Lao động Việt Nam",
            "Theo đề nghị của Ban Chính sách - Pháp luật",
        ],
        "body": body,
        "signature": Signature(
            authority="TM. BAN THƯỜNG VỤ", signer_title="Chủ tịch", signer_name="Nguyễn Thị Hường"
        ),
        "recipients": ["Như Điều 3", "Tổng Liên đoàn (để b/c)", "Thường trực Tỉnh ủy (để b/c)"],
        "filing": "VT, CSPL",
    }
    values.update(overrides)
    return Document(**values)


def sample_long(paragraphs: int = 60) -> Document:
    text = (
        "Đoàn giám sát đã làm việc với người sử dụng lao động và Ban Chấp hành công đoàn cơ sở "
        "về việc thực hiện chế độ ưu đãi, tiền lương, bảo hiểm xã hội; kiểm tra hồ sơ, sổ sách "
        "và tổng hợp ý kiến của người lao động. Kết quả cho thấy đơn vị cơ bản chấp hành đúng "
        "quy định của pháp luật, song vẫn còn một số tồn tại cần khắc phục kịp thời."
    )
    body: list = [Heading("I. KẾT QUẢ GIÁM SÁT")]
    for i in range(paragraphs):
        if i and i % 15 == 0:
            body.append(Heading(f"{['I', 'II', 'III', 'IV', 'V'][i // 15]}. NỘI DUNG TIẾP THEO"))
        body.append(f"{i + 1}. {text}")
    return sample_decision(
        type_code="BC", number=17, type_name="Báo cáo",
        summary="Kết quả giám sát việc thực hiện chính sách ưu đãi",
        enacting_authority="", bases=[], body=body,
        signature=Signature(authority="KT. CHỦ TỊCH", signer_title="Phó Chủ tịch",
                            signer_name="Đặng Quốc Việt"),
    )


def sample_cong_van(**overrides) -> Document:
    values = {
        "superior_body": "Tổng Liên đoàn Lao động Việt Nam",
        "issuing_unit": "Liên đoàn Lao động tỉnh Hà Tĩnh",
        "number": 212,
        "year": 2026,
        "type_code": None,
        "unit_short": "LĐLĐ",
        "place": "Hà Tĩnh",
        "date": date(2026, 3, 15),
        "type_name": None,
        "summary": "thông báo giám sát việc thực hiện chính sách ưu đãi",
        "addressees": ["Ban Giám đốc Công ty TNHH May Hồng Lĩnh"],
        "body": ["Thực hiện Kế hoạch số 12/KH-LĐLĐ, Liên đoàn Lao động tỉnh thông báo lịch giám sát."],
        "signature": Signature(authority="TM. BAN THƯỜNG VỤ", signer_title="CHỦ TỊCH",
                            signer_name="Đặng Quốc Việt"),
        "recipients": ["Như trên"],
        "filing": "VT, UBKT",
    }
    values.update(overrides)
    return Document(**values)


# ---------------------------------------------------------------- helpers
def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def squash(text: str) -> str:
    """Collapse runs of spaces (justified lines) on each line."""
    return "\n".join(re.sub(r"[ \u00a0]+", " ", line).strip() for line in text.splitlines())


def run(*args: str) -> str:
    return subprocess.run(list(args), check=True, capture_output=True, text=True).stdout


def write(tmp_path: Path, pdf: bytes, name: str = "doc.pdf") -> str:
    path = tmp_path / name
    path.write_bytes(pdf)
    return str(path)


def pdftext(path: str, *extra: str) -> str:
    return nfc(run("pdftotext", "-layout", *extra, path, "-"))


_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
)


def words_by_page(path: str) -> list[list[tuple[float, float, float, float, str]]]:
    html = run("pdftotext", "-bbox", path, "-")
    pages = []
    for page in html.split("<page ")[1:]:
        pages.append([(float(a), float(b), float(c), float(d), nfc(w))
                      for a, b, c, d, w in _WORD.findall(page)])
    return pages


@pytest.fixture(scope="module")
def decision_pdf(tmp_path_factory) -> str:
    return write(tmp_path_factory.mktemp("pdf"), build_pdf(sample_decision()))


@pytest.fixture(scope="module")
def long_pdf(tmp_path_factory) -> str:
    return write(tmp_path_factory.mktemp("pdf"), build_pdf(sample_long()))


# ---------------------------------------------------------------- unit tests
@pytest.mark.parametrize(
    "number, type_code, unit, expected",
    [
        (5, "QĐ", "LĐLĐ", "Số: 05/QĐ-LĐLĐ"),
        (1, "KH", "LĐLĐ", "Số: 01/KH-LĐLĐ"),
        (9, "TTr", "CĐCS", "Số: 09/TTr-CĐCS"),
        (10, "BC", "LĐLĐ", "Số: 10/BC-LĐLĐ"),
        (12, "HD", "LĐLĐ", "Số: 12/HD-LĐLĐ"),
        (933, "QĐ", "TLĐ", "Số: 933/QĐ-TLĐ"),
        (212, None, "LĐLĐ", "Số: 212/LĐLĐ"),
        (7, None, "TLĐ-TOC", "Số: 07/TLĐ-TOC"),
        (None, "QĐ", "LĐLĐ", "Số:      /QĐ-LĐLĐ"),
    ],
)
def test_format_number(number, type_code, unit, expected):
    assert format_number(number, type_code, unit) == expected


@pytest.mark.parametrize("bad", [0, -3, True, "5"])
def test_format_number_rejects_bad_numbers(bad):
    with pytest.raises(ValueError):
        format_number(bad, "QĐ", "LĐLĐ")


@pytest.mark.parametrize(
    "d, expected",
    [
        (date(2026, 1, 5), "Hà Tĩnh, ngày 05 tháng 01 năm 2026"),
        (date(2026, 2, 28), "Hà Tĩnh, ngày 28 tháng 02 năm 2026"),
        (date(2026, 3, 15), "Hà Tĩnh, ngày 15 tháng 3 năm 2026"),
        (date(2026, 3, 1), "Hà Tĩnh, ngày 01 tháng 3 năm 2026"),
        (date(2025, 9, 9), "Hà Tĩnh, ngày 09 tháng 9 năm 2025"),
        (date(2026, 10, 10), "Hà Tĩnh, ngày 10 tháng 10 năm 2026"),
        (date(2026, 12, 31), "Hà Tĩnh, ngày 31 tháng 12 năm 2026"),
    ],
)
def test_format_date_line(d, expected):
    assert format_date_line("Hà Tĩnh", d) == expected


def test_format_date_line_normalises_place_to_nfc():
    decomposed = unicodedata.normalize("NFD", "Hà Tĩnh")
    assert format_date_line(decomposed, date(2026, 1, 5)) == "Hà Tĩnh, ngày 05 tháng 01 năm 2026"


def test_register_fonts_is_idempotent():
    assert fonts.register_fonts() == fonts.register_fonts() == fonts.FAMILY
    from reportlab.lib.fonts import tt2ps

    assert tt2ps(fonts.FAMILY, 1, 0) == fonts.BOLD
    assert tt2ps(fonts.FAMILY, 0, 1) == fonts.ITALIC
    assert tt2ps(fonts.FAMILY, 1, 1) == fonts.BOLD_ITALIC


def test_build_returns_pdf_bytes():
    pdf = build_pdf(sample_decision())
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")


def test_deterministic_bytes_in_process():
    assert build_pdf(sample_decision()) == build_pdf(sample_decision())
    assert build_pdf(sample_long(20)) == build_pdf(sample_long(20))


def test_deterministic_bytes_across_processes():
    """A fresh interpreter (other hash seed, other registration order) gives the same bytes."""
    code = (
        "import hashlib, importlib.util, sys\n"
        f"spec = importlib.util.spec_from_file_location('t', {__file__!r})\n"
        "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)\n"
        "print(hashlib.sha256(m.build_pdf(m.sample_decision())).hexdigest())\n"
    )
    env = dict(os.environ, PYTHONHASHSEED="12345")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True, env=env, cwd=str(ROOT)).stdout.strip()
    assert out == hashlib.sha256(build_pdf(sample_decision())).hexdigest()


def test_different_documents_give_different_bytes():
    assert build_pdf(sample_decision()) != build_pdf(sample_decision(number=6))


@pytest.mark.parametrize(
    "overrides",
    [
        {"type_code": "XX"},
        {"number": None},  # issued without a number
        {"date": date(2025, 12, 31)},  # outside the numbering year
        {"signature": Signature(authority="BAN THƯỜNG VỤ", signer_title="CHỦ TỊCH",
                                signer_name="A")},
    ],
)
def test_invalid_documents_are_rejected(overrides):
    with pytest.raises(ValueError):
        build_pdf(sample_decision(**overrides))


# ---------------------------------------------------------------- poppler checks
@poppler
def test_decision_text(decision_pdf):
    raw = pdftext(decision_pdf)
    text = squash(raw)
    header_and_title = [
        "TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM",
        "LIÊN ĐOÀN LAO ĐỘNG TỈNH HÀ TĨNH",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 05/QĐ-LĐLĐ",
        "Hà Tĩnh, ngày 05 tháng 01 năm 2026",
        "QUYẾT ĐỊNH",
        "Về việc thành lập Đoàn giám sát việc thực hiện chính sách ưu đãi",
        "BAN THƯỜNG VỤ LIÊN ĐOÀN LAO ĐỘNG TỈNH HÀ TĨNH",
        "QUYẾT ĐỊNH:",
    ]
    for s in header_and_title:  # centred text: exact, spacing untouched
        assert s in raw, s
    body = [
        "Căn cứ Luật Công đoàn năm 2024;",
        "Theo đề nghị của Ban Chính sách - Pháp luật.",
        "Điều 1. Thành lập Đoàn giám sát",
        "Điều 2.",
        "Điều 3.",
        "ưu đãi",
        "Nguyễn Thị Hường",
        "Đặng Quốc Việt",
        "Lê Thị Thủy",
        "Trưởng đoàn",
    ]
    for s in body:  # justified text: compare with collapsed spaces
        assert s in text, s
    signature_and_recipients = [
        "TM. BAN THƯỜNG VỤ",
        "CHỦ TỊCH",
        "Nơi nhận:",
        "- Như Điều 3;",
        "- Tổng Liên đoàn (để b/c);",
        "- Thường trực Tỉnh ủy (để b/c);",
        "- Lưu: VT, CSPL.",
    ]
    for s in signature_and_recipients:
        assert s in text, s
    # the signer's name is the last line of the signature block
    assert text.rstrip().splitlines()[-1].strip() == "Nguyễn Thị Hường"


@poppler
def test_decision_header_rows_line_up(decision_pdf):
    lines = squash(pdftext(decision_pdf, "-l", "1")).splitlines()

    def line_with(s):
        return next(line for line in lines if s in line)

    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in line_with("TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM")
    assert "Độc lập - Tự do - Hạnh phúc" in line_with("LIÊN ĐOÀN LAO ĐỘNG TỈNH HÀ TĨNH")
    assert "Hà Tĩnh, ngày 05 tháng 01 năm 2026" in line_with("Số: 05/QĐ-LĐLĐ")
    assert "TM. BAN THƯỜNG VỤ" in line_with("Nơi nhận:")
    # order of the parts down the page
    order = [line_with(s) for s in ("Số: 05/QĐ-LĐLĐ", "QUYẾT ĐỊNH", "Căn cứ Luật",
                                     "Điều 1.", "Điều 3.", "Nơi nhận:")]
    assert [lines.index(x) for x in order] == sorted(lines.index(x) for x in order)


@poppler
def test_decision_text_is_nfc_even_from_decomposed_input(tmp_path):
    nfd = unicodedata.normalize("NFD", "Đặng Quốc Việt ưu đãi")
    doc = sample_decision(body=[nfd], signature=Signature(
        authority="TM. BAN THƯỜNG VỤ", signer_title="CHỦ TỊCH",
        signer_name=unicodedata.normalize("NFD", "Nguyễn Thị Hường")))
    raw = run("pdftotext", "-layout", write(tmp_path, build_pdf(doc)), "-")
    assert "Đặng Quốc Việt ưu đãi" in raw  # no normalisation of the extracted text
    assert "Nguyễn Thị Hường" in raw


@poppler
def test_fonts_embedded(decision_pdf):
    out = run("pdffonts", decision_pdf)
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    assert rows, out
    names = {}
    for row in rows:
        # name type encoding emb sub uni object-id gen ("TrueType" is one token here)
        names[row[0].split("+", 1)[-1]] = row[-5]
    for face in ("IBMPlexSerif-Regular", "IBMPlexSerif-Bold", "IBMPlexSerif-Italic",
                 "IBMPlexSerif-BoldItalic"):
        assert names.get(face) == "yes", out
    # every font is embedded: no Helvetica/Times fallback without Vietnamese glyphs
    assert all(emb == "yes" for emb in names.values()), out


@poppler
def test_pdfinfo_a4_and_metadata(decision_pdf):
    info = nfc(run("pdfinfo", decision_pdf))
    assert re.search(r"Page size:\s+595\.2\d* x 841\.89 pts \(A4\)", info), info
    assert "Pages:           1" in info
    assert "Title:           QUYẾT ĐỊNH Về việc thành lập Đoàn giám sát" in info
    assert "Author:          Liên đoàn Lao động tỉnh Hà Tĩnh" in info
    assert "Subject:         Số: 05/QĐ-LĐLĐ, Hà Tĩnh, ngày 05 tháng 01 năm 2026" in info


@poppler
def test_text_stays_inside_the_margins(decision_pdf, long_pdf):
    for path in (decision_pdf, long_pdf):
        pages = words_by_page(path)
        for n, words in enumerate(pages, start=1):
            body = [w for w in words if w[3] > TOP_MARGIN]  # page numbers sit in the top margin
            assert body
            assert min(w[0] for w in body) >= LEFT_MARGIN - TOL, (path, n)
            assert max(w[2] for w in body) <= A4_W - RIGHT_MARGIN + TOL, (path, n)
            assert max(w[3] for w in body) <= A4_H - BOTTOM_MARGIN + TOL, (path, n)
    # the justified body really reaches both edges
    first = words_by_page(decision_pdf)[0]
    assert min(w[0] for w in first) == pytest.approx(LEFT_MARGIN, abs=TOL)
    assert max(w[2] for w in words_by_page(long_pdf)[1]) == pytest.approx(
        A4_W - RIGHT_MARGIN, abs=TOL)


@poppler
def test_page_numbers_from_page_two(long_pdf):
    pages = words_by_page(long_pdf)
    assert len(pages) >= 3
    top_band = [[w for w in words if w[3] < TOP_MARGIN] for words in pages]
    assert top_band[0] == []  # no page number on page 1
    centre = LEFT_MARGIN + (A4_W - LEFT_MARGIN - RIGHT_MARGIN) / 2
    for n, band in enumerate(top_band[1:], start=2):
        assert [w[4] for w in band] == [str(n)]
        x0, _, x1, _, _ = band[0]
        assert (x0 + x1) / 2 == pytest.approx(centre, abs=2)
    # the same through pdftotext's cropping of the top band
    crop = ["-x", "0", "-y", "0", "-W", "600", "-H", "50"]
    assert run("pdftotext", "-f", "1", "-l", "1", *crop, long_pdf, "-").strip() == ""
    assert run("pdftotext", "-f", "2", "-l", "2", *crop, long_pdf, "-").strip() == "2"
    assert run("pdftotext", "-f", "3", "-l", "3", *crop, long_pdf, "-").strip() == "3"


@poppler
def test_long_text_flows_over_pages(long_pdf):
    text = squash(pdftext(long_pdf))
    for i in (1, 30, 60):
        assert f"{i}. Đoàn giám sát đã làm việc" in text
    assert "Số: 17/BC-LĐLĐ" in text
    assert "KT. CHỦ TỊCH" in text and "PHÓ CHỦ TỊCH" in text
    assert text.rstrip().splitlines()[-1].strip() == "Đặng Quốc Việt"


@poppler
def test_cong_van(tmp_path):
    path = write(tmp_path, build_pdf(sample_cong_van()))
    raw = pdftext(path)
    text = squash(raw)
    assert "Số: 212/LĐLĐ" in raw
    assert "/CV" not in raw and "QĐ" not in raw
    assert "V/v thông báo giám sát việc thực hiện" in text
    assert "Hà Tĩnh, ngày 15 tháng 3 năm 2026" in raw
    assert "Kính gửi: Ban Giám đốc Công ty TNHH May Hồng Lĩnh." in text
    lines = text.splitlines()
    number_row = next(i for i, line in enumerate(lines) if "Số: 212/LĐLĐ" in line)
    vv_row = next(i for i, line in enumerate(lines) if "V/v" in line)
    assert vv_row > number_row
    assert "Hà Tĩnh, ngày 15 tháng 3 năm 2026" in lines[number_row]
    info = nfc(run("pdfinfo", path))
    assert "Title:           V/v thông báo giám sát" in info


@poppler
def test_cong_van_several_addressees(tmp_path):
    doc = sample_cong_van(addressees=["Công ty TNHH May Hồng Lĩnh", "Công đoàn cơ sở Công ty"])
    text = squash(pdftext(write(tmp_path, build_pdf(doc))))
    assert "Kính gửi:" in text
    assert "- Công ty TNHH May Hồng Lĩnh;" in text
    assert "- Công đoàn cơ sở Công ty." in text


@poppler
def test_draft_has_watermark_and_blank_number(tmp_path):
    path = write(tmp_path, build_pdf(sample_decision(draft=True, number=None)))
    raw = nfc(run("pdftotext", path, "-"))
    assert "DỰ THẢO" in raw  # the boxed label in the top margin
    assert re.search(r"Số:\s+/QĐ-LĐLĐ", raw)
    assert "Số: 05" not in raw
    assert re.search(r"Hà Tĩnh, ngày\s+tháng\s+năm 2026", raw)
    info = nfc(run("pdfinfo", path))
    assert "DỰ THẢO" in info
    # the diagonal grey watermark (pdftotext ignores diagonal text): pixels of
    # the watermark grey (about 0.86) where the issued document's page is white
    issued = write(tmp_path, build_pdf(sample_decision()), "issued.pdf")
    draft_px, issued_px = grey_render(path), grey_render(issued)
    assert len(draft_px) == len(issued_px)
    watermark = sum(1 for d, i in zip(draft_px, issued_px) if 200 <= d <= 235 and i >= 250)
    assert watermark > 800, watermark  # about 1 500 at 30 dpi


def grey_render(path: str) -> bytes:
    """The first page as 8-bit greyscale pixels, rendered at 30 dpi."""
    out = Path(path).with_suffix("")
    subprocess.run(["pdftoppm", "-r", "30", "-f", "1", "-l", "1", "-gray", "-singlefile",
                    path, str(out)], check=True)
    data = out.with_suffix(".pgm").read_bytes()
    # binary PGM: "P5\n<w> <h>\n<max>\n" then one byte per pixel
    magic, _width, _height, maxval, pixels = data.split(maxsplit=4)
    assert magic == b"P5" and maxval == b"255"
    return pixels


@poppler
def test_register_table_repeats_header(tmp_path):
    rows = [["STT", "Ngày nhận", "Người gửi", "Nội dung", "Kết quả"]]
    for i in range(1, 301):
        rows.append([str(i), "05/01/2026", f"Lê Thủy {i}",
                     "Đề nghị giải quyết chế độ ưu đãi, bảo hiểm xã hội cho người lao động"
                     if i % 4 == 0 else "Khiếu nại tiền lương", "Đã chuyển đơn"])
    doc = sample_decision(
        type_code="BC", number=3, type_name="Sổ theo dõi đơn thư", summary="Năm 2026",
        enacting_authority="", bases=[], recipients=[], filing="",
        body=[Table(rows, col_widths=[1, 2.4, 3.5, 6, 2.6],
                    col_align=["center", "center", "left", "left", "left"], font_size=11)],
    )
    path = write(tmp_path, build_pdf(doc))
    count = int(re.search(r"Pages:\s+(\d+)", run("pdfinfo", path)).group(1))
    pages = [squash(page) for page in pdftext(path).split("\f")][:count]
    assert len(pages) >= 5
    for page in pages[:-1]:
        assert "STT Ngày nhận Người gửi Nội dung Kết quả" in page
    joined = "\n".join(pages)
    for i in (1, 150, 300):
        assert f"Lê Thủy {i}" in joined
    assert "Nơi nhận:" not in joined  # no recipients given, no block


def _chart(label: str):
    from reportlab.graphics.shapes import Drawing, Rect, String

    drawing = Drawing(300, 80)
    drawing.add(Rect(0, 20, 120, 40, fillColor=None, strokeColor=None))
    drawing.add(String(10, 5, label, fontName=fonts.REGULAR, fontSize=11))
    return drawing


def _with_chart() -> Document:
    return sample_decision(body=[Heading("I. DIỄN BIẾN"), _chart("Trục tháng 03/2026"),
                                 Para("Số liệu sau biểu đồ.")])


@poppler
def test_body_places_a_flowable_as_it_is(tmp_path):
    text = " ".join(pdftext(write(tmp_path, build_pdf(_with_chart()))).split())
    assert "I. DIỄN BIẾN Trục tháng 03/2026 Số liệu sau biểu đồ." in text
    assert build_pdf(_with_chart()) == build_pdf(_with_chart())


def test_body_refuses_other_blocks():
    with pytest.raises(TypeError, match="unsupported body block: int"):
        build_pdf(sample_decision(body=[Para("Một đoạn."), 5]))


@poppler
def test_register_book_is_neither_numbered_nor_a_draft(tmp_path):
    from app.core.pdf.register import register_book, register_pdf

    header = {"superior_body": "Tổng Liên đoàn Lao động Việt Nam",
              "issuing_unit": "Liên đoàn Lao động tỉnh Hà Tĩnh", "unit_short": "LĐLĐ",
              "place": "Hà Tĩnh"}
    path = write(tmp_path, register_pdf(header, "Sổ đăng ký văn bản đi", 2025,
                                        date(2026, 1, 5), [["05/QĐ-LĐLĐ", "05/01/2025",
                                                            "Quyết định", "", "", ""]]))
    text = " ".join(pdftext(path).split())
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐI Năm 2025" in text and "05/QĐ-LĐLĐ 05/01/2025" in text
    assert "Hà Tĩnh, ngày 05 tháng 01 năm 2026" in text  # the day it is printed
    assert "DỰ THẢO" not in text and "DỰ THẢO" not in run("pdfinfo", path)
    assert "Số:" not in text and "Nơi nhận:" not in text  # no number, no signature block
    empty = register_book(header, "Sổ theo dõi", "Quý I năm 2026", date(2026, 4, 1),
                          Table([["STT", "Mã"]]), "Không có vụ việc trong kỳ.",
                          lead=[Para("Đơn vị: Liên đoàn Lao động tỉnh Hà Tĩnh.")])
    text = " ".join(pdftext(write(tmp_path, empty, "empty.pdf")).split())
    assert "Đơn vị: Liên đoàn Lao động tỉnh Hà Tĩnh. STT Mã Không có vụ việc trong kỳ." in text
    assert "DỰ THẢO" not in text
