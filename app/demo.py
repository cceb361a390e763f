"""Demo data: a Vietnamese organisation tree, one user per role, and cases in every state.

Every case is opened and moved through `app.cases.services`, so the demo timelines are real.
"""
from __future__ import annotations

import random
from datetime import date, timedelta

import sqlalchemy as sa

from app.auth.models import User
from app.auth.permissions import can_create_in, can_fire, roles_in
from app.auth.services import create_user
from app.cases.models import Case
from app.cases.services import open_case, transition_case
from app.core.calendar import local_today
from app.core.errors import DomainError
from app.extensions import db
from app.orgs.models import Organisation
from app.orgs.services import create_org
from workflows import vocab
from workflows.registry import WORKFLOWS

DEMO_PASSWORD = "giamsat2026"

#: (key, name, short name, place, level, parent key)
ORGS = [
    ("tld", "Tổng Liên đoàn Lao động Việt Nam", "TLĐ", "Hà Nội", 1, None),
    ("ht", "Liên đoàn Lao động tỉnh Hà Tĩnh", "LĐLĐ", "Hà Tĩnh", 2, "tld"),
    ("hcm", "Liên đoàn Lao động Thành phố Hồ Chí Minh", "LĐLĐ", "TP. Hồ Chí Minh", 2, "tld"),
    ("kkt", "Công đoàn Khu kinh tế tỉnh Hà Tĩnh", "CĐKKT", "Hà Tĩnh", 3, "ht"),
    ("kv1", "Liên đoàn Lao động khu vực Hồng Lĩnh", "LĐLĐKV", "Hồng Lĩnh", 3, "ht"),
    ("kcx", "Công đoàn các Khu chế xuất và công nghiệp Thành phố Hồ Chí Minh",
     "CĐKCX-KCN", "TP. Hồ Chí Minh", 3, "hcm"),
    ("thep", "Công đoàn cơ sở Công ty Cổ phần Thép Vũng Áng", "CĐCS", "Kỳ Anh", 4, "kkt"),
    ("may", "Công đoàn cơ sở Công ty TNHH May Hà Tĩnh Việt Hàn", "CĐCS", "Hà Tĩnh", 4, "kkt"),
    ("thpt", "Công đoàn cơ sở Trường THPT Hồng Lĩnh", "CĐCS", "Hồng Lĩnh", 4, "kv1"),
    ("giay", "Công đoàn cơ sở Công ty TNHH Giày da Tân Thuận", "CĐCS", "TP. Hồ Chí Minh", 4, "kcx"),
    ("dientu", "Công đoàn cơ sở Công ty TNHH Điện tử Linh Trung", "CĐCS", "TP. Hồ Chí Minh", 4,
     "kcx"),
]

#: The short forms printed in the header of the documents of the units below (the full names
#: would wrap into an orphan line of the header's column).
HEADER_NAMES = {"hcm": "LĐLĐ Thành phố Hồ Chí Minh", "kv1": "LĐLĐ khu vực Hồng Lĩnh",
                "kcx": "CĐ các KCX và CN TP. Hồ Chí Minh"}

#: (username, full name, [(role, org key)])
USERS = [
    ("tiepnhan", "Trần Thị Thu Hà", [(vocab.INTAKE, "ht")]),
    ("canbo", "Nguyễn Văn Hùng", [(vocab.HANDLER, "ht")]),
    ("doangiamsat", "Lê Thị Minh Nguyệt", [(vocab.DELEGATE, "ht")]),
    ("lanhdao", "Phạm Quốc Việt", [(vocab.APPROVER, "ht")]),
    ("quantri", "Đặng Thị Lan", [(vocab.ADMIN, "tld")]),
    ("kiemtoan", "Hoàng Đức Thắng", [(vocab.AUDITOR, "tld")]),
    ("tld", "Võ Thị Hồng Nhung", [(vocab.APPROVER, "tld")]),
    ("canbo.hcm", "Huỳnh Ngọc Ánh", [(vocab.INTAKE, "hcm"), (vocab.HANDLER, "hcm"),
                                     (vocab.DELEGATE, "hcm")]),
    ("lanhdao.hcm", "Bùi Thanh Sơn", [(vocab.APPROVER, "hcm")]),
    ("cdcs.thep", "Ngô Thị Hường", [(vocab.INTAKE, "thep"), (vocab.HANDLER, "thep")]),
]

