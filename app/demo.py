"""Demo data: a Vietnamese organisation tree, one user per role, and cases in every state.

Every case is opened and moved through `app.cases.services`, so the demo timelines are real.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from app.auth.models import User
from app.auth.permissions import can_create_in, can_fire, roles_in
from app.auth.services import create_user
from app.cases.models import Case
from app.cases.services import open_case, transition_case
from app.core.calendar import local_today
from app.core.errors import DomainError
from app.deadlines.services import rule_table
from app.documents.services import issue_needed, signer_among
from app.extensions import db
from app.orgs.models import Organisation
from app.orgs.services import create_org
from workflows import vocab
from workflows.registry import WORKFLOWS

DEMO_PASSWORD = "giamsat2026"

#: (key, name, short name, place, level, parent key)
#: (key, full name, short name in document numbers, label in lists, place, level, parent key)
ORGS = [
    ("tld", "Tổng Liên đoàn Lao động Việt Nam", "TLĐ", "TLĐ", "Hà Nội", 1, None),
    ("ht", "Liên đoàn Lao động tỉnh Hà Tĩnh", "LĐLĐ", "LĐLĐ Hà Tĩnh", "Hà Tĩnh", 2, "tld"),
    ("hcm", "Liên đoàn Lao động Thành phố Hồ Chí Minh", "LĐLĐ", "LĐLĐ TP. Hồ Chí Minh",
     "TP. Hồ Chí Minh", 2, "tld"),
    ("kkt", "Công đoàn Khu kinh tế tỉnh Hà Tĩnh", "CĐKKT", "CĐ KKT Hà Tĩnh", "Hà Tĩnh", 3, "ht"),
    ("kv1", "Liên đoàn Lao động khu vực Hồng Lĩnh", "LĐLĐKV", "LĐLĐ KV Hồng Lĩnh", "Hồng Lĩnh",
     3, "ht"),
    ("kcx", "Công đoàn các Khu chế xuất và công nghiệp Thành phố Hồ Chí Minh",
     "CĐKCX-KCN", "CĐ KCX-KCN TP.HCM", "TP. Hồ Chí Minh", 3, "hcm"),
    ("thep", "Công đoàn cơ sở Công ty Cổ phần Thép Vũng Áng", "CĐCS", "CĐCS Thép Vũng Áng",
     "Kỳ Anh", 4, "kkt"),
    ("may", "Công đoàn cơ sở Công ty TNHH May Hà Tĩnh Việt Hàn", "CĐCS", "CĐCS May Việt Hàn",
     "Hà Tĩnh", 4, "kkt"),
    ("thpt", "Công đoàn cơ sở Trường THPT Hồng Lĩnh", "CĐCS", "CĐCS THPT Hồng Lĩnh",
     "Hồng Lĩnh", 4, "kv1"),
    ("giay", "Công đoàn cơ sở Công ty TNHH Giày da Tân Thuận", "CĐCS", "CĐCS Giày da Tân Thuận",
     "TP. Hồ Chí Minh", 4, "kcx"),
    ("dientu", "Công đoàn cơ sở Công ty TNHH Điện tử Linh Trung", "CĐCS",
     "CĐCS Điện tử Linh Trung", "TP. Hồ Chí Minh", 4, "kcx"),
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
    # The chairs of the grassroots unions, who sign their unions' documents (the invitations
    # and minutes of the dialogues at the employers they cover: app.workplace.demo).
    ("chutich.thep", "Đinh Văn Thành", [(vocab.APPROVER, "thep")]),
    ("chutich.may", "Trần Thị Thanh Huyền", [(vocab.APPROVER, "may")]),
    ("chutich.thpt", "Lê Văn Quang", [(vocab.APPROVER, "thpt")]),
    ("chutich.giay", "Nguyễn Thị Kim Liên", [(vocab.APPROVER, "giay")]),
    ("chutich.dientu", "Phạm Hoàng Long", [(vocab.APPROVER, "dientu")]),
]

#: The people of each employer or agency that has a grassroots union in the demo tree (keyed by
#: that union): (name, category, position, the Party committee that manages them).
PEOPLE = {
    "thep": [("Nguyễn Đình Khang", "head", "Tổng Giám đốc",
              "Đảng ủy Khối Doanh nghiệp tỉnh Hà Tĩnh"),
             ("Trần Quang Minh", "key_cadre", "Trưởng phòng Tổ chức - Hành chính",
              "Đảng ủy Công ty Cổ phần Thép Vũng Áng"),
             ("Phan Văn Đức", "party_member", "Quản đốc phân xưởng cán",
              "Chi bộ Phân xưởng cán")],
    "may": [("Lê Thị Bích Ngọc", "key_cadre", "Phó Giám đốc phụ trách nhân sự",
             "Chi bộ Công ty TNHH May Hà Tĩnh Việt Hàn"),
            ("Hồ Văn Thịnh", "cadre", "Tổ trưởng tổ cắt",
             "Chi bộ Công ty TNHH May Hà Tĩnh Việt Hàn")],
    "thpt": [("Vũ Thị Thanh Tâm", "head", "Hiệu trưởng", "Đảng ủy phường Bắc Hồng Lĩnh"),
             ("Nguyễn Hữu Lộc", "key_cadre", "Phó Hiệu trưởng", "Chi bộ Trường THPT Hồng Lĩnh")],
    "giay": [("Đặng Minh Tuấn", "head", "Giám đốc điều hành",
              "Đảng ủy các Khu chế xuất và công nghiệp Thành phố Hồ Chí Minh"),
             ("Lý Thị Kim Oanh", "cadre", "Trưởng bộ phận may mũ giày",
              "Chi bộ Công ty TNHH Giày da Tân Thuận")],
    "dientu": [("Trịnh Công Sơn", "key_cadre", "Phó Giám đốc nhân sự",
                "Chi bộ Công ty TNHH Điện tử Linh Trung"),
               ("Mai Văn Khoa", "cadre", "Trưởng ca sản xuất",
                "Chi bộ Công ty TNHH Điện tử Linh Trung")],
}
#: The state body of each province to which recommendations escalate, keyed by the province's
#: federation.
STATE_BODY = {"ht": "Sở Nội vụ tỉnh Hà Tĩnh", "hcm": "Sở Nội vụ Thành phố Hồ Chí Minh"}
PROVINCE = {"ht": "tỉnh Hà Tĩnh", "hcm": "Thành phố Hồ Chí Minh"}


@dataclass(frozen=True)
class Scenario:
    """A case whose kind, title, summary, subject and channel belong together. The texts take
    {employer}, {person}, {position}, {province}; `about` says who the subject is: "employer"
    (the employer or agency), "leader" (its head or a key cadre, with their Party committee),
    "person" (anyone working there) or "body" (a state body drafting a policy)."""
    kind: str | None
    about: str
    title: str
    summary: str
    channels: tuple[str, ...]
    #: Supervisions: the plan's content, the report's findings (item, strength, shortcoming,
    #: cause), its recommendations and conclusion.
    content: str = ""
    findings: tuple[tuple[str, str, str, str], ...] = ()
    recommendations: tuple[str, ...] = ()
    conclusion: str = ""


_ETHICS = dict(
    kind="ethics", about="leader",
    title="Giám sát việc tu dưỡng, rèn luyện đạo đức, lối sống của đồng chí {person}, "
          "{position} {employer}",
    content="Việc chấp hành quy định về những điều đảng viên không được làm; việc giữ gìn "
            "phẩm chất đạo đức, lối sống; quan hệ, ứng xử với người lao động",
    findings=(("Giữ gìn phẩm chất đạo đức", "Chấp hành chủ trương của Đảng, pháp luật",
               "Có lúc sử dụng xe công vào việc riêng", "Chưa nghiêm khắc với bản thân"),
              ("Lối sống, quan hệ với người lao động", "Gần gũi, lắng nghe ý kiến",
               "Có lúc ứng xử chưa chuẩn mực khi góp ý", "Áp lực công việc")),
    recommendations=("Kiểm điểm, rút kinh nghiệm trước chi bộ về những hạn chế đã nêu",
                     "Công khai kết quả khắc phục với người lao động tại hội nghị"),
    conclusion="Đồng chí được giám sát giữ được phẩm chất đạo đức, lối sống; cần khắc phục "
               "việc sử dụng tài sản công và cách ứng xử với người lao động.")
_WAGES = (("Trả lương làm thêm giờ", "Có quy chế trả lương công khai",
           "Chưa trả đủ 150% cho giờ làm thêm ngày thường", "Cách tính chưa đúng"),
          ("Thời giờ làm thêm", "Có sự đồng ý của người lao động",
           "Vượt 40 giờ trong tháng 9 và tháng 10", "Đơn hàng tăng đột biến"))

SUPERVISION_SCENARIOS = [
    Scenario("regular", "employer",
             "Giám sát việc đóng bảo hiểm xã hội cho người lao động tại {employer}",
             "Người lao động phản ánh {employer} chậm đóng bảo hiểm xã hội từ tháng 3 năm "
             "2026, ảnh hưởng đến chế độ ốm đau, thai sản của nhiều đoàn viên.",
             ("report", "complaint"),
             "Việc trích, nộp bảo hiểm xã hội, bảo hiểm y tế, bảo hiểm thất nghiệp năm 2026",
             (("Trích nộp bảo hiểm xã hội", "Đóng đủ cho 92% người lao động",
               "Chậm đóng 3 tháng cho 125 người", "Khó khăn dòng tiền"),
              ("Giải quyết chế độ ốm đau, thai sản", "Lập hồ sơ kịp thời",
               "Chậm chi trả cho 14 người", "Chưa chốt sổ do nợ đóng")),
             ("Truy đóng bảo hiểm xã hội còn nợ cho người lao động",
              "Chi trả chế độ ốm đau, thai sản còn chậm cho người lao động"),
             "Đơn vị cơ bản thực hiện chế độ bảo hiểm xã hội; cần truy đóng ngay số tiền "
             "chậm đóng và chi trả các chế độ còn chậm."),
    Scenario("regular", "employer",
             "Giám sát việc tổ chức làm thêm giờ và trả lương làm thêm giờ tại {employer}",
             "Công đoàn cơ sở báo cáo {employer} tổ chức tăng ca liên tục, vượt quá 40 giờ "
             "mỗi tháng, và chưa trả đủ tiền lương làm thêm giờ.",
             ("report", "dialogue"),
             "Việc tổ chức làm thêm giờ và trả lương làm thêm giờ năm 2026", _WAGES,
             ("Trả bổ sung tiền lương làm thêm giờ còn thiếu",
              "Bảo đảm số giờ làm thêm không vượt quá 40 giờ mỗi tháng"),
             "Đơn vị cần trả bổ sung tiền lương làm thêm giờ còn thiếu và bố trí lại kế "
             "hoạch sản xuất để không vượt giới hạn giờ làm thêm."),
    Scenario("regular", "employer",
             "Giám sát việc thực hiện dân chủ ở cơ sở tại {employer}",
             "Ban Thanh tra nhân dân kiến nghị làm rõ việc {employer} chi tiền thưởng cuối năm "
             "không công khai và chưa tổ chức hội nghị người lao động năm 2026.",
             ("democracy",),
             "Việc công khai thông tin, tổ chức hội nghị người lao động, đối thoại tại nơi làm "
             "việc năm 2026",
             (("Công khai thông tin", "Niêm yết nội quy lao động",
               "Chưa công khai quy chế thưởng", "Chưa xây dựng quy chế dân chủ"),
              ("Hội nghị người lao động", "Có kế hoạch tổ chức",
               "Chưa tổ chức năm 2026", "Thay đổi người phụ trách nhân sự")),
             ("Công khai quy chế thưởng và việc chi thưởng cuối năm",
              "Tổ chức hội nghị người lao động năm 2026"),
             "Đơn vị thực hiện chưa đầy đủ quy định về dân chủ ở cơ sở; cần công khai quy chế "
             "thưởng và tổ chức hội nghị người lao động."),
    Scenario("regular", "employer",
             "Giám sát công tác an toàn, vệ sinh lao động tại {employer}",
             "Sau vụ tai nạn lao động tháng 8, báo chí địa phương phản ánh {employer} chưa "
             "trang bị đủ phương tiện bảo vệ cá nhân cho người lao động.",
             ("media", "observation"),
             "Việc huấn luyện an toàn, trang bị phương tiện bảo vệ cá nhân, điều tra tai nạn",
             (("Trang bị phương tiện bảo vệ cá nhân", "Có kế hoạch trang bị",
               "Thiếu găng tay, kính bảo hộ ở hai tổ", "Chậm mua sắm"),
              ("Huấn luyện an toàn", "Huấn luyện định kỳ hằng năm",
               "30 người mới chưa được huấn luyện", "Tuyển dụng liên tục")),
             ("Trang bị đủ phương tiện bảo vệ cá nhân cho người lao động",
              "Huấn luyện an toàn, vệ sinh lao động cho người lao động mới"),
             "Đơn vị cần bổ sung ngay phương tiện bảo vệ cá nhân và huấn luyện an toàn cho "
             "người lao động mới."),
    Scenario("regular", "employer",
             "Giám sát việc xử lý kỷ luật lao động tại {employer}",
             "Kết quả giải quyết đơn khiếu nại cho thấy {employer} xử lý kỷ luật sa thải không "
             "tổ chức họp xử lý kỷ luật có tổ chức đại diện người lao động tham dự.",
             ("complaint",),
             "Việc xây dựng nội quy lao động và trình tự xử lý kỷ luật lao động năm 2026",
             (("Nội quy lao động", "Đã đăng ký nội quy",
               "Chưa tham khảo ý kiến công đoàn khi sửa đổi", "Chưa nắm quy định mới"),
              ("Trình tự xử lý kỷ luật", "Có biên bản vi phạm",
               "Không mời công đoàn cơ sở dự họp", "Làm tắt thủ tục")),
             ("Tổ chức lại việc xử lý kỷ luật đúng trình tự cho người lao động bị sa thải",
              "Sửa đổi nội quy lao động có tham khảo ý kiến công đoàn cơ sở"),
             "Đơn vị xử lý kỷ luật chưa đúng trình tự; cần xem xét lại các quyết định sa thải "
             "và sửa đổi nội quy lao động."),
    Scenario("thematic", "employer",
             "Giám sát chuyên đề việc thực hiện thỏa ước lao động tập thể tại {employer}",
             "Theo chương trình giám sát năm 2026 của Ban Thường vụ, giám sát việc thực hiện "
             "thỏa ước lao động tập thể đã ký tại {employer}.",
             ("observation", "dialogue"),
             "Việc thực hiện các điều khoản về tiền lương, thưởng, phúc lợi của thỏa ước",
             (("Tiền lương, thưởng", "Trả lương cao hơn mức tối thiểu vùng",
               "Chưa trả thưởng tháng 13 đúng hạn", "Chờ quyết toán"),
              ("Phúc lợi", "Tổ chức tham quan, nghỉ mát", "Chưa hỗ trợ nhà trọ",
               "Chưa bố trí kinh phí")),
             ("Trả thưởng tháng 13 đúng thời hạn thỏa ước quy định",
              "Bố trí kinh phí hỗ trợ nhà trọ theo thỏa ước lao động tập thể"),
             "Đơn vị thực hiện cơ bản thỏa ước lao động tập thể; cần khắc phục các điều khoản "
             "về thưởng và phúc lợi còn chậm."),
    Scenario("thematic", "employer",
             "Giám sát chuyên đề việc thực hiện chính sách đối với lao động nữ tại {employer}",
             "Theo chương trình giám sát năm 2026, giám sát việc thực hiện chính sách đối với "
             "lao động nữ (thai sản, phòng vắt trữ sữa, khám phụ khoa) tại {employer}.",
             ("observation", "democracy"),
             "Chế độ thai sản, nuôi con nhỏ, khám sức khỏe định kỳ cho lao động nữ",
             (("Chế độ thai sản", "Giải quyết đủ cho lao động nữ", "Chậm chi trả cho 6 người",
               "Thiếu nhân sự làm hồ sơ"),
              ("Phòng vắt, trữ sữa", "Có kế hoạch bố trí", "Chưa bố trí", "Thiếu mặt bằng")),
             ("Bố trí phòng vắt, trữ sữa cho lao động nữ",
              "Tổ chức khám phụ khoa định kỳ cho lao động nữ"),
             "Đơn vị cần bố trí phòng vắt, trữ sữa và tổ chức khám phụ khoa định kỳ."),
    Scenario(**_ETHICS,
             summary="Báo chí địa phương phản ánh đồng chí {person}, {position} {employer}, "
                     "sử dụng xe công vào việc riêng và có thái độ ứng xử chưa chuẩn mực với "
                     "người lao động.",
             channels=("media", "delegation")),
    Scenario(**_ETHICS,
             summary="Đoàn viên phản ánh đồng chí {person}, {position} {employer}, tổ chức đám "
                     "cưới cho con với quy mô lớn và nhận quà biếu của đối tác.",
             channels=("report", "delegation")),
    Scenario(**_ETHICS,
             summary="Qua quan sát, giao tiếp trực tiếp, đồng chí {person}, {position} "
                     "{employer}, chưa gương mẫu chấp hành nội quy và ít tiếp xúc người lao "
                     "động.",
             channels=("observation",)),
]
LETTER_SCENARIOS = [
    Scenario("complaint", "employer", "Đơn khiếu nại quyết định kỷ luật sa thải của {employer}",
             "Người lao động khiếu nại quyết định kỷ luật sa thải của {employer}, cho rằng không "
             "có cuộc họp xử lý kỷ luật có tổ chức đại diện người lao động tham dự.",
             ("report",)),
    Scenario("complaint", "employer",
             "Đơn khiếu nại quyết định điều chuyển công việc của {employer}",
             "Đoàn viên khiếu nại quyết định của {employer} điều chuyển mình sang công việc "
             "khác trái hợp đồng lao động, không có sự thỏa thuận.", ("report",)),
    Scenario("complaint", "employer",
             "Đơn khiếu nại quyết định chấm dứt hợp đồng lao động của {employer}",
             "Người lao động khiếu nại quyết định đơn phương chấm dứt hợp đồng lao động của "
             "{employer} trong thời gian đang nuôi con dưới 12 tháng tuổi.",
             ("report", "democracy")),
    Scenario("denunciation", "person",
             "Đơn tố cáo {person}, {position}, trù dập người lao động góp ý",
             "Người lao động tố cáo {person}, {position} {employer}, trù dập, cắt thưởng "
             "những người đã góp ý tại hội nghị người lao động.", ("report", "democracy")),
    Scenario("denunciation", "person",
             "Đơn tố cáo {person}, {position}, nhận tiền khi tuyển dụng lao động",
             "Người lao động tố cáo {person}, {position} {employer}, nhận tiền của người "
             "xin việc để nhận vào làm.", ("report", "media")),
    Scenario("petition", "employer", "Đơn kiến nghị về tiền ăn giữa ca tại {employer}",
             "Tập thể người lao động kiến nghị {employer} nâng mức tiền ăn giữa ca và công khai "
             "thực đơn hằng tuần.", ("report", "dialogue")),
    Scenario("petition", "employer",
             "Kiến nghị bố trí phòng vắt, trữ sữa cho lao động nữ tại {employer}",
             "Lao động nữ kiến nghị {employer} bố trí phòng vắt, trữ sữa theo quy định.",
             ("report", "observation")),
    Scenario("feedback", "employer", "Phản ánh việc chậm trả lương tháng 9 và tháng 10 tại "
             "{employer}", "Người lao động phản ánh {employer} chậm trả lương tháng 9 và tháng "
             "10 năm 2026.", ("report", "media")),
    Scenario("feedback", "employer", "Phản ánh về việc bố trí ca đêm liên tục tại {employer}",
             "Người lao động phản ánh {employer} bố trí ca đêm liên tục hai tháng, không luân "
             "phiên.", ("report", "observation")),
]
CRITIQUE_SCENARIOS = [
    Scenario("decree", "body",
             "Phản biện dự thảo Nghị định quy định chi tiết về tiền lương tối thiểu",
             "Bộ Nội vụ gửi dự thảo Nghị định quy định chi tiết về tiền lương tối thiểu để "
             "tổ chức công đoàn phản biện.", ("report",)),
    Scenario("law", "body", "Phản biện dự thảo Luật Việc làm (sửa đổi)",
             "Bộ Nội vụ gửi dự thảo Luật Việc làm (sửa đổi) để lấy ý kiến phản biện của tổ "
             "chức công đoàn.", ("report",)),
    Scenario("plan", "body",
             "Phản biện dự thảo Kế hoạch phát triển nhà ở xã hội cho công nhân {province}",
             "Sở Xây dựng gửi dự thảo Kế hoạch phát triển nhà ở xã hội cho công nhân "
             "{province} giai đoạn 2026-2030.", ("report", "observation")),
    Scenario("programme", "body",
             "Phản biện dự thảo Chương trình đào tạo nghề cho lao động nữ {province}",
             "Sở Nội vụ gửi dự thảo Chương trình đào tạo nghề cho lao động nữ {province} "
             "năm 2027.", ("report", "observation")),
]
#: The drafting body of each critique kind.
DRAFTERS = {"decree": "Bộ Nội vụ", "law": "Bộ Nội vụ", "plan": "Sở Xây dựng {province}",
            "programme": "Sở Nội vụ {province}"}
#: Dialogues are not opened here: each concerns an employer of a grassroots union, opened and
#: walked through app.workplace.services by app.workplace.demo.
SCENARIOS = {vocab.SUPERVISION: SUPERVISION_SCENARIOS, vocab.LETTER: LETTER_SCENARIOS,
             vocab.CRITIQUE: CRITIQUE_SCENARIOS}
#: Families the random walks open (the others: a recommendation follows a supervision, a
#: dialogue is app.workplace.demo's).
WALKED = [f for f in WORKFLOWS if f not in (vocab.RECOMMENDATION, vocab.DIALOGUE)]
REPORTERS = ["Nguyễn Thị Mai", "Trần Văn Tuấn", "Lê Hoàng Yến", "Phạm Minh Châu", "Đỗ Văn Lợi"]
COMMENTS = [
    "Đã trao đổi với đơn vị, hồ sơ đầy đủ.", "Đề nghị bổ sung tài liệu chứng minh.",
    "Thống nhất theo đề xuất của bộ phận chuyên môn.", "Chưa đủ căn cứ, cần làm rõ thêm.",
]


#: Supervisions brought to the follow-up besides the one of every state.
CONCLUDED_EXTRA = 3
#: The share of open letters, among those whose deadline still runs, that the demo leaves past
#: it: an office with a backlog, not one that has given up.
LETTER_OVERDUE_SHARE = 0.2
#: Days an open letter may have waited in a state while its deadline still runs: the shortest
#: rule that can apply (3 working days to log and screen it; a petition's reply, a forward's
#: reply 10 days from receipt; a denunciation's notices 5 working days from acceptance; a
#: complaint's resolution 30 days from acceptance).
LETTER_FRESH_DAYS = {"received": 1, "classified": 1}
LETTER_FRESH_DAYS_AFTER = {"complaint": 20}
LETTER_FRESH_DAYS_DEFAULT = 4


def seed(case_count: int = 240, rng_seed: int = 2026) -> dict | None:
    """Create the demo data unless it is already there. Flushes; the caller commits.

    Returns the counts and the code of the supervision a newcomer may take into fieldwork
    today (`walkthrough`)."""
    if db.session.scalar(sa.select(User.id).where(User.username == "canbo")):
        return None
    rng = random.Random(rng_seed)
    orgs: dict[str, Organisation] = {}
    for key, name, short, label, place, level, parent in ORGS:
        orgs[key] = create_org(name, short, place, level, orgs.get(parent) if parent else None,
                               valid_from=date(2025, 7, 1), header_name=HEADER_NAMES.get(key, ""),
                               label=label)
    users = {}
    for username, full_name, roles in USERS:
        users[username] = create_user(username, full_name, DEMO_PASSWORD,
                                      [(role, orgs[key]) for role, key in roles],
                                      email=f"{username}@giamsat.example")  # notifications
    seeder = _CaseSeeder(rng, orgs, users)
    seeder.run(case_count)
    from app.letters.demo import seed as seed_letters

    seed_letters(orgs, users)
    from app.critique import demo as critique_demo

    critique_demo.seed(orgs, users)
    from app.workplace import demo as workplace_demo

    workplace_demo.seed(orgs, users)
    from app.portal import demo as portal_demo

    receipt = portal_demo.seed(orgs, users)
    from app.deadlines.demo import seed as seed_deadlines

    seed_deadlines()
    from app.documents import demo as documents_demo

    documents_demo.seed()
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Case))
    return {"orgs": len(orgs), "users": len(users), "cases": total,
            "walkthrough": seeder.walkthrough.code, "portal_receipt": receipt}


def _parents(key: str | None) -> list[str]:
    """`key` and the keys of the units above it in ORGS, nearest first."""
    parent_of = {k: parent for k, *_rest, parent in ORGS}
    chain = []
    while key is not None:
        chain.append(key)
        key = parent_of[key]
    return chain


def employers_under(key: str) -> list[str]:
    """The grassroots unions in `key`'s area (itself included) whose employer the demo knows:
    the workplaces a case of the unit `key` may be about."""
    return [k for k in PEOPLE if key in _parents(k)]


def employer_name(key: str) -> str:
    """The employer or agency of the grassroots union `key` ("Công đoàn cơ sở X" -> "X")."""
    return next(name for k, name, *_ in ORGS if k == key).removeprefix("Công đoàn cơ sở ")


def province_of(key: str) -> str:
    return next(k for k in _parents(key) if k in PROVINCE)


@dataclass(frozen=True)
class Story:
    """A scenario told about one workplace: the texts filled in and the subject's fields."""
    scenario: Scenario
    org_key: str
    title: str
    summary: str
    subject: dict
    #: Who answers the recommendations, and the body above them.
    addressee: str
    superior: str

    def recommendations(self) -> list[dict]:
        return [{"addressee": self.addressee, "superior": self.superior, "text": text}
                for text in self.scenario.recommendations]


