"""Benchmark the PDF builder (app.core.pdf.layout).

    .venv/bin/python scripts/bench_pdf.py [--runs 20] [--register-runs 3]

Prints, for a 3-page báo cáo kết quả giám sát, a ~200-page sổ theo dõi
đơn thư (register table) and a ~200-page sổ đăng ký văn bản đi (the register
book of app.core.pdf.register): median/min/max build time, page count, size,
and peak Python memory of one build measured with tracemalloc.
Targets: report < 100 ms (median), registers < 5 s.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from datetime import date

from app.core.pdf.fonts import register_fonts
from app.core.pdf.layout import (
    Document,
    Heading,
    Para,
    Signature,
    Table,
    build_pdf,
)
from app.core.pdf.register import register_pdf

REPORT_TARGET_S = 0.100
REGISTER_TARGET_S = 5.0

_FINDING = (
    "Đoàn giám sát đã làm việc với người sử dụng lao động và Ban Chấp hành công đoàn cơ sở "
    "về việc thực hiện chế độ ưu đãi, tiền lương, thưởng, bảo hiểm xã hội, an toàn vệ sinh "
    "lao động; kiểm tra hồ sơ, sổ sách và tổng hợp ý kiến của người lao động. Qua giám sát cho "
    "thấy đơn vị cơ bản chấp hành đúng quy định của pháp luật, song vẫn còn một số tồn tại."
)


def _common(**kw) -> dict:
    base = {
        "superior_body": "Tổng Liên đoàn Lao động Việt Nam",
        "issuing_unit": "Liên đoàn Lao động tỉnh Hà Tĩnh",
        "year": 2026,
        "unit_short": "LĐLĐ",
        "place": "Hà Tĩnh",
        "date": date(2026, 3, 15),
        "signature": Signature(authority="TM. BAN THƯỜNG VỤ", signer_title="CHỦ TỊCH",
                            signer_name="Nguyễn Thị Hường"),
        "recipients": ["Tổng Liên đoàn (để b/c)", "Thường trực Tỉnh ủy (để b/c)",
                    "Công ty TNHH May Hồng Lĩnh"],
        "filing": "VT, UBKT",
    }
    base.update(kw)
    return base


def conclusion_report() -> Document:
    body: list = [Heading("I. KHÁI QUÁT TÌNH HÌNH")]
    body += [_FINDING] * 3
    body.append(Heading("II. KẾT QUẢ GIÁM SÁT"))
    body += [Para(_FINDING, lead=f"{i}.") for i in range(1, 6)]
    body.append(Table(
        [["STT", "Nội dung", "Số người", "Tỷ lệ (%)"]]
        + [[str(i), f"Người lao động được hưởng chế độ ưu đãi nhóm {i}", str(40 * i),
            f"{i * 7.5:.1f}"] for i in range(1, 9)],
        col_widths=[1, 7, 2, 2], col_align=["center", "left", "right", "right"],
    ))
    body.append(Heading("III. KIẾN NGHỊ"))
    body += [Para(_FINDING, lead=f"{i}.") for i in range(1, 5)]
    body.append("Trên đây là báo cáo kết quả giám sát của Ban Thường vụ Liên đoàn Lao động tỉnh./.")
    return Document(**_common(
        number=17, type_code="BC", type_name="Báo cáo",
        summary="Kết quả giám sát việc thực hiện chính sách ưu đãi đối với người lao động "
                "tại Công ty TNHH May Hồng Lĩnh",
        body=body,
    ))


def register(rows: int = 3800) -> Document:
    data = [["STT", "Ngày nhận", "Người gửi", "Nội dung tóm tắt", "Hướng xử lý", "Kết quả"]]
    for i in range(1, rows + 1):
        data.append([
            str(i),
            f"{i % 28 + 1:02d}/{i % 12 + 1:02d}/2025",
            f"Nguyễn Văn {chr(65 + i % 26)}",
            "Đề nghị giải quyết chế độ ưu đãi, bảo hiểm xã hội cho người lao động"
            if i % 3 == 0 else "Khiếu nại tiền lương làm thêm giờ",
            "Chuyển đơn" if i % 2 else "Hướng dẫn",
            "Đã trả lời",
        ])
    return Document(**_common(
        number=3, type_code="BC", type_name="Sổ theo dõi đơn thư", summary="Năm 2025",
        recipients=[], filing="",
        body=[Table(data, col_widths=[1, 2.3, 2.8, 5.2, 2.2, 2],
                    col_align=["center", "center", "left", "left", "left", "left"],
                    font_size=11)],
    ))


def outgoing_register(rows: int = 2000) -> bytes:
    header = {"superior_body": "Tổng Liên đoàn Lao động Việt Nam",
              "issuing_unit": "Liên đoàn Lao động tỉnh Hà Tĩnh", "unit_short": "LĐLĐ",
              "place": "Hà Tĩnh"}
    types = ["QĐ", "KH", None, "BB", "BC", "GM"]
    data = []
    for i in range(1, rows + 1):
        code = types[i % len(types)]
        data.append([f"{i:02d}/{code}-LĐLĐ" if code else f"{i:02d}/LĐLĐ",
                     f"{i % 28 + 1:02d}/{i % 12 + 1:02d}/2025",
                     "Quyết định Về việc thành lập Đoàn giám sát việc thực hiện chính sách "
                     "bảo hiểm xã hội" if i % 3 else "Công văn đôn đốc thực hiện kiến nghị",
                     "Nguyễn Thị Hường", "Công ty TNHH May Hồng Lĩnh; Đoàn giám sát",
                     f"GS-2025-{i:06d}"])
    return register_pdf(header, "Sổ đăng ký văn bản đi", 2025, date(2026, 1, 5), data)


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b", pdf))


def bench(name: str, doc: Document | Callable[[], bytes], runs: int, target: float) -> bool:
    build = doc if callable(doc) else (lambda: build_pdf(doc))
    times = []
    pdf = b""
    for _ in range(runs):
        t0 = time.perf_counter()
        pdf = build()
        times.append(time.perf_counter() - t0)
    tracemalloc.start()
    build()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    med = statistics.median(times)
    ok = med < target
    print(f"{name}: {page_count(pdf)} pages, {len(pdf) / 1024:.0f} KiB")
    print(f"  build time over {runs} runs: median {med * 1000:.1f} ms, "
          f"min {min(times) * 1000:.1f} ms, max {max(times) * 1000:.1f} ms "
          f"(target < {target * 1000:.0f} ms: {'OK' if ok else 'MISSED'})")
    print(f"  peak Python memory (tracemalloc, one build): {peak / 2**20:.1f} MiB")
    return ok


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=20, help="runs of the 3-page report")
    ap.add_argument("--register-runs", type=int, default=3, help="runs of the register")
    args = ap.parse_args()

    t0 = time.perf_counter()
    register_fonts()
    first = build_pdf(conclusion_report())
    print(f"cold start (font registration + first build): "
          f"{(time.perf_counter() - t0) * 1000:.0f} ms, {page_count(first)} pages")
    ok = bench("3-page conclusion report", conclusion_report(), args.runs, REPORT_TARGET_S)
    ok &= bench("register table (sổ theo dõi đơn thư)", register(), args.register_runs,
                REGISTER_TARGET_S)
    ok &= bench("register book (sổ đăng ký văn bản đi)", outgoing_register, args.register_runs,
                REGISTER_TARGET_S)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
