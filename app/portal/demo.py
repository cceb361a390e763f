"""A demo letter sent through the portal, with a question from the unit and the sender's
answer, whose receipt is fixed so that the demo can print it: whoever tries the demo follows
the letter as its sender would (`/portal/follow`). Written through the services, so the intake
queue, the timeline and the notifications are real. Demo only: a real receipt is random."""
from __future__ import annotations

from app.extensions import db
from app.identity.services import add_handler
from app.portal import services

#: The demo letter's receipt (app.portal.services.ALPHABET; shown grouped as on a receipt).
CODE, SECRET = "DEMQ-PRTL-26", "HATN-KYAN-NAMX-2626"
TITLE = "Công ty không trả tiền làm thêm giờ tháng 10"
CONTENT = ("Phân xưởng cán nguội làm thêm 2 giờ mỗi ngày trong tháng 10 nhưng bảng lương không "
           "có tiền làm thêm giờ. Đề nghị công đoàn kiểm tra, yêu cầu công ty trả đủ.")
QUESTION = "Anh chị cho biết bảng chấm công tháng 10 có ghi số giờ làm thêm không?"
ANSWER = "Có, tổ trưởng có ghi, tôi đã chụp lại bảng chấm công của tổ."


def seed(orgs: dict, users: dict):
    """The letter, sent by a named worker to `orgs["ht"]`; the unit's leader (lanhdao) names
    canbo its handler, who asks (a named sender's thread is theirs: it may reveal the sender),
    and the sender answers. Returns the receipt as printed."""
    case, receipt, _secret = services.submit_letter(
        orgs["ht"], kind="complaint", title=TITLE, content=CONTENT, is_anonymous=False,
        name="Trần Văn Nam", contact="0912 000 111", address="Kỳ Anh, Hà Tĩnh")
    receipt.code = services.normal_code(CODE)
    receipt.secret_hash = services.hash_secret(SECRET, receipt.salt)
    db.session.flush()
    add_handler(case, users["lanhdao"], users["canbo"])
    services.ask(case, users["canbo"], text=QUESTION)
    services.answer(receipt, text=ANSWER)
    return CODE, SECRET
