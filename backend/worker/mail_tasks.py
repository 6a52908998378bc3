"""Mail jobs. Thin: they call the invitation mailing; retries are declared here."""

import uuid

from procrastinate import JobContext, RetryStrategy

from backend.invitations import mailing
from backend.worker.app import app

# Runs 1 + 5 times, waiting 3, 9, 27, 81 and 243 s between them: a mail server that is
# down for a few minutes still gets the mail out. Then the admins are shown the link.
MAIL_RETRY = RetryStrategy(max_attempts=5, exponential_wait=3)


@app.task(name="invitations.mail", retry=MAIL_RETRY, pass_context=True)
async def mail_invitation(context: JobContext, *, invitation_id: str) -> None:
    """Mail an invitation's link to the invited address."""
    await mailing.run(
        invitation_id=uuid.UUID(invitation_id),
        final_attempt=context.job.attempts >= (MAIL_RETRY.max_attempts or 0),
    )
