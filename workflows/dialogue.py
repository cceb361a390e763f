"""Đối thoại tại nơi làm việc: Bộ luật Lao động 2019 Điều 63, Nghị định 145/2020; domain.md §4.4."""
from workflows.base import A, Label, S, Workflow
from workflows.vocab import APPROVER, DIALOGUE, HANDLER, INTAKE

WORKFLOW = Workflow(
    family=DIALOGUE,
    label=Label("Đối thoại", "Dialogue"),
    initial="scheduled",
    states=(
        S("scheduled", "Đã lên lịch", "Scheduled"),
        S("agenda_sent", "Đã gửi nội dung", "Agenda sent", records={"dialogue"}),
        S("held", "Đã tổ chức", "Held", records={"dialogue"}),
        S("minuted", "Đã có biên bản", "Minutes recorded"),
        S("following_up", "Theo dõi thực hiện", "Following up"),
        S("closed", "Kết thúc", "Closed", terminal=True),
        S("cancelled", "Đã hủy", "Cancelled", terminal=True),
    ),
    actions=(
        A("send_agenda", "scheduled", "agenda_sent", {INTAKE, HANDLER},
          "Gửi nội dung đối thoại", "Send the agenda"),
        A("hold", "agenda_sent", "held", {HANDLER},
          "Ghi nhận đã tổ chức", "Record as held", guards=("dialogue_recorded",)),
        A("record_minutes", "held", "minuted", {HANDLER},
          "Lập biên bản", "Record the minutes"),
        A("start_follow_up", "minuted", "following_up", {HANDLER, APPROVER},
          "Theo dõi thực hiện", "Follow up the agreements"),
        A("close", ("minuted", "following_up"), "closed", {HANDLER, APPROVER},
          "Kết thúc", "Close", stops_deadline=True),
        A("cancel", ("scheduled", "agenda_sent"), "cancelled", {APPROVER},
          "Hủy đối thoại", "Cancel", comment_required=True, style="danger", stops_deadline=True),
    ),
)
