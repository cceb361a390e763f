"""A job's status page (refreshing itself until the job ends) and its result's download.

Only the user who asked for the job may see either: anyone else gets 404, as for a case out
of their scope."""
import io

from flask import Blueprint, abort, render_template, send_file
from flask_login import current_user
from sqlalchemy.orm import undefer

from app.core.jobs import DONE, Job, can_view_job, registered
from app.extensions import db

bp = Blueprint("jobs", __name__, url_prefix="/jobs")

#: Seconds between two refreshes of an unfinished job's page.
REFRESH_SECONDS = 2


def _own_job(job_id: int, *options) -> Job:
    job = db.session.get(Job, job_id, options=options)
    if job is None or not can_view_job(current_user, job):
        abort(404)
    return job


@bp.route("/<int:job_id>")
def status(job_id: int):
    job = _own_job(job_id)
    entry = registered(job.name)
    return render_template("jobs/status.html", job=job, title=entry.title if entry else job.name,
                           refresh=None if job.is_finished else REFRESH_SECONDS)


@bp.route("/<int:job_id>/download")
def download(job_id: int):
    job = _own_job(job_id, undefer(Job.result))
    if job.status != DONE or job.result is None:
        abort(404)
    if job.is_expired():
        abort(410)
    return send_file(io.BytesIO(job.result), mimetype=job.result_mimetype, as_attachment=True,
                     download_name=job.result_name, max_age=0)
