"""Phản biện xã hội of a draft policy: Luật Công đoàn 2024 Điều 17; domain.md §4.5."""
from workflows.base import A, Label, S, Workflow
from workflows.vocab import APPROVER, CRITIQUE, HANDLER, INTAKE

WORKFLOW = Workflow(
    family=CRITIQUE,
    label=Label("Phản biện xã hội", "Social critique"),
    initial="received",
    states=(
        S("received", "Đã nhận dự thảo", "Draft received", records={"articles"}),
        S("consulting", "Đang lấy ý kiến", "Consulting",
          records={"meeting", "consultation", "comments", "reminder"}),
        S("consolidating", "Đang tổng hợp", "Consolidating",
          records={"meeting", "comments", "reminder", "points"}),
        S("awaiting_approval", "Chờ duyệt văn bản phản biện", "Awaiting approval"),
        S("issued", "Đã ban hành văn bản phản biện", "Critique issued", records={"response"}),
        S("following_up", "Theo dõi tiếp thu, giải trình", "Following up the response",
          records={"response"}),
        S("closed", "Kết thúc", "Closed", terminal=True),
        S("cancelled", "Đã hủy", "Cancelled", terminal=True),
    ),
    actions=(
        A("open_consultation", "received", "consulting", {HANDLER},
          "Lấy ý kiến", "Open the consultation", guards=("critique_has_articles",)),
        A("consolidate", "consulting", "consolidating", {HANDLER},
          "Tổng hợp ý kiến", "Consolidate the comments", guards=("critique_has_input",)),
        A("submit_critique", "consolidating", "awaiting_approval", {HANDLER},
          "Trình duyệt văn bản phản biện", "Submit for approval",
          guards=("critique_has_points",)),
        A("approve_critique", "awaiting_approval", "issued", {APPROVER},
          "Duyệt và ban hành", "Approve and issue", guards=("not_own_draft",)),
        A("return_critique", "awaiting_approval", "consolidating", {APPROVER},
          "Trả lại để hoàn thiện", "Return for rework", comment_required=True, style="warning"),
        A("start_follow_up", "issued", "following_up", {INTAKE, HANDLER},
          "Theo dõi tiếp thu", "Follow up the response"),
        A("close", "following_up", "closed", {HANDLER, APPROVER},
          "Kết thúc", "Close", guards=("critique_points_answered",), stops_deadline=True),
        # The drafting body may never answer every point: the unit closes with its reason.
        A("close_early", "following_up", "closed", {APPROVER},
          "Kết thúc khi chưa đủ phản hồi", "Close without every response",
          comment_required=True, style="warning", stops_deadline=True),
        A("cancel", ("received", "consulting", "consolidating"), "cancelled", {APPROVER},
          "Hủy", "Cancel", comment_required=True, style="danger", stops_deadline=True),
    ),
)
