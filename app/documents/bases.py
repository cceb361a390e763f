"""The legal bases (căn cứ) each kind of work cites: data, not strings in builders.

Built-in defaults per kind of work, overridden by a national admin (an admin of the top unit)
on the admin page; each change is a new row of LegalBasisChange (who, when, before, after), so
the table is its own audit trail and the latest row of a kind is in force (``lines`` None:
back to the default). Every builder reads the bases through `legal_bases(case)`.

44/HD-TLĐ is the union's guidance for supervising the ethics and lifestyle of heads, key
cadres, cadres and party members (implementing Quy định 124-QĐ/TW of the Ban Bí thư): only
that kind of supervision cites it. A supervision of an employer's or agency's compliance and a
social critique cite Luật Công đoàn 2024 and Quyết định 217-QĐ/TW.
"""
from __future__ import annotations

import re
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.errors import Forbidden, Invalid, NotFound
from app.core.text import fold, lines, nfc
from app.extensions import db
from app.orgs.models import utcnow
from workflows.base import Label
from workflows.vocab import ADMIN, CRITIQUE, LETTER, RECOMMENDATION, SUPERVISION

ETHICS = "supervision_ethics"
COMPLIANCE = "supervision_compliance"
CRITIQUE_WORK = "critique"
DENUNCIATION = "denunciation"
COMPLAINT = "complaint"

#: The kinds of work whose documents cite a legal basis.
WORKS: dict[str, Label] = {
    ETHICS: Label("Giám sát việc tu dưỡng, rèn luyện đạo đức, lối sống của người đứng đầu, "
                  "cán bộ chủ chốt và cán bộ, đảng viên",
                  "Supervision of the ethics and lifestyle of heads, cadres and party members"),
    COMPLIANCE: Label("Giám sát việc thực hiện chính sách, pháp luật của người sử dụng lao "
                      "động, cơ quan, đơn vị (tiền lương, làm thêm giờ, bảo hiểm xã hội, an "
                      "toàn lao động, dân chủ ở cơ sở)",
                      "Supervision of an employer's or agency's compliance (wages, overtime, "
                      "social insurance, safety, grassroots democracy)"),
    CRITIQUE_WORK: Label("Phản biện xã hội", "Social critique"),
    DENUNCIATION: Label("Giải quyết tố cáo", "Resolving a denunciation"),
    COMPLAINT: Label("Giải quyết khiếu nại", "Resolving a complaint"),
}

LUAT_CONG_DOAN = "Căn cứ Luật Công đoàn số 50/2024/QH15 ngày 27/11/2024"
QD_217 = ("Căn cứ Quyết định số 217-QĐ/TW ngày 12/12/2013 của Bộ Chính trị ban hành Quy chế "
          "giám sát và phản biện xã hội của Mặt trận Tổ quốc Việt Nam và các đoàn thể chính trị "
          "- xã hội")

#: The built-in bases per kind of work, each line a "Căn cứ …" of an instrument with its
#: number, date and issuer (checked by `problems`).
DEFAULTS: dict[str, tuple[str, ...]] = {
    ETHICS: (
        "Căn cứ Quy định số 124-QĐ/TW ngày 02/02/2018 của Ban Bí thư về giám sát của Mặt trận "
        "Tổ quốc Việt Nam, các tổ chức chính trị - xã hội và Nhân dân đối với việc tu dưỡng, "
        "rèn luyện đạo đức, lối sống của người đứng đầu, cán bộ chủ chốt và cán bộ, đảng viên",
        "Căn cứ Hướng dẫn số 44/HD-TLĐ ngày 20/12/2021 của Tổng Liên đoàn Lao động Việt Nam về "
        "việc công đoàn thực hiện giám sát việc tu dưỡng, rèn luyện đạo đức, lối sống của "
        "người đứng đầu, cán bộ chủ chốt và cán bộ, đảng viên",
    ),
    COMPLIANCE: (LUAT_CONG_DOAN, QD_217),
    CRITIQUE_WORK: (LUAT_CONG_DOAN, QD_217),
    DENUNCIATION: (
        "Căn cứ Luật Tố cáo số 25/2018/QH14 ngày 12/6/2018",
        "Căn cứ Nghị định số 31/2019/NĐ-CP ngày 10/4/2019 của Chính phủ quy định chi tiết một "
        "số điều và biện pháp tổ chức thi hành Luật Tố cáo",
    ),
    COMPLAINT: (
        "Căn cứ Luật Khiếu nại số 02/2011/QH13 ngày 11/11/2011",
        "Căn cứ Nghị định số 124/2020/NĐ-CP ngày 19/10/2020 của Chính phủ quy định chi tiết "
        "một số điều và biện pháp thi hành Luật Khiếu nại",
    ),
}

#: Wording that marks a basis nobody checked (folded: no diacritics, lower case).
PLACEHOLDERS = ("vi du", "can doi chieu", "xac minh lai", "tham khao", "todo", "xxx", "…",
                "...", "[", "<")