def tell(scenario: Scenario, org_key: str, employer: str, person=None) -> Story:
    """`scenario` about the workplace of the grassroots union `employer` (and, for a person,
    about `person`, one of PEOPLE[employer]), as filed by the unit `org_key`."""
    province = province_of(org_key)
    where = {"employer": employer_name(employer), "province": PROVINCE[province],
             "person": person[0] if person else "", "position": person[2] if person else ""}
    if scenario.about in ("leader", "person"):
        name, category, position, committee = person
        subject = {"subject_kind": "person", "subject_name": name, "subject_category": category,
                   "subject_position": position, "subject_unit": where["employer"],
                   "subject_party_committee": committee}
        addressee, superior = name, committee
    else:
        body = (DRAFTERS[scenario.kind].format(**where) if scenario.about == "body"
                else where["employer"])
        subject = {"subject_kind": "organisation", "subject_name": body}
        addressee, superior = body, STATE_BODY[province]
    return Story(scenario, org_key, scenario.title.format(**where),
                 scenario.summary.format(**where), subject, addressee, superior)


class _CaseSeeder:
    def __init__(self, rng, orgs, users):
        self.rng = rng
        self.orgs = orgs
        self.users = users
        self.today = local_today()
        self.made = 0
        # Units whose own approver signs their documents: a supervision or a letter rests on
        # documents its unit issues, so the demo files them there.
        # (The grassroots unions' chairs sign their own dialogues, not supervisions.)
        self.signing = [key for key, org in orgs.items()
                        if org.parent_id is not None and org.level < 4
                        and signer_among(users.values(), org)]
        self.stories: dict[int, Story] = {}
        self.refusals: list[tuple] = []
        self.walkthrough: Case | None = None

    def actor_for(self, case: Case, action) -> User | None:
        """A demo user allowed to fire `action` on `case`, avoiding the draft's author."""
        candidates = [u for u in self.users.values() if can_fire(u, case, action)]
        self.rng.shuffle(candidates)
        return candidates[0] if candidates else None

    def _unit_for(self, family: str) -> str:
        if family in (vocab.SUPERVISION, vocab.LETTER):
            # A unit that signs its own documents and has workplaces below it to supervise.
            return self.rng.choice([*(k for k in self.signing if employers_under(k)), "ht"])
        return self.rng.choice(["ht", "hcm", "kkt", "kv1", "kcx", "ht"])

    def story(self, family: str, org_key: str, scenario: Scenario | None = None,
              employer: str | None = None) -> Story:
        rng = self.rng
        scenario = scenario or rng.choice(SCENARIOS[family])
        employer = employer or rng.choice(employers_under(org_key))
        people = [p for p in PEOPLE[employer]
                  if scenario.about == "person" or p[1] in ("head", "key_cadre")]
        person = rng.choice(people) if scenario.about in ("leader", "person") else None
        return tell(scenario, org_key, employer, person)

    def open(self, family: str, parent: Case | None = None, days_ago: int | None = None,
             story: Story | None = None, channel: str | None = None) -> Case:
        rng = self.rng
        received = self.today - timedelta(days=days_ago if days_ago is not None
                                          else rng.randint(0, 420))
        if parent is not None:
            org = parent.org
            told = self.stories.get(parent.id)
            text = rng.choice(told.scenario.recommendations) if told else parent.title
            values = dict(kind=None, channel=parent.channel, intake_form="documents",
                          title=text, summary=text, subject_kind="organisation",
                          subject_name=told.addressee if told else parent.subject_name,
                          subject_unit=told.superior if told else "")
        else:
            key = story.org_key if story else self._unit_for(family)
            org = self.orgs[key]
            story = story or self.story(family, key)
            scenario = story.scenario
            anonymous = (family == vocab.LETTER and scenario.kind != "complaint"
                         and rng.random() < 0.15)
            named = family == vocab.LETTER or channel == "report" or (
                family == vocab.SUPERVISION and "report" in scenario.channels)
            values = dict(
                kind=scenario.kind, channel=channel or rng.choice(scenario.channels),
                intake_form=("documents" if scenario.kind == "thematic"
                             else "forwarded" if family == vocab.CRITIQUE
                             else rng.choice(list(vocab.INTAKE_FORMS))),
                title=story.title, summary=story.summary, **story.subject,
                is_anonymous=anonymous,
                reporter_name="" if anonymous or not named else rng.choice(REPORTERS))
        opener = next(u for u in self.users.values()
                      if can_create_in(u, org) and u.username != "tld")
        case = open_case(opener, org, family, received_on=received,
                         parent_id=parent.id if parent else None, **values)
        if parent is None:
            self.stories[case.id] = story
        self.made += 1
        return case

    def walk(self, case: Case, path: list[str], days: list[date] | None = None,
             fieldwork_on: date | None = None) -> bool:
        """Fire each trigger of `path` with a suitable user, on the given `days` or on days a
        few apart; False if one is refused."""
        day = case.received_on
        notice = rule_table()["supervision.notice"].days
        for i, trigger in enumerate(path):
            action = case.workflow.action(trigger)
            if days is not None:
                day = days[i]
            if trigger == "mark_overdue" and case.due_on:
                day = min(self.today, case.due_on + timedelta(days=1))
            if trigger == "close" and case.family == vocab.SUPERVISION:
                self.settle_recommendations(case)
            try:
                with db.session.begin_nested():
                    prepare_records(case, trigger, list(self.users.values()), day,
                                    story=self.stories.get(case.id), fieldwork_on=fieldwork_on)
                    _issue_documents(case, trigger, list(self.users.values()), day)
            except DomainError as exc:
                self.refusals.append((case.code, trigger, exc.message))
                return False
            if trigger == "start_fieldwork" and days is None:
                day = min(self.today, day + timedelta(days=notice + 1))
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

    def days_ago(self, family: str, path: list[str], old: int, reach: bool = False) -> int:
        """`old` unless the walk leaves a letter open with its deadline running: then, but
        for LETTER_OVERDUE_SHARE of them, recent enough for the deadline not to have passed
        (`reach`: the walk must reach its end, so one that marks a deadline passed keeps
        `old`)."""
        if family != vocab.LETTER:
            return old
        wf = WORKFLOWS[family]
        end = wf.action(path[-1]).dest if path else wf.initial
        if wf.state(end).is_terminal or any(wf.action(t).stops_deadline for t in path) \
                or (reach and any("deadline_passed" in wf.action(t).guards for t in path)) \
                or self.rng.random() < LETTER_OVERDUE_SHARE:
            return old
        return self.rng.randint(0, LETTER_FRESH_DAYS.get(end, LETTER_FRESH_DAYS_DEFAULT))

    def run(self, case_count: int) -> int:
        # At least one case in every state of every family, then random walks.
        for family in WALKED:
            wf = WORKFLOWS[family]
            for path in wf.paths_to_states().values():
                case = self.open(family, days_ago=self.days_ago(
                    family, path, min(400, 30 + 12 * len(path)), reach=True))
                self.walk(case, path)
        # A few more supervisions concluded, whose recommendations are being followed up.
        to_follow_up = WORKFLOWS[vocab.SUPERVISION].paths_to_states()["following_up"]
        for _ in range(CONCLUDED_EXTRA):
            case = self.open(vocab.SUPERVISION, days_ago=self.rng.randint(150, 400))
            self.walk(case, to_follow_up)
        self.walkthrough = self._walkthrough()
        while self.made < case_count:
            family = self.rng.choice(WALKED + [vocab.LETTER, vocab.SUPERVISION])
            wf = WORKFLOWS[family]
            path = self.rng.choice(list(wf.paths_to_states().values()))
            cut = self.rng.randint(0, len(path))
            case = self.open(family, days_ago=self.days_ago(
                family, path[:cut], self.rng.randint(5 + 10 * len(path), 420)))
            self.walk(case, path[:cut])
        self._cover_recommendation_states()
        db.session.flush()
        return self.made

    def _walkthrough(self) -> Case:
        """A supervision at the unit of the demo users whose subject was notified exactly the
        notice period ago (rule `supervision.notice` as in force): fieldwork may start today,
        so a newcomer can walk it to its end on the day they install the demo."""
        notified = self.today - timedelta(days=rule_table()["supervision.notice"].days)
        steps = ["classify", "draft_plan", "approve_plan", "form_delegation", "notify_subject"]
        days = [notified - timedelta(days=n) for n in (12, 9, 7, 4, 0)]
        story = self.story(vocab.SUPERVISION, "ht", SUPERVISION_SCENARIOS[0], employer="thep")
        case = self.open(vocab.SUPERVISION, days_ago=(self.today - days[0]).days + 3,
                         story=story, channel="report")
        if not self.walk(case, steps, days=days, fieldwork_on=self.today):
            raise RuntimeError(f"The demo could not notify {case.code}: {self.refusals[-1:]}")
        return case

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
    approver = signer_among(users, case.org)
    if approver is not None and case.workflow.action(trigger).documents:
        issue_needed(case, trigger, approver, today=min(day, local_today()))


