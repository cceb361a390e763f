"""Domain vocabulary shared by every workflow: roles, families, channels, intake forms, subjects."""
from workflows.base import Label

INTAKE = "intake_officer"
HANDLER = "handler"
DELEGATE = "delegation_member"
APPROVER = "approver"
ADMIN = "admin"
AUDITOR = "auditor"

ROLES: dict[str, Label] = {
    INTAKE: Label("Cán bộ tiếp nhận / văn thư", "Intake officer / clerk"),
    HANDLER: Label("Cán bộ được phân công xử lý", "Case handler"),
    DELEGATE: Label("Thành viên đoàn giám sát", "Supervision delegation member"),
    APPROVER: Label("Lãnh đạo / Ban Thường vụ (phê duyệt)", "Approver / standing committee"),
    ADMIN: Label("Quản trị", "Administrator"),
    AUDITOR: Label("Kiểm toán (chỉ xem)", "Auditor (read-only)"),
}

SUPERVISION = "supervision"
RECOMMENDATION = "recommendation"
LETTER = "letter"
DIALOGUE = "dialogue"
CRITIQUE = "critique"

FAMILIES: dict[str, Label] = {
    SUPERVISION: Label("Giám sát", "Supervision"),
    RECOMMENDATION: Label("Kiến nghị sau giám sát", "Recommendation"),
    LETTER: Label("Đơn thư", "Letter"),
    DIALOGUE: Label("Đối thoại", "Dialogue"),
    CRITIQUE: Label("Phản biện xã hội", "Social critique"),
}

#: Code prefixes of case numbers, per family.
FAMILY_PREFIX = {SUPERVISION: "GS", RECOMMENDATION: "KN", LETTER: "DT", DIALOGUE: "ĐT", CRITIQUE: "PB"}

#: The seven channels of regular supervision in Hướng dẫn 44/HD-TLĐ (20/12/2021).
CHANNELS: dict[str, Label] = {
    "observation": Label(
        "Quan sát, tìm hiểu, giao tiếp trực tiếp", "Observation and direct contact"
    ),
    "report": Label(
        "Báo cáo, phản ánh của công đoàn cấp dưới, đoàn viên, người lao động",
        "Reports from lower unions, members and workers",
    ),
    "media": Label("Dư luận xã hội, truyền thông đại chúng", "Public opinion and mass media"),
    "democracy": Label(
        "Quy chế dân chủ ở cơ sở, Ban Thanh tra nhân dân",
        "Grassroots democracy, People's Inspection Board",
    ),
    "dialogue": Label("Đối thoại với đối tượng được giám sát", "Dialogue with the supervised party"),
    "complaint": Label(
        "Kết quả giải quyết đơn thư khiếu nại, tố cáo",
        "Results of complaints and denunciations",
    ),
    "delegation": Label("Thành lập đoàn giám sát (trường hợp đặc biệt)", "Supervision delegation"),
}

#: The channel of a supervision opened from a letter: the content and results of complaints
#: and denunciations (channel 6). "delegation" (channel 7, special cases) is only ever the
#: user's choice.
LETTER_CHANNEL = "complaint"

INTAKE_FORMS: dict[str, Label] = {
    "writing": Label("Văn bản, đơn gửi qua bưu chính", "In writing / by post"),
    "in_person": Label("Trực tiếp", "In person"),
    "online": Label("Cổng trực tuyến", "Online portal"),
    "hotline": Label("Đường dây nóng, thư điện tử", "Hotline / e-mail"),
    "forwarded": Label("Cơ quan, tổ chức khác chuyển đến", "Forwarded by another body"),
    "documents": Label("Nghiên cứu hồ sơ, báo cáo", "Study of documents and reports"),
}

SUBJECT_KINDS: dict[str, Label] = {
    "person": Label("Cá nhân", "Person"),
    "organisation": Label("Tổ chức, cơ quan, doanh nghiệp", "Organisation"),
}

SUBJECT_CATEGORIES: dict[str, Label] = {
    "head": Label("Người đứng đầu", "Head"),
    "key_cadre": Label("Cán bộ chủ chốt", "Key cadre"),
    "cadre": Label("Cán bộ", "Cadre"),
    "party_member": Label("Đảng viên", "Party member"),
}

SUPERVISION_KINDS: dict[str, Label] = {
    "regular": Label("Thường xuyên (từ tín hiệu)", "Regular (from a signal)"),
    "thematic": Label("Chuyên đề", "Thematic"),
    "ethics": Label(
        "Tu dưỡng, rèn luyện đạo đức, lối sống (124-QĐ/TW, 44/HD-TLĐ)",
        "Ethics and lifestyle (124-QĐ/TW, 44/HD-TLĐ)",
    ),
}

