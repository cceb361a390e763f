"""Đối thoại tại nơi làm việc: Bộ luật Lao động 2019 Điều 63–64, Nghị định 145/2020; domain.md §4.4.

A dialogue case concerns one employer (app.workplace). It is scheduled (periodic, on a side's
request, or on an event of Điều 63(2)(c)), its content is gathered and sent ahead with the
invitation, it is held with enough participants on each side, its minutes are signed by both
sides and made public to the workers, and each agreed item is followed up to done or not done.
"""
from workflows.base import A, Label, S, Workflow
from workflows.vocab import APPROVER, DIALOGUE, HANDLER, INTAKE

WORKFLOW = Workflow(
    family=DIALOGUE,
    label=Label("Đối thoại", "Dialogue"),
    initial="scheduled",
    states=(
        S("scheduled", "Đã lên lịch, đang tập hợp nội dung", "Scheduled, gathering the content",
          records={"dialogue_agenda"}),
        S("agenda_sent", "Đã gửi nội dung, giấy mời", "Content and invitation sent",
          records={"dialogue_agenda"}),
        S("held", "Đã tổ chức, đang lập biên bản", "Held, minutes being drawn up",
          records={"dialogue_minutes"}),
        S("minuted", "Biên bản đã ký", "Minutes signed"),
        S("following_up", "Đã công khai, theo dõi thực hiện", "Published, following up",
          records={"dialogue_follow_up"}),
        S("closed", "Kết thúc", "Closed", terminal=True),
        S("cancelled", "Đã hủy", "Cancelled", terminal=True),
    ),
    actions=(
        A("send_agenda", "scheduled", "agenda_sent", {INTAKE, HANDLER},
          "Gửi nội dung và giấy mời đối thoại", "Send the content and the invitation",
          guards=("dialogue_agenda_ready",), documents=("wp_invitation",)),
        A("hold", "agenda_sent", "held", {HANDLER},
          "Ghi nhận đã tổ chức đối thoại", "Record the dialogue as held", own_form=True,
          guards=("dialogue_participants_enough",), starts_deadline="dialogue.publish"),
        A("sign_minutes", "held", "minuted", {HANDLER},
          "Biên bản đã được hai bên ký", "Minutes signed by both sides",
          guards=("dialogue_minutes_complete",), documents=("wp_minutes",)),
        A("publish", "minuted", "following_up", {INTAKE, HANDLER},
          "Công khai biên bản cho người lao động", "Make the minutes public to the workers",
          own_form=True, documents=("wp_result_notice",), stops_deadline=True),
        A("close", "following_up", "closed", {HANDLER, APPROVER},
          "Kết thúc", "Close", guards=("dialogue_items_settled",), stops_deadline=True),
        A("cancel", ("scheduled", "agenda_sent"), "cancelled", {APPROVER},
          "Hủy đối thoại", "Cancel", comment_required=True, style="danger", stops_deadline=True),
    ),
)