def prepare_records(case, trigger: str, users, day: date, *, story: Story | None = None,
                    fieldwork_on: date | None = None) -> None:
    """Write what a trigger's guard asks for (plan, delegation, report, a letter's
    classification), in the words of the case's `story` when there is one; the
    plan's fieldwork starts on `fieldwork_on` (20 days after the plan by default)."""
    from app.critique.demo import prepare_records as prepare_critique
    from app.letters.demo import prepare_records as prepare_letter
    from app.supervision import services as sv

    prepare_letter(case, trigger)
    prepare_critique(case, trigger, users, day)

    handler = _user_with(users, vocab.HANDLER, case)
    if case.family != vocab.SUPERVISION or handler is None:
        return
    scenario = story.scenario if story else SUPERVISION_SCENARIOS[0]
    if trigger == "draft_plan":
        starts_on = fieldwork_on or day + timedelta(days=20)
        sv.save_plan(case, handler, purpose=f"Đánh giá {case.subject_matter}",
                     content=scenario.content, form="Làm việc trực tiếp, nghiên cứu hồ sơ",
                     place="Trụ sở đơn vị được giám sát", starts_on=starts_on,
                     ends_on=starts_on + timedelta(days=5),
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
        recommendations = story.recommendations() if story else [
            {"addressee": case.subject_name or "Đơn vị được giám sát", "superior": "",
             "text": text} for text in scenario.recommendations]
        sv.save_report(case, author, findings=[
            {"item": item, "strengths": strengths, "shortcomings": shortcomings,
             "causes": causes} for item, strengths, shortcomings, causes in scenario.findings],
            recommendations=recommendations, conclusion=scenario.conclusion)
