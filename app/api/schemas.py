"""The API's request and response shapes (marshmallow): the OpenAPI document is generated
from them, requests are validated by them, and every response is dumped through one.

Text input is cleaned as every form cleans it (control characters stripped, NFC); numbers are
bounded to what the database holds; unknown fields are refused. Validation messages are English
msgids looked up in the catalogue when the error is answered (app.api.errors)."""
from __future__ import annotations

from datetime import UTC

import marshmallow as ma
from flask_babel import gettext as _
from marshmallow import fields, validate

from app.core.dates import FIRST_INPUT_YEAR, LAST_INPUT_YEAR
from app.core.params import MAX_ID, MAX_YEAR, MIN_YEAR
from app.core.text import clean
from workflows import vocab
from workflows.registry import ALL_STATES, WORKFLOWS

#: The largest page a list returns.
MAX_LIMIT = 100
DEFAULT_LIMIT = 25


# --- validators whose messages are translated when they are raised ---------------------------

class MaxLength(validate.Length):
    def __init__(self, n: int):
        super().__init__(max=n)

    def __call__(self, value):
        if len(value) > self.max:
            raise ma.ValidationError(_("At most %(n)d characters.", n=self.max))
        return value


class Between(validate.Range):
    def __call__(self, value):
        if not self.min <= value <= self.max:
            raise ma.ValidationError(_("Enter a number between %(min)d and %(max)d.",
                                       min=self.min, max=self.max))
        return value


class Choice(validate.OneOf):
    def __call__(self, value):
        if value not in self.choices:
            raise ma.ValidationError(_("Not a valid choice."))
        return value


def _day_in_range(value):
    if not FIRST_INPUT_YEAR <= value.year <= LAST_INPUT_YEAR:
        raise ma.ValidationError(_("Enter a date between the years %(first)d and %(last)d.",
                                   first=FIRST_INPUT_YEAR, last=LAST_INPUT_YEAR))


class Text(fields.String):
    """A string as a form field reads it: control characters stripped, NFC, trimmed."""

    def _deserialize(self, value, attr, data, **kwargs):
        return clean(super()._deserialize(value, attr, data, **kwargs))


def text(n: int, **kw) -> Text:
    return Text(validate=MaxLength(n), **kw)


def ident(strict: bool = True, **kw) -> fields.Integer:
    """An id: a JSON integer in a body; in a query string, its digits."""
    return fields.Integer(strict=strict, validate=Between(1, MAX_ID), **kw)


def day(**kw) -> fields.Date:
    return fields.Date(validate=_day_in_range, **kw)


def choice(values, **kw) -> Text:
    return Text(validate=Choice(sorted(values)), **kw)


class Moment(fields.DateTime):
    """A stored timestamp, always with its zone (SQLite hands back the naive UTC it stored)."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)


class Strict(ma.Schema):
    class Meta:
        unknown = ma.RAISE


# --- errors --------------------------------------------------------------------------------------

class ApiError(ma.Schema):
    """Every error's body."""

    code = fields.Integer(required=True, metadata={"description": "The HTTP status"})
    status = fields.String(required=True, metadata={"description": "Its name"})
    message = fields.String(required=True,
                            metadata={"description": "What went wrong, in the user's language"})
    errors = fields.Dict(required=True,
                         metadata={"description": "Field name -> messages (may be empty)"})


# --- requests ------------------------------------------------------------------------------------

class Page(ma.Schema):
    limit = fields.Integer(load_default=DEFAULT_LIMIT, validate=Between(1, MAX_LIMIT),
                           metadata={"description": f"Items per page (1–{MAX_LIMIT})."})
    cursor = Text(validate=MaxLength(120), metadata={
        "description": "The `next_cursor` of the previous page; absent for the first page."})


class CaseListArgs(Page):
    family = choice(WORKFLOWS)
    state = choice(ALL_STATES)
    channel = choice(vocab.CHANNELS)
    org = ident(False, metadata={
        "description": "A unit: its cases and those of the units below."})
    q = text(200, metadata={"description": "Words of the code, title, content or subject."})
    overdue = fields.Boolean(load_default=False)
    open = fields.Boolean(load_default=False, metadata={"description": "Open cases only."})
    due_by = day(metadata={"description": "A running deadline on or before this day."})
    sort = choice(("newest", "oldest", "due", "updated"), load_default="newest")


class RecommendationListArgs(Page):
    state = choice(WORKFLOWS[vocab.RECOMMENDATION].state_names)
    overdue = fields.Boolean(load_default=False)
    org = ident(False)


class SubjectIn(Strict):
    kind = choice(vocab.SUBJECT_KINDS, load_default="organisation")
    name = text(255, load_default="")
    category = choice(vocab.SUBJECT_CATEGORIES, allow_none=True, load_default=None)
    position = text(255, load_default="")
    unit = text(255, load_default="")
    party_committee = text(255, load_default="")