LETTER_KINDS: dict[str, Label] = {
    "complaint": Label("Khiếu nại", "Complaint"),
    "denunciation": Label("Tố cáo", "Denunciation"),
    "petition": Label("Kiến nghị", "Petition"),
    "feedback": Label("Phản ánh", "Feedback"),
}

DIALOGUE_KINDS: dict[str, Label] = {
    "periodic": Label("Định kỳ", "Periodic"),
    "on_request": Label("Theo yêu cầu", "On request"),
    "on_event": Label("Khi có vụ việc", "On an event"),
}

#: The events of Bộ luật Lao động 2019 Điều 63 khoản 2 điểm c on which the employer must hold a
#: dialogue, each with the article that names it.
DIALOGUE_EVENTS: dict[str, Label] = {
    "dismissal": Label("Cho thôi việc do thường xuyên không hoàn thành công việc (Điều 36 khoản 1 "
                       "điểm a)", "Dismissal for repeatedly not completing work (Art. 36(1)(a))"),
    "restructuring": Label("Thay đổi cơ cấu, công nghệ hoặc vì lý do kinh tế (Điều 42)",
                           "Restructuring, technological change or economic reasons (Art. 42)"),
    "labour_plan": Label("Phương án sử dụng lao động (Điều 44)", "Labour-use plan (Art. 44)"),
    "wage_scale": Label("Thang lương, bảng lương, định mức lao động (Điều 93)",
                        "Wage scales and labour norms (Art. 93)"),
    "bonus_rules": Label("Quy chế thưởng (Điều 104)", "Bonus rules (Art. 104)"),
    "internal_rules": Label("Nội quy lao động (Điều 118)", "Internal labour rules (Art. 118)"),
    "suspension": Label("Tạm đình chỉ công việc (Điều 128 khoản 1)",
                        "Suspension from work (Art. 128(1))"),
}

#: The two sides of a workplace dialogue, and who asked for one on request.
DIALOGUE_SIDES: dict[str, Label] = {
    "workers": Label("Bên người lao động (tổ chức đại diện người lao động)",
                     "Workers' side (workers' representative organisation)"),
    "employer": Label("Bên người sử dụng lao động", "Employer's side"),
}

#: Where an item of a dialogue's content comes from.
ITEM_SOURCES: dict[str, Label] = {
    "mandatory": Label("Nội dung bắt buộc (Điều 64)", "Mandatory item (Art. 64)"),
    "workers": Label("Kiến nghị của người lao động", "Workers' proposal"),
    "employer": Label("Nội dung của người sử dụng lao động", "Employer's item"),
}

#: Kinds of employer a grassroots union covers (Luật Thực hiện dân chủ ở cơ sở 2022).
EMPLOYER_KINDS: dict[str, Label] = {
    "enterprise": Label("Doanh nghiệp ngoài nhà nước", "Private enterprise"),
    "state_enterprise": Label("Doanh nghiệp nhà nước", "State-owned enterprise"),
    "agency": Label("Cơ quan hành chính nhà nước", "State agency"),
    "public_unit": Label("Đơn vị sự nghiệp công lập", "Public service unit"),
    "other": Label("Tổ chức khác có thuê mướn lao động", "Other organisation employing workers"),
}

CRITIQUE_KINDS: dict[str, Label] = {
    "law": Label("Dự án luật", "Draft law"),
    "decree": Label("Dự thảo nghị định", "Draft decree"),
    "plan": Label("Kế hoạch", "Plan"),
    "programme": Label("Chương trình", "Programme"),
    "other": Label("Văn bản khác", "Other"),
}

#: The sub-types each family may carry in Case.kind.
KINDS_BY_FAMILY: dict[str, dict[str, Label]] = {
    SUPERVISION: SUPERVISION_KINDS,
    LETTER: LETTER_KINDS,
    DIALOGUE: DIALOGUE_KINDS,
    CRITIQUE: CRITIQUE_KINDS,
    RECOMMENDATION: {},
}

#: Organisation levels (Luật Công đoàn 2024, Điều 8).
ORG_LEVELS: dict[int, Label] = {
    1: Label("Tổng Liên đoàn", "National confederation"),
    2: Label("Cấp tỉnh, ngành trung ương", "Province / national sector"),
    3: Label("Cấp trên trực tiếp cơ sở", "Directly above grassroots"),
    4: Label("Công đoàn cơ sở", "Grassroots union"),
}
