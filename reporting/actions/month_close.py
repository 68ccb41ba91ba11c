"""Writes of the month close: reminding a unit's leads of what it still owes, and
sending a published edition's pack to the Board's distribution list. Each e-mail
is sent through Django's mail backend and kept as sent (`SentMessage`), whether
the mail server took it or not."""

import datetime
import re

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, mailers
from django.core.validators import validate_email
from django.urls import reverse
from django.utils import timezone

from objectives.models import OrganisationalUnit
from objectives.text import PARAGRAPH, plain_text, too_long
from okrs import periods
from okrs.models import ReportingPeriod
from okrs.reminders import lead_may_enter, plan_unit_reminder, reminder_message
from reporting import selectors
from reporting.models import IprEdition, PackFile, SentMessage
from reporting.pack import REPORT_TITLE

# A unit reminded by hand is not reminded again within this time: a second click,
# or two secretaries at once, must not send the leads the same message twice.
REMIND_AGAIN_AFTER = datetime.timedelta(hours=1)
# A distribution list is the Board and those in attendance, not a mailing list.
MAX_RECIPIENTS = 100
# Mail servers commonly refuse messages much above this; a link always goes.
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


def _send(message: EmailMessage) -> tuple[bool, str]:
    """Hand one message to the mail backend: whether it was taken, and if not why."""
    try:
        sent = mailers.default.send_messages([message]) == 1
    except Exception as error:  # A refused address or a server away is said, not raised.
        return False, f"The mail server did not take it: {error or error.__class__.__name__}"
    return sent, "" if sent else "The mail server did not take it."


def remind_unit(
    *,
    by,
    data_month: datetime.date,
    unit: OrganisationalUnit,
    period: ReportingPeriod,
    now: datetime.datetime | None = None,
) -> list[SentMessage]:
    """E-mail a unit's leads the values it still owes for a period the month's
    report shows, whatever the day (the daily reminders keep their schedule). One
    message per lead, each kept as sent. Refused when nothing is owed, when no
    lead can be reminded (saying why), or when the unit was reminded of the period
    within the last hour."""
    if not by.has_perm("portal.close_month"):
        raise PermissionDenied("Only a board secretary or administrator can send reminders.")
    now = now or timezone.now()
    today = timezone.localdate(now)
    month = data_month.replace(day=1)
    if period.pk not in {p.pk for p in selectors.month_close_periods(month)}:
        raise ValidationError(
            f"{period.label} is not a period the {periods.period_label(periods.MONTHLY, month)} "
            "report shows."
        )
    submission = next(
        (s for s in selectors.month_submissions(month, today, unit=unit) if s.period == period),
        None,
    )
    if submission is None:
        raise ValidationError(f"{unit.name} owes nothing for {period.label}.")
    recent = SentMessage.objects.filter(
        kind=SentMessage.Kind.REMINDER,
        unit=unit,
        period=period,
        sent=True,
        sent_at__gt=now - REMIND_AGAIN_AFTER,
    ).first()
    if recent is not None:
        raise ValidationError(
            f"The leads of {unit.name} were reminded of {period.label} at "
            f"{timezone.localtime(recent.sent_at):%H:%M}. Remind them again after an hour."
        )
    plan = plan_unit_reminder(
        submission, list(submission.unit.leads.all()), today=today, may_enter=lead_may_enter
    )
    if not plan.reminders:
        if not plan.skipped:
            raise ValidationError(f"{unit.name} has submitted everything for {period.label}.")
        reasons = "; ".join(skip.reason for skip in plan.skipped)
        raise ValidationError(f"No one can be reminded for {unit.name}: {reasons}.")
    sender = by.get_full_name() or by.username
    sent = []
    for reminder in plan.reminders:
        subject, body = reminder_message(
            reminder,
            today=today,
            site_url=settings.SITE_URL,
            trust_name=settings.TRUST_NAME,
            sent_by=sender,
        )
        # A lead who replies (with the values, once entry has closed) reaches the sender.
        reply_to = [by.email] if by.email else []
        message = EmailMessage(subject=subject, body=body, to=[reminder.address], reply_to=reply_to)
        ok, error = _send(message)
        sent.append(
            SentMessage.objects.create(
                kind=SentMessage.Kind.REMINDER,
                data_month=month,
                unit=unit,
                period=period,
                sent_by=by,
                sent_at=now,
                recipients=[reminder.address],
                subject=subject,
                body=body,
                sent=ok,
                error=error,
            )
        )
    return sent