class ReporterIn(Strict):
    name = text(200, load_default="")
    contact = text(255, load_default="")
    confidential = fields.Boolean(load_default=False)


class NewCase(Strict):
    org_id = ident(required=True)
    family = choice(WORKFLOWS, required=True)
    kind = choice({k for kinds in vocab.KINDS_BY_FAMILY.values() for k in kinds},
                  allow_none=True, load_default=None)
    channel = choice(vocab.CHANNELS, required=True)
    intake_form = choice(vocab.INTAKE_FORMS, required=True)
    received_on = day(allow_none=True, load_default=None)
    title = text(300, required=True)
    subject_matter = text(300, load_default="")
    summary = text(20000, load_default="")
    subject = fields.Nested(SubjectIn, load_default=lambda: SubjectIn().load({}))
    is_anonymous = fields.Boolean(load_default=False)
    reporter = fields.Nested(ReporterIn, load_default=lambda: ReporterIn().load({}), metadata={
        "description": "The sender: sealed apart from the case, never returned by the API."})


class SenderIn(Strict):
    name = text(200, load_default="")
    address = text(300, load_default="")
    contact = text(255, load_default="")
    other_signers = fields.List(text(200), validate=validate.Length(max=200),
                                load_default=list)


class NewLetter(Strict):
    org_id = ident(required=True)
    title = text(300, required=True)
    summary = text(20000, required=True)
    channel = choice(vocab.CHANNELS, load_default="report")
    intake_form = choice(vocab.INTAKE_FORMS, load_default="writing")
    received_on = day(allow_none=True, load_default=None)
    kind = choice(vocab.LETTER_KINDS, allow_none=True, load_default=None)
    is_anonymous = fields.Boolean(load_default=False)
    confidential = fields.Boolean(load_default=False, metadata={
        "description": "The sender asks to keep their identity confidential."})
    sender = fields.Nested(SenderIn, load_default=lambda: SenderIn().load({}), metadata={
        "description": "Sealed apart from the case, never returned by the API."})
    signer_count = fields.Integer(strict=True, allow_none=True, load_default=None,
                                  validate=Between(1, 100000))
    subject = fields.Nested(SubjectIn, load_default=lambda: SubjectIn().load({}))


class TransitionIn(Strict):
    trigger = text(40, required=True, metadata={
        "description": "One of the case's `transitions[].trigger`."})
    comment = text(5000, load_default="")
    expected_version = fields.Integer(strict=True, required=True, validate=Between(1, MAX_ID),
                                      metadata={"description": "The case's `version` as read."})
    propose_discipline = fields.Boolean(load_default=False)


class StatisticsArgs(ma.Schema):
    org = ident(False, metadata={"description": "The unit (by default the user's own)."})
    period = choice(("h1", "h2", "year"), load_default="year")
    year = fields.Integer(validate=Between(MIN_YEAR, MAX_YEAR))
    from_ = day(data_key="from", metadata={"description": "First day of a custom period."})
    to = day(metadata={"description": "Last day of a custom period."})


# --- responses -----------------------------------------------------------------------------------

