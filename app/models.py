"""Import every model so the metadata (and Alembic) sees all tables."""
from app.admin.models import AdminEvent  # noqa: F401
from app.api.models import ApiToken  # noqa: F401
from app.auth.models import RoleAssignment, User  # noqa: F401
from app.cases.models import (  # noqa: F401
    Attachment,
    AuditHead,
    Case,
    CaseEvent,
    CaseHandler,
)
from app.core.jobs import Job  # noqa: F401
from app.critique.models import (  # noqa: F401
    ArticleComment,
    Consultation,
    ConsultationInvitee,
    Critique,
    CritiqueMeeting,
    CritiquePoint,
    DraftArticle,
)
from app.deadlines.models import CalendarDay, CaseDeadline, DeadlineAudit, RuleSetting  # noqa: F401
from app.documents.bases import LegalBasisChange  # noqa: F401
from app.documents.models import CaseDocument, DocumentCounter  # noqa: F401
from app.followup.models import RecommendationReply  # noqa: F401
from app.identity.models import IdentitySeal, SealedFile, SealedIdentity  # noqa: F401
from app.letters.models import ForwardReply, LetterDetails  # noqa: F401
from app.notifications.models import (  # noqa: F401
    Notification,
    NotificationCursor,
    NotificationPreference,
)
from app.orgs.models import Organisation, OrgParentLink  # noqa: F401
from app.portal.models import PortalMessage, PortalReceipt  # noqa: F401
from app.reports.models import StatsSnapshot  # noqa: F401
from app.supervision.models import (  # noqa: F401
    DelegationMember,
    DialogueSession,
    ProgrammeItem,
    SupervisionPlan,
    SupervisionReport,
    WorkingSession,
)
from app.workplace.models import (  # noqa: F401
    DemocracyRegulation,
    DialogueItem,
    DialogueParticipant,
    DialogueRecord,
    Employer,
    EmployerHeadcount,
    InspectionBoard,
    InspectionReport,
    WorkersConference,
)
