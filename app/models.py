"""Import every model so the metadata (and Alembic) sees all tables."""
from app.auth.models import RoleAssignment, User  # noqa: F401
from app.cases.models import Attachment, Case, CaseEvent, CaseHandler  # noqa: F401
from app.critique.models import *
from app.deadlines.models import *
from app.documents.models import *
from app.followup.models import RecommendationReply  # noqa: F401
from app.identity.models import SealedFile, SealedIdentity  # noqa: F401
from app.letters.models import LetterDetails  # noqa: F401
from app.orgs.models import Organisation, OrgParentLink  # noqa: F401
from app.reports.models import *
from app.supervision.models import (  # noqa: F401
    DelegationMember,
    DialogueSession,
    ProgrammeItem,
    SupervisionPlan,
    SupervisionReport,
    WorkingSession,
)