#: Issuers that have nothing to do with a union's work (folded).
UNRELATED_ISSUERS = ("hoi dong nhan dan", "hdnd", "uy ban nhan dan", "ubnd", "bo tu phap",
                     "-btp")
_NUMBER = re.compile(r"\bsố\s+\S*\d\S*/\S+")
_DATE = re.compile(r"\bngày\s+(\d{1,2}/\d{1,2}/\d{4}|\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4})")


class LegalBasisChange(db.Model):
    """A national admin's change of the bases of one kind of work (append-only: the latest
    row of a kind is in force; ``lines`` None puts the built-in default back)."""

    __tablename__ = "legal_basis_change"
    __table_args__ = (sa.Index("ix_legal_basis_change_work", "work", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    work: Mapped[str] = mapped_column(sa.String(40))
    lines: Mapped[list | None] = mapped_column(sa.JSON)
    #: The bases in force before the change, kept for the audit trail.
    before: Mapped[list] = mapped_column(sa.JSON, default=list)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    actor = relationship("User", lazy="joined")


def work_of(case) -> str | None:
    """The kind of work a case's documents rest on, or None (no basis cited)."""
    if case.family == SUPERVISION:
        return ETHICS if case.kind == "ethics" else COMPLIANCE
    if case.family == RECOMMENDATION:
        return work_of(case.parent) if case.parent is not None else COMPLIANCE
    if case.family == CRITIQUE:
        return CRITIQUE_WORK
    if case.family == LETTER and case.kind in (DENUNCIATION, COMPLAINT):
        return case.kind
    return None


def _latest(work: str) -> LegalBasisChange | None:
    return db.session.scalar(sa.select(LegalBasisChange).where(LegalBasisChange.work == work)
                             .order_by(LegalBasisChange.id.desc()).limit(1))


def bases_of(work: str) -> list[str]:
    """The bases in force for `work`: the admin's, else the built-in default."""
    change = _latest(work)
    if change is not None and change.lines:
        return list(change.lines)
    return list(DEFAULTS[work])


def legal_bases(case) -> list[str]:
    """The căn cứ lines of the case's kind of work (empty when it cites none)."""
    work = work_of(case)
    return bases_of(work) if work else []


def is_overridden(work: str) -> bool:
    change = _latest(work)
    return change is not None and bool(change.lines)


def history(limit: int = 50) -> list[LegalBasisChange]:
    return list(db.session.scalars(sa.select(LegalBasisChange)
                                   .order_by(LegalBasisChange.id.desc()).limit(limit)))


def problems(entries: list[str]) -> list[str]:
    """Why these lines cannot be shown to users as legal bases (empty: they can)."""
    if not entries:
        return [_("Enter at least one legal basis.")]
    found = []
    for line in entries:
        folded = fold(line)
        if not line.startswith("Căn cứ "):
            found.append(_("“%(line)s” does not start with “Căn cứ”.", line=line))
        elif any(p in folded for p in PLACEHOLDERS):
            found.append(_("“%(line)s” holds placeholder wording.", line=line))
        elif any(u in folded for u in UNRELATED_ISSUERS):
            found.append(_("“%(line)s” cites a body that has nothing to do with the union's "
                           "work.", line=line))
        elif not _NUMBER.search(line) or not _DATE.search(line):
            found.append(_("“%(line)s” needs the instrument's number (“số …/…”) and its date "
                           "(“ngày dd/mm/yyyy”).", line=line))
    return found


def is_national_admin(user) -> bool:
    """An admin of the top unit (the root of the organisation tree)."""
    return bool(getattr(user, "is_authenticated", False)) and any(
        a.role == ADMIN and a.org.parent_id is None for a in user.roles)


def _require(actor, work: str) -> None:
    if not is_national_admin(actor):
        raise Forbidden(_("Only an administrator of the top unit may change the legal bases."))
    if work not in WORKS:
        raise NotFound(_("Unknown kind of work."))


def clean(text: str) -> list[str]:
    """The non-blank lines of a textarea, NFC, without the trailing ";" or "."."""
    return [line.rstrip(" ;.") for line in lines(nfc(text or ""))]


def save_bases(actor, work: str, text: str) -> list[str]:
    """Set the bases of `work` (one per line); refused with the reasons, nothing saved, when a
    line is not a verifiable basis."""
    _require(actor, work)
    entries = clean(text)
    found = problems(entries)
    if found:
        raise Invalid(_("The legal bases were not saved: %(problems)s",
                        problems=" ".join(found)), field="lines")
    before = bases_of(work)
    if entries != before:
        db.session.add(LegalBasisChange(work=work, lines=entries, before=before,
                                        actor_id=actor.id))
        db.session.flush()
    return entries


def reset_bases(actor, work: str) -> None:
    """Put the built-in bases of `work` back (audited like a change)."""
    _require(actor, work)
    if is_overridden(work):
        db.session.add(LegalBasisChange(work=work, lines=None, before=bases_of(work),
                                        actor_id=actor.id))
        db.session.flush()
