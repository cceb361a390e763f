"""Giám sát: from a signal or a thematic proposal to the closing of every recommendation.

Hướng dẫn 44/HD-TLĐ, Luật Công đoàn 2024 Điều 16; domain.md §4.1.
"""
from workflows.base import A, Label, S, Workflow
from workflows.vocab import APPROVER, DELEGATE, HANDLER, INTAKE, SUPERVISION

OPEN_BEFORE_FIELDWORK = ("classified", "dialogue", "plan_drafted", "plan_approved",
                         "delegation_formed", "subject_notified")

WORKFLOW = Workflow(
    family=SUPERVISION,
    label=Label("Giám sát", "Supervision"),
    initial="received",
    states=(
        S("received", "Tiếp nhận / đề xuất", "Received / proposed"),
        S("classified", "Đã phân loại", "Classified"),
        S("dialogue", "Đang đối thoại", "In dialogue"),
        S("plan_drafted", "Dự thảo kế hoạch", "Plan drafted"),
        S("plan_approved", "Kế hoạch đã duyệt", "Plan approved"),
        S("delegation_formed", "Đã quyết định thành lập đoàn", "Delegation formed"),
        S("subject_notified", "Đã thông báo đối tượng", "Subject notified"),
        S("fieldwork", "Đang giám sát", "Fieldwork"),
        S("report_drafted", "Dự thảo báo cáo", "Report drafted"),
        S("concluded", "Kết luận đã duyệt", "Conclusion approved"),
        S("following_up", "Theo dõi kiến nghị", "Following up recommendations"),
        S("postponed", "Tạm hoãn", "Postponed"),
        S("closed", "Kết thúc", "Closed", terminal=True),
        S("cancelled", "Đã hủy", "Cancelled", terminal=True),
    ),
    actions=(
        A("classify", "received", "classified", {INTAKE, HANDLER},
          "Phân loại", "Classify", requires=("title", "subject_name")),
        A("start_dialogue", "classified", "dialogue", {HANDLER},
          "Tổ chức đối thoại", "Hold a dialogue"),
        A("draft_plan", ("classified", "dialogue"), "plan_drafted", {HANDLER},
          "Lập kế hoạch giám sát", "Draft the plan"),
        A("approve_plan", "plan_drafted", "plan_approved", {APPROVER},
          "Duyệt kế hoạch", "Approve the plan", guards=("not_own_draft",)),
        A("return_plan", "plan_drafted", "classified", {APPROVER},
          "Trả lại kế hoạch", "Return the plan", comment_required=True, style="warning"),
        A("form_delegation", "plan_approved", "delegation_formed", {APPROVER},
          "Quyết định thành lập đoàn", "Form the delegation"),
        A("notify_subject", "delegation_formed", "subject_notified", {INTAKE, HANDLER},
          "Gửi thông báo cho đối tượng", "Notify the subject"),
        A("start_fieldwork", "subject_notified", "fieldwork", {DELEGATE},
          "Bắt đầu giám sát", "Start fieldwork"),
        A("submit_report", "fieldwork", "report_drafted", {DELEGATE},
          "Trình dự thảo báo cáo", "Submit the draft report"),
        A("approve_conclusion", "report_drafted", "concluded", {APPROVER},
          "Duyệt kết luận", "Approve the conclusion", guards=("not_own_draft",),
          stops_deadline=True),
        A("return_report", "report_drafted", "fieldwork", {APPROVER},
          "Trả lại để hoàn thiện", "Return for rework", comment_required=True, style="warning"),
        A("issue_conclusion", "concluded", "following_up", {INTAKE, HANDLER},
          "Ban hành báo cáo và kiến nghị", "Issue report and recommendations"),
        A("close", "following_up", "closed", {HANDLER, APPROVER},
          "Kết thúc giám sát", "Close the supervision",
          guards=("all_recommendations_closed",), stops_deadline=True),
        A("postpone", OPEN_BEFORE_FIELDWORK + ("fieldwork",), "postponed", {APPROVER},
          "Tạm hoãn", "Postpone", comment_required=True, style="warning"),
        A("resume", "postponed", "classified", {APPROVER, HANDLER},
          "Tiếp tục", "Resume", comment_required=True),
        A("cancel", ("received",) + OPEN_BEFORE_FIELDWORK + ("postponed",), "cancelled",
          {APPROVER}, "Hủy giám sát", "Cancel", comment_required=True, style="danger",
          stops_deadline=True),
    ),
)