SUBJECTS_PERSON = [
    ("Nguyễn Đình Khang", "head", "Giám đốc Công ty", "Đảng ủy Khối Doanh nghiệp tỉnh"),
    ("Trần Quang Minh", "key_cadre", "Trưởng phòng Tổ chức - Hành chính", "Đảng ủy Công ty"),
    ("Lê Thị Bích Ngọc", "cadre", "Kế toán trưởng", "Chi bộ Phòng Tài chính"),
    ("Phan Văn Đức", "party_member", "Quản đốc phân xưởng", "Chi bộ Phân xưởng cán"),
    ("Vũ Thị Thanh Tâm", "head", "Hiệu trưởng", "Đảng ủy phường Bắc Hồng"),
]
SUBJECTS_ORG = [
    "Công ty Cổ phần Thép Vũng Áng", "Công ty TNHH May Hà Tĩnh Việt Hàn",
    "Công ty TNHH Giày da Tân Thuận", "Công ty TNHH Điện tử Linh Trung",
    "Sở Lao động - Thương binh và Xã hội", "Bảo hiểm xã hội tỉnh",
]
TITLES = {
    vocab.SUPERVISION: [
        "Giám sát việc thực hiện chế độ bảo hiểm xã hội cho người lao động",
        "Giám sát việc tu dưỡng, rèn luyện đạo đức, lối sống của người đứng đầu",
        "Giám sát việc thực hiện quy chế dân chủ ở cơ sở",
        "Giám sát việc trả lương làm thêm giờ và ca đêm",
        "Giám sát an toàn, vệ sinh lao động tại phân xưởng",
    ],
    vocab.RECOMMENDATION: [
        "Kiến nghị truy đóng bảo hiểm xã hội cho 125 người lao động",
        "Kiến nghị công khai quy chế trả lương, thưởng",
        "Kiến nghị bố trí phòng vắt, trữ sữa cho lao động nữ",
        "Kiến nghị kiểm điểm trách nhiệm người đứng đầu",
    ],
    vocab.LETTER: [
        "Đơn khiếu nại về việc chấm dứt hợp đồng lao động trái pháp luật",
        "Đơn tố cáo hành vi trù dập người lao động góp ý",
        "Đơn kiến nghị về tiền ăn giữa ca",
        "Phản ánh việc nợ lương tháng 9 và tháng 10",
        "Đơn khiếu nại về quyết định xử lý kỷ luật sa thải",
    ],
    vocab.DIALOGUE: [
        "Đối thoại định kỳ năm 2026 tại doanh nghiệp",
        "Đối thoại về điều chỉnh đơn giá tiền lương",
        "Đối thoại về việc tổ chức lại ca làm việc",
    ],
    vocab.CRITIQUE: [
        "Phản biện dự thảo Nghị định quy định chi tiết về tiền lương tối thiểu",
        "Phản biện dự thảo Kế hoạch nhà ở xã hội cho công nhân",
        "Phản biện dự thảo Chương trình đào tạo nghề cho lao động nữ",
    ],
}
SUMMARIES = [
    "Người lao động phản ánh doanh nghiệp chậm đóng bảo hiểm xã hội từ tháng 3 năm 2026, "
    "ảnh hưởng đến chế độ ốm đau, thai sản của nhiều đoàn viên.",
    "Qua theo dõi dư luận và báo chí địa phương, có ý kiến về việc sử dụng tài sản công "
    "chưa đúng quy định và thái độ ứng xử chưa chuẩn mực với người lao động.",
    "Ban Thanh tra nhân dân kiến nghị làm rõ việc chi trả tiền thưởng cuối năm không công khai.",
    "Công đoàn cơ sở báo cáo việc tăng ca liên tục vượt quá 40 giờ mỗi tháng.",
    "Đoàn viên đề nghị xem xét lại quyết định điều chuyển công việc không có sự thỏa thuận.",
]
REPORTERS = ["Nguyễn Thị Mai", "Trần Văn Tuấn", "Lê Hoàng Yến", "Phạm Minh Châu", "Đỗ Văn Lợi"]
COMMENTS = [
    "Đã trao đổi với đơn vị, hồ sơ đầy đủ.", "Đề nghị bổ sung tài liệu chứng minh.",
    "Thống nhất theo đề xuất của bộ phận chuyên môn.", "Chưa đủ căn cứ, cần làm rõ thêm.",
]


