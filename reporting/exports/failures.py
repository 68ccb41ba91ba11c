"""What people are told when a Board pack cannot be made.

The export's page shows a sentence a secretary can act on; the technical detail
(exception, path, SQL) goes to the worker's log only, with the export's number,
for the administrator.
"""

from django.conf import settings
from django.db import DatabaseError

from reporting.exports.pdf import PdfPrinterStopped, PdfPrinterTimedOut, PdfPrintingUnavailable

TELL_THE_ADMINISTRATOR = "if it happens again, tell the portal's administrator"


def failure_message(error: BaseException) -> str:
    if isinstance(error, PdfPrintingUnavailable):
        return (
            "The PDF printer (Chromium) is not set up on the server, so the pack could not "
            "be printed. Tell the portal's administrator."
        )
    if isinstance(error, PdfPrinterTimedOut):
        minutes = max(1, round(settings.PDF_TIMEOUT_SECONDS / 60))
        return (
            f"The PDF printer took longer than the {minutes} minute{'s' if minutes != 1 else ''} "
            f"allowed and was stopped. Try again; {TELL_THE_ADMINISTRATOR}."
        )
    if isinstance(error, PdfPrinterStopped):
        return f"The PDF printer stopped before finishing. Try again; {TELL_THE_ADMINISTRATOR}."
    if isinstance(error, OSError):
        return (
            "The pack's files could not be saved on the server (its storage may be full or "
            "not writable). Tell the portal's administrator."
        )
    if isinstance(error, DatabaseError):
        return (
            "The portal's database did not take the pack's records. "
            f"Try again; {TELL_THE_ADMINISTRATOR}."
        )
    return f"Something went wrong while making the pack. Try again; {TELL_THE_ADMINISTRATOR}."