def parse_recipients(text: str) -> list[str]:
    """The addresses in a list typed or pasted one per line (or separated by commas
    or semicolons), each once, in order; a ValidationError naming any that is not
    an e-mail address, or if there are none or too many."""
    addresses = list(dict.fromkeys(a.strip() for a in re.split(r"[\s,;]+", text) if a.strip()))
    if not addresses:
        raise ValidationError("Enter at least one e-mail address.")
    if len(addresses) > MAX_RECIPIENTS:
        raise ValidationError(
            f"Enter at most {MAX_RECIPIENTS} addresses (there are {len(addresses)})."
        )
    wrong = []
    for address in addresses:
        try:
            validate_email(address)
        except ValidationError:
            wrong.append(address)
    if wrong:
        shown = ", ".join(address[:80] for address in wrong[:5])
        more = f" and {len(wrong) - 5} more" if len(wrong) > 5 else ""
        raise ValidationError(f"These are not e-mail addresses: {shown}{more}.")
    return addresses


def pack_message_subject(edition: IprEdition) -> str:
    return (
        f"{settings.TRUST_NAME}: {REPORT_TITLE}, {edition.data_month:%B %Y} data "
        f"(revision {edition.revision})"
    )


def distribute_pack(
    *,
    by,
    edition: IprEdition,
    recipients: str,
    message: str,
    attach: bool,
    now: datetime.datetime | None = None,
) -> SentMessage:
    """E-mail a published edition's Board pack (its latest exported PDF) to a
    distribution list: attached, or (`attach=False`) as a link for readers who
    sign in. The message, recipients and the file's checksum are kept as sent."""
    if not by.has_perm("portal.close_month"):
        raise PermissionDenied("Only a board secretary or administrator can send the pack.")
    if not settings.PACK_DISTRIBUTION:
        raise PermissionDenied("Sending the pack by e-mail is turned off for this Trust.")
    addresses = parse_recipients(recipients)
    message = plain_text(message).strip()
    if problem := too_long(message, PARAGRAPH):
        raise ValidationError(f"Shorten the message. {problem}.")
    pdf: PackFile | None = selectors.edition_pdf(edition)
    if pdf is None:
        raise ValidationError(
            f"Export the pack of revision {edition.revision} first: the PDF the Board "
            "receives is the file exported."
        )
    if attach and pdf.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            f"The PDF is {pdf.size / 1024 / 1024:.1f} MB, too large to attach "
            f"(at most {MAX_ATTACHMENT_BYTES // 1024 // 1024} MB): send a link instead."
        )
    link = settings.SITE_URL + reverse("reporting:download_pack_file", kwargs={"pk": pdf.pk})
    sender = by.get_full_name() or by.username
    lines = [message, ""] if message else []
    lines += [
        f"{REPORT_TITLE}, {edition.data_month:%B %Y} data, revision {edition.revision}, "
        f"published {timezone.localtime(edition.published_at):%-d %B %Y}.",
        f"The pack is attached: {pdf.filename}." if attach else f"Download the pack: {link}",
        f"SHA-256 checksum of the file: {pdf.sha256}",
        "",
        f"Sent by {sender} from the Strategy Portal, {settings.TRUST_NAME}.",
    ]
    body = "\n".join(lines) + "\n"
    subject = pack_message_subject(edition)
    email = EmailMessage(subject=subject, body=body, to=addresses)
    if attach:
        with pdf.file.open("rb") as handle:
            email.attach(pdf.filename, handle.read(), "application/pdf")
    ok, error = _send(email)
    return SentMessage.objects.create(
        kind=SentMessage.Kind.PACK,
        data_month=edition.data_month,
        edition=edition,
        sent_by=by,
        sent_at=now or timezone.now(),
        recipients=addresses,
        subject=subject,
        body=body,
        attachment=pdf.filename if attach else "",
        sent=ok,
        error=error,
    )