def seed(case_count: int = 240, rng_seed: int = 2026) -> dict | None:
    """Create the demo data unless it is already there. Flushes; the caller commits."""
    if db.session.scalar(sa.select(User.id).where(User.username == "canbo")):
        return None
    rng = random.Random(rng_seed)
    orgs: dict[str, Organisation] = {}
    for key, name, short, place, level, parent in ORGS:
        orgs[key] = create_org(name, short, place, level, orgs.get(parent) if parent else None,
                               valid_from=date(2025, 7, 1), header_name=HEADER_NAMES.get(key, ""))
    users = {}
    for username, full_name, roles in USERS:
        users[username] = create_user(username, full_name, DEMO_PASSWORD,
                                      [(role, orgs[key]) for role, key in roles])
    seeder = _CaseSeeder(rng, orgs, users)
    seeder.run(case_count)
    from app.letters.demo import seed as seed_letters

    seed_letters(orgs, users)
    from app.critique import demo as critique_demo

    critique_demo.seed(orgs, users)
    from app.deadlines.demo import seed as seed_deadlines

    seed_deadlines()
    from app.documents import demo as documents_demo

    documents_demo.seed()
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Case))
    return {"orgs": len(orgs), "users": len(users), "cases": total}


class _CaseSeeder:
    def __init__(self, rng, orgs, users):
        self.rng = rng
        self.orgs = orgs
        self.users = users
        self.today = local_today()
        self.made = 0
        # Channel 7 ("trường hợp đặc biệt, thành lập đoàn giám sát") is a user's deliberate
        # choice for a special case: only some supervisions take it, never another family.
        self.channels = [c for c in vocab.CHANNELS if c != "delegation"]
        # Units whose own approver signs their documents: a supervision or a letter rests on
        # documents its unit issues, so the demo files them there.
        self.signing = [key for key, org in orgs.items()
                        if org.parent_id is not None
                        and any(a.role == vocab.APPROVER and a.org_id == org.id
                                for u in users.values() for a in u.roles)]
        self.refusals: list[tuple] = []

    def actor_for(self, case: Case, action) -> User | None:
        """A demo user allowed to fire `action` on `case`, avoiding the draft's author."""
        candidates = [u for u in self.users.values() if can_fire(u, case, action)]
        self.rng.shuffle(candidates)
        return candidates[0] if candidates else None

    def open(self, family: str, parent: Case | None = None, days_ago: int | None = None) -> Case:
        rng = self.rng
        if parent is not None:
            org = parent.org
        elif family in (vocab.SUPERVISION, vocab.LETTER):
            org = self.orgs[rng.choice([*self.signing, "ht"])]
        else:
            org = self.orgs[rng.choice(["ht", "kkt", "kv1", "thep", "may", "thpt", "hcm", "kcx",
                                        "giay", "dientu", "ht", "ht"])]
        opener = next(u for u in self.users.values()
                      if can_create_in(u, org) and u.username != "tld")
        received = self.today - timedelta(days=days_ago if days_ago is not None
                                          else rng.randint(0, 420))
        person = rng.random() < 0.4
        subj = rng.choice(SUBJECTS_PERSON)
        kinds = {
            vocab.SUPERVISION: vocab.SUPERVISION_KINDS, vocab.LETTER: vocab.LETTER_KINDS,
            vocab.DIALOGUE: vocab.DIALOGUE_KINDS, vocab.CRITIQUE: vocab.CRITIQUE_KINDS,
        }.get(family)
        anonymous = family == vocab.LETTER and rng.random() < 0.15
        pool = self.channels + (["delegation"] if family == vocab.SUPERVISION else [])
        channel = pool[self.made % len(pool)]
        case = open_case(
            opener, org, family,
            kind=rng.choice(list(kinds)) if kinds else None,
            channel=channel,
            intake_form=rng.choice(list(vocab.INTAKE_FORMS)),
            title=rng.choice(TITLES[family]),
            summary=rng.choice(SUMMARIES),
            subject_kind="person" if person else "organisation",
            subject_name=subj[0] if person else rng.choice(SUBJECTS_ORG),
            subject_category=subj[1] if person else None,
            subject_position=subj[2] if person else "",
            subject_unit=rng.choice(SUBJECTS_ORG),
            subject_party_committee=subj[3] if person else "",
            is_anonymous=anonymous,
            reporter_name="" if anonymous else rng.choice(REPORTERS),
            received_on=received,
            parent_id=parent.id if parent else None,
        )
        self.made += 1
        return case

    def walk(self, case: Case, path: list[str]) -> bool:
        """Fire each trigger of `path` with a suitable user; False if one is refused."""
        day = case.received_on
        for trigger in path:
            action = case.workflow.action(trigger)
            if trigger == "mark_overdue" and case.due_on:
                day = min(self.today, case.due_on + timedelta(days=1))
            if trigger == "close" and case.family == vocab.SUPERVISION:
                self.settle_recommendations(case)
            try:
                with db.session.begin_nested():
                    prepare_records(case, trigger, list(self.users.values()), day)
                    _issue_documents(case, trigger, list(self.users.values()), day)
            except DomainError as exc:
                self.refusals.append((case.code, trigger, exc.message))
                return False
            if trigger == "start_fieldwork":
                day = min(self.today, day + timedelta(days=16))
            if not self._fire(case, action, day):
                return False
            day = min(self.today, day + timedelta(days=self.rng.randint(1, 12)))
        return True

    def _fire(self, case, action, day) -> bool:
        actor = self.actor_for(case, action)
        if actor is None:
            return False
        comment = self.rng.choice(COMMENTS) if action.comment_required or \
            self.rng.random() < 0.3 else ""
        try:
            with db.session.begin_nested():
                transition_case(case, action.trigger, actor, comment=comment, today=day)
        except DomainError:
            # The same user drafted and would approve: try another approver once.
            other = [u for u in self.users.values()
                     if u is not actor and can_fire(u, case, action)]
            if not other:
                return False
            try:
                with db.session.begin_nested():
                    transition_case(case, action.trigger, other[0], comment=comment, today=day)
            except DomainError as exc:
                self.refusals.append((case.code, action.trigger, exc.message))
                return False
        return True

    def settle_recommendations(self, case: Case) -> None:
        children = db.session.scalars(sa.select(Case).where(Case.parent_id == case.id)).all()
        for child in children:
            if child.state in ("waiting", "overdue", "reminded", "escalated"):
                self.walk(child, ["record_implemented", "close"])

    def run(self, case_count: int) -> int:
        # At least one case in every state of every family, then random walks.
        for family, wf in WORKFLOWS.items():
            if family == vocab.RECOMMENDATION:
                continue
            for path in wf.paths_to_states().values():
                case = self.open(family, days_ago=min(400, 30 + 12 * len(path)))
                self.walk(case, path)
        families = [f for f in WORKFLOWS if f != vocab.RECOMMENDATION]
        while self.made < case_count:
            family = self.rng.choice(families + [vocab.LETTER, vocab.SUPERVISION])
            wf = WORKFLOWS[family]
            path = self.rng.choice(list(wf.paths_to_states().values()))
            case = self.open(family, days_ago=self.rng.randint(5 + 10 * len(path), 420))
            cut = self.rng.randint(0, len(path))
            self.walk(case, path[:cut])
        self._cover_recommendation_states()
        db.session.flush()
        return self.made

    def _cover_recommendation_states(self) -> None:
        parents = db.session.scalars(
            sa.select(Case).where(Case.family == vocab.SUPERVISION,
                                  Case.state == "following_up")).all()
        if not parents:
            raise RuntimeError("The demo could not bring any supervision to follow-up; "
                               f"refused steps: {self.refusals[:5]}")
        wf = WORKFLOWS[vocab.RECOMMENDATION]
        for i, path in enumerate(wf.paths_to_states().values()):
            parent = parents[i % len(parents)]
            rec = self.open(vocab.RECOMMENDATION, parent=parent, days_ago=60)
            self.walk(rec, path)


