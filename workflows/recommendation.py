"""Kiến nghị sau giám sát: each recommendation followed until it is settled (Chỉ thị 18-CT/TW)."""
from workflows.base import A, Label, S, Workflow
from workflows.vocab import APPROVER, HANDLER, RECOMMENDATION

PENDING = ("waiting", "overdue", "reminded", "escalated")

WORKFLOW = Workflow(
    family=RECOMMENDATION,
    label=Label("Kiến nghị", "Recommendation"),
    initial="waiting",
    states=(
        S("waiting", "Chờ trả lời", "Awaiting reply"),
        S("overdue", "Quá hạn", "Overdue"),
        S("reminded", "Đã đôn đốc", "Reminded"),
        S("escalated", "Đã kiến nghị cấp trên", "Escalated to the superior"),
        S("implemented", "Đã thực hiện", "Implemented"),
        S("not_implemented", "Không thực hiện", "Not implemented"),
        S("closed", "Đã đóng", "Closed", terminal=True),
    ),
    actions=(
        A("mark_overdue", "waiting", "overdue", {HANDLER},
          "Đánh dấu quá hạn", "Mark overdue", guards=("deadline_passed",)),
        A("remind", ("waiting", "overdue"), "reminded", {HANDLER},
          "Đôn đốc", "Send a reminder", starts_deadline="recommendation.reply"),
        A("escalate", ("overdue", "reminded"), "escalated", {HANDLER, APPROVER},
          "Kiến nghị cấp trên của đơn vị nhận", "Escalate to the addressee's superior",
          comment_required=True, starts_deadline="recommendation.reply", style="warning"),
        A("record_implemented", PENDING, "implemented", {HANDLER},
          "Ghi nhận đã thực hiện", "Record as implemented", stops_deadline=True),
        A("record_not_implemented", PENDING, "not_implemented", {HANDLER},
          "Ghi nhận không thực hiện", "Record as not implemented", comment_required=True,
          stops_deadline=True, style="warning"),
        A("close", ("implemented", "not_implemented"), "closed", {HANDLER, APPROVER},
          "Đóng kiến nghị", "Close"),
    ),
)