class OrgRef(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class CaseSummary(ma.Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True, allow_none=True)
    family = fields.String(required=True)
    kind = fields.String(required=True, allow_none=True)
    state = fields.String(required=True)
    state_label = fields.String(required=True)
    title = fields.String(required=True)
    org = fields.Nested(OrgRef, required=True)
    received_on = fields.Date(required=True)
    due_on = fields.Date(required=True, allow_none=True)
    is_open = fields.Boolean(required=True)


class CaseList(ma.Schema):
    items = fields.List(fields.Nested(CaseSummary), required=True)
    next_cursor = fields.String(required=True, allow_none=True)


class SubjectOut(ma.Schema):
    kind = fields.String(required=True)
    name = fields.String(required=True)
    category = fields.String(required=True, allow_none=True)
    position = fields.String(required=True)
    unit = fields.String(required=True)
    party_committee = fields.String(required=True)


class DeadlineOut(ma.Schema):
    rule = fields.String(required=True)
    name = fields.String(required=True)
    start_on = fields.Date(required=True)
    due_on = fields.Date(required=True)
    status = fields.String(required=True)
    ended_on = fields.Date(required=True, allow_none=True)
    extensions = fields.Integer(required=True)


class StepOut(ma.Schema):
    trigger = fields.String(required=True)
    label = fields.String(required=True)
    comment_required = fields.Boolean(required=True)
    ready = fields.Boolean(required=True, metadata={
        "description": "Nothing is missing: firing it now should succeed."})
    missing = fields.List(fields.String(), required=True)


class CaseDetail(CaseSummary):
    channel = fields.String(required=True)
    intake_form = fields.String(required=True)
    subject_matter = fields.String(required=True)
    summary = fields.String(required=True)
    subject = fields.Nested(SubjectOut, required=True)
    is_anonymous = fields.Boolean(required=True)
    parent_id = fields.Integer(required=True, allow_none=True)
    version = fields.Integer(required=True)
    created_at = Moment(required=True)
    updated_at = Moment(required=True)
    closed_at = Moment(required=True, allow_none=True)
    due_rule = fields.String(required=True, allow_none=True)
    deadlines = fields.List(fields.Nested(DeadlineOut), required=True)
    recommendation_ids = fields.List(fields.Integer(), required=True)
    document_ids = fields.List(fields.Integer(), required=True)
    transitions = fields.List(fields.Nested(StepOut), required=True, metadata={
        "description": "The steps this user may take from the case's state."})


class RecommendationOut(ma.Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True, allow_none=True)
    state = fields.String(required=True)
    state_label = fields.String(required=True)
    addressee = fields.String(required=True)
    addressee_unit = fields.String(required=True)
    title = fields.String(required=True)
    text = fields.String(required=True)
    supervision_id = fields.Integer(required=True, allow_none=True)
    org = fields.Nested(OrgRef, required=True)
    sent_on = fields.Date(required=True)
    due_on = fields.Date(required=True, allow_none=True)
    is_overdue = fields.Boolean(required=True)
    is_open = fields.Boolean(required=True)


class RecommendationList(ma.Schema):
    items = fields.List(fields.Nested(RecommendationOut), required=True)
    next_cursor = fields.String(required=True, allow_none=True)


class ReplyOut(ma.Schema):
    received_on = fields.Date(required=True)
    text = fields.String(required=True)
    files = fields.List(fields.String(), required=True)


class RecommendationDetail(RecommendationOut):
    version = fields.Integer(required=True)
    replies = fields.List(fields.Nested(ReplyOut), required=True)


class SignerOut(ma.Schema):
    authority = fields.String(required=True)
    capacity = fields.String(required=True)
    title = fields.String(required=True)
    name = fields.String(required=True)


class DocumentOut(ma.Schema):
    """A formal document's metadata (Nghị định 30/2020, Phụ lục VI)."""
    id = fields.Integer(required=True)
    case_id = fields.Integer(required=True, allow_none=True)
    org = fields.Nested(OrgRef, required=True, metadata={"description": "The issuing unit."})
    template = fields.String(required=True)
    title = fields.String(required=True)
    type_code = fields.String(required=True, allow_none=True)
    type_name = fields.String(required=True, allow_none=True)
    number = fields.Integer(required=True, allow_none=True)
    number_label = fields.String(required=True, metadata={"description": "“05/QĐ-LĐLĐ”; "
                                                          "empty for a draft."})
    year = fields.Integer(required=True, allow_none=True)
    issued_on = fields.Date(required=True, allow_none=True)
    is_issued = fields.Boolean(required=True)
    is_approved = fields.Boolean(required=True)
    summary = fields.String(required=True, allow_none=True, metadata={
        "description": "Trích yếu; null for a document addressed to a sealed sender."})
    signer = fields.Nested(SignerOut, required=True)
    page_count = fields.Integer(required=True, allow_none=True)
    sha256 = fields.String(required=True, allow_none=True)
    replaces_id = fields.Integer(required=True, allow_none=True)
    correction = fields.String(required=True, allow_none=True)
    addressed_to_sealed_sender = fields.Boolean(required=True, metadata={
        "description": "Its PDF names a sealed sender: the API never serves it."})
    pdf_available = fields.Boolean(required=True)


class DocumentList(ma.Schema):
    items = fields.List(fields.Nested(DocumentOut), required=True)


class PeriodOut(ma.Schema):
    start = fields.Date(required=True)
    end = fields.Date(required=True)
    kind = fields.String(required=True)


class StateCount(ma.Schema):
    family = fields.String(required=True)
    state = fields.String(required=True)
    count = fields.Integer(required=True)


class MonthCount(ma.Schema):
    month = fields.Date(required=True)
    received = fields.Integer(required=True)
    closed = fields.Integer(required=True)


class StatisticsOut(ma.Schema):
    org = fields.Nested(OrgRef, required=True)
    period = fields.Nested(PeriodOut, required=True)
    reference = fields.Date(required=True, metadata={
        "description": "The day deadlines are judged on."})
    as_of = Moment(required=True, allow_none=True, metadata={
        "description": "When the figures were computed (a snapshot); null: now."})
    families = fields.Dict(keys=fields.String(),
                           values=fields.Dict(keys=fields.String(), values=fields.Integer()),
                           required=True)
    channels = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    states = fields.List(fields.Nested(StateCount), required=True)
    months = fields.List(fields.Nested(MonthCount), required=True)
    recommendations = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    letters = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    workplace = fields.Dict(required=True, allow_none=True)