def _user_with(users, role, case):
    return next((u for u in users if role in roles_in(u, case.org)), None)


def _issue_documents(case, trigger: str, users, day: date) -> None:
    """The documents the step rests on, issued by the unit's approver (its first firing is
    still refused when no approver of the unit is among the demo users)."""
    from app.documents.services import issue_needed

    approver = next((u for u in users if any(r.org_id == case.org_id and r.role == vocab.APPROVER
                                              for r in u.roles)), None)
    if approver is not None and case.workflow.action(trigger).documents:
        issue_needed(case, trigger, approver, today=min(day, local_today()))


def prepare_records(case, trigger: str, users, day: date) -> None:
    """Write what a trigger's guard asks for (plan, delegation, report, dialogue record,
    a letter's classification)."""
    from app.critique.demo import prepare_records as prepare_critique
    from app.letters.demo import prepare_records as prepare_letter
    from app.supervision import services as sv

    prepare_letter(case, trigger)
    prepare_critique(case, trigger, users, day)

    handler = _user_with(users, vocab.HANDLER, case)
    if case.family == vocab.DIALOGUE and trigger == "hold" and handler:
        sv.record_dialogue(case, handler, kind="periodic", held_on=min(day, local_today()),
                           union_side="Nguyễn Văn An\nTrần Thị Bình\nLê Văn Cường",
                           other_side="Phạm Văn Dũng\nHoàng Thị Yến\nVũ Văn Giang",
                           agenda="Tiền lương, thưởng năm 2026; điều kiện làm việc",
                           agreed="Tăng lương tối thiểu 6% từ 01/01/2027",
                           not_agreed="Phụ cấp độc hại cho tổ hoàn thiện")
    if case.family != vocab.SUPERVISION or handler is None:
        return
    if trigger == "draft_plan":
        sv.save_plan(case, handler, purpose="Đánh giá việc thực hiện chế độ, chính sách "
                     "đối với người lao động", content="Việc trích nộp bảo hiểm xã hội, "
                     "trả lương làm thêm giờ năm 2026", form="Làm việc trực tiếp, nghiên cứu hồ sơ",
                     place="Trụ sở đơn vị được giám sát", starts_on=day + timedelta(days=20),
                     ends_on=day + timedelta(days=25),
                     subject_preparation="Báo cáo bằng văn bản theo đề cương gửi kèm")
    elif trigger == "form_delegation":
        delegate = _user_with(users, vocab.DELEGATE, case)
        members = [{"user_id": delegate.id if delegate else None,
                    "name": "" if delegate else "Lê Thị Minh Nguyệt",
                    "position": "Phó Chủ tịch", "role": "leader"},
                   *([{"user_id": handler.id, "name": "", "position": "Trưởng ban Chính sách",
                       "role": "member"}] if handler is not delegate else []),
                   {"user_id": None, "name": "Đỗ Thị Thu", "position": "Chuyên viên",
                    "role": "secretary"}]
        sv.set_delegation(case, handler, members)
    elif trigger == "submit_report":
        author = _user_with(users, vocab.DELEGATE, case) or handler
        sv.save_report(case, author, findings=[
            {"item": "Trích nộp bảo hiểm xã hội", "strengths": "Đóng đủ cho 92% người lao động",
             "shortcomings": "Chậm đóng 3 tháng cho 125 người", "causes": "Khó khăn dòng tiền"},
            {"item": "Trả lương làm thêm giờ", "strengths": "Có quy chế công khai",
             "shortcomings": "Chưa trả đủ 150% ngày thường", "causes": "Cách tính chưa đúng"}],
            recommendations=[
                {"addressee": case.subject_name or "Đơn vị được giám sát",
                 "superior": "Sở Nội vụ tỉnh", "text": "Truy đóng bảo hiểm xã hội còn nợ"},
                {"addressee": case.subject_name or "Đơn vị được giám sát",
                 "superior": "Sở Nội vụ tỉnh",
                 "text": "Trả bổ sung tiền lương làm thêm giờ còn thiếu"}],
            conclusion="Đơn vị cơ bản chấp hành pháp luật lao động; cần khắc phục ngay "
                       "việc chậm đóng bảo hiểm xã hội và trả thiếu tiền làm thêm giờ.")

