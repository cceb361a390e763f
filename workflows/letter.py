"""Đơn thư: complaints, denunciations, petitions and feedback from members and workers.

Luật Khiếu nại 2011, Luật Tố cáo 2018, Luật Tiếp công dân 2013; domain.md §4.3.
"""
from workflows.base import A, Label, S, Workflow
from workflows.vocab import APPROVER, HANDLER, INTAKE, LETTER

#: A forwarded letter waits for the receiving body's reply: reminded, then escalated to that
#: body's superior, like a recommendation (domain.md §4.1, last paragraph).
FORWARD_PENDING = ("forwarded", "forward_overdue", "forward_reminded", "forward_escalated")
BEFORE_RESULT = ("received", "classified", "accepted", "verifying", "paused", *FORWARD_PENDING)

WORKFLOW = Workflow(
    family=LETTER,
    label=Label("Đơn thư", "Letter"),
    initial="received",
    states=(
        # The classification is written on receipt and corrected until a decision is taken.
        S("received", "Tiếp nhận", "Received", records={"classification"}),
        S("classified", "Đã phân loại", "Classified", records={"classification"}),
        S("accepted", "Đã thụ lý", "Accepted"),
        S("verifying", "Đang xác minh, giải quyết", "Verifying"),
        S("paused", "Tạm đình chỉ", "Paused"),
        S("guided", "Đã hướng dẫn", "Sender guided"),
        S("forwarded", "Đã chuyển đơn", "Forwarded"),
        S("forward_overdue", "Đơn đã chuyển quá hạn trả lời", "Forwarded, reply overdue"),
        S("forward_reminded", "Đã đôn đốc cơ quan nhận đơn", "Receiving body reminded"),
        S("forward_escalated", "Đã kiến nghị cấp trên của cơ quan nhận đơn",
          "Escalated to the receiving body's superior"),
        S("filed", "Lưu đơn", "Filed away"),
        S("resolved", "Có kết quả", "Resolved"),
        S("withdrawn", "Rút đơn", "Withdrawn", terminal=True),
        S("merged", "Gộp với đơn trùng", "Merged with a duplicate", terminal=True),
        S("closed", "Đã đóng", "Closed", terminal=True),
    ),
    actions=(
        A("classify", "received", "classified", {INTAKE, HANDLER},
          "Phân loại đơn", "Classify", requires=("kind",)),
        A("accept", "classified", "accepted", {HANDLER, APPROVER},
          "Thụ lý", "Accept for handling", comment_required=True,
          guards=("letter_acceptable",), starts_deadline="letter.resolve",
          documents=("tc_accept_decision",), own_form=True, also_starts=("letter.notify",)),
        A("guide", "classified", "guided", {INTAKE, HANDLER},
          "Hướng dẫn người gửi", "Guide the sender", comment_required=True, stops_deadline=True),
        A("forward", "classified", "forwarded", {INTAKE, HANDLER},
          "Chuyển đơn", "Forward", comment_required=True,
          guards=("competent_body_named", "denunciation_forwarded_once"),
          starts_deadline="letter.forward_reply"),
        A("file_away", "classified", "filed", {INTAKE, HANDLER},
          "Lưu đơn", "File away", comment_required=True, stops_deadline=True),
        A("start_verification", "accepted", "verifying", {HANDLER},
          "Xác minh, giải quyết", "Start verification"),
        A("extend", "verifying", "verifying", {APPROVER},
          "Gia hạn giải quyết", "Extend the deadline", comment_required=True,
          guards=("extension_allowed",), own_form=True, documents=("tc_extension",)),
        A("pause", "verifying", "paused", {APPROVER},
          "Tạm đình chỉ", "Pause", comment_required=True, style="warning"),
        A("resume", "paused", "verifying", {APPROVER},
          "Tiếp tục giải quyết", "Resume"),
        # The receiving body's answer is recorded on its own form (the reply, its result).
        A("record_reply", FORWARD_PENDING, "resolved", {INTAKE, HANDLER},
          "Ghi nhận trả lời của cơ quan nhận đơn", "Record the receiving body's reply",
          comment_required=True, stops_deadline=True, own_form=True),
        A("mark_overdue", "forwarded", "forward_overdue", {INTAKE, HANDLER},
          "Đánh dấu quá hạn trả lời", "Mark the reply overdue", guards=("deadline_passed",)),
        A("remind", ("forwarded", "forward_overdue"), "forward_reminded", {INTAKE, HANDLER},
          "Đôn đốc cơ quan nhận đơn", "Remind the receiving body",
          starts_deadline="letter.forward_reply", documents=("letter_forward_reminder",)),
        A("escalate", ("forward_reminded", "forward_overdue"), "forward_escalated",
          {HANDLER, APPROVER}, "Kiến nghị cấp trên của cơ quan nhận đơn",
          "Escalate to the receiving body's superior", comment_required=True,
          starts_deadline="letter.forward_reply", own_form=True, style="warning"),
        A("record_result", "verifying", "resolved", {HANDLER},
          "Ghi nhận kết quả", "Record the result", comment_required=True, stops_deadline=True,
          documents=("tc_conclusion", "kn_decision_first", "kn_decision_second")),
        A("withdraw", ("received", "classified", "accepted", "verifying", "paused"), "withdrawn",
          {INTAKE, HANDLER}, "Rút đơn", "Withdrawn by the sender", comment_required=True,
          stops_deadline=True, style="warning"),
        A("merge_duplicate", ("received", "classified"), "merged", {INTAKE, HANDLER},
          "Gộp với đơn trùng", "Merge with a duplicate", guards=("duplicate_chosen",),
          stops_deadline=True, style="secondary"),
        A("close", ("resolved", "guided", "filed"), "closed", {HANDLER, APPROVER},
          "Đóng hồ sơ", "Close"),
    ),
)
