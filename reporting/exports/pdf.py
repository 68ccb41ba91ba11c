"""The PDF pack, printed by headless Chromium from the product's own HTML.

The pack page (`reporting/pack/pdf.html`) reuses the IPR page's partials and its
chart script, with a print stylesheet, so the PDF and the web page cannot drift
apart; plotly.js draws the SPC charts as SVG, which Chromium prints as vectors.
Chromium is given the page and its static files through request interception on
an address that never reaches the network, so printing needs no running web
server (the background worker prints on its own). Every other request the page
could make (an address in someone's text, a redirect) is aborted, and the page
carries a Content-Security-Policy allowing only its own origin: the printer
reaches nothing outside the pack.

Chromium cannot number a contents page itself, so the pack is printed twice:
the first printing's bookmarks (one per heading) say on which page each part
starts; the second printing carries those numbers. The contents has the same
lines both times, so the numbers stay true (checked, with a third printing if
they ever moved).
"""

import html
import io
import mimetypes
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pypdf
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template.loader import render_to_string

from reporting.pack import Pack
from reporting.presentation import report_context

# Requests to this origin are answered by the printer itself: '.invalid' can never
# resolve, so nothing of the pack ever leaves the machine.
PACK_ORIGIN = "http://pack.invalid"
# The pack page loads its own scripts, stylesheets and images and nothing else
# (plotly styles its charts inline). Sent with the page; every other request is
# aborted by the printer besides.
PACK_PAGE_CSP = "; ".join(
    [
        "default-src 'none'",
        f"script-src {PACK_ORIGIN}",
        f"style-src {PACK_ORIGIN} 'unsafe-inline'",
        f"img-src {PACK_ORIGIN} data:",
        f"font-src {PACK_ORIGIN} data:",
        "connect-src 'none'",
        "frame-src 'none'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
    ]
)
# The width of an A4 page inside its 15 mm margins, in CSS pixels: charts are drawn
# at the width they are printed at.
PRINT_WIDTH_PX = 680
CHROMIUM_FLAGS = [
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
]
MAX_PRINTINGS = 3


class PdfPrintingUnavailable(RuntimeError):
    """No Chromium to print with: the message says how to provide one."""


class PdfPrinterStopped(RuntimeError):
    """Chromium failed or closed before the pack was printed."""


class PdfPrinterTimedOut(PdfPrinterStopped):
    """A step of printing took longer than PDF_TIMEOUT_SECONDS."""


@dataclass
class ContentsEntry:
    title: str
    anchor: str
    page: int | None = None


@dataclass
class PrintedPdf:
    content: bytes
    page_count: int


def chromium_executable() -> str:
    """The configured Chromium (settings.CHROMIUM), else one on PATH."""
    if settings.CHROMIUM:
        if not Path(settings.CHROMIUM).is_file():
            raise PdfPrintingUnavailable(f"CHROMIUM={settings.CHROMIUM!r} does not exist.")
        return settings.CHROMIUM
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise PdfPrintingUnavailable(
            "Printing the PDF pack needs Chromium: install it (on Debian 'apt-get install "
            "chromium fonts-liberation', or 'make browser') or set CHROMIUM to its path."
        )
    return found


def chromium_flags() -> list[str]:
    """How Chromium is started. Its sandbox stays on, except as root (where Chromium
    refuses to start with it) or where CHROMIUM_NO_SANDBOX says the machine cannot
    give it one (a container without user namespaces): run the worker as an
    ordinary user instead (docs/operations.md)."""
    if os.geteuid() == 0 or settings.CHROMIUM_NO_SANDBOX:
        return ["--no-sandbox", *CHROMIUM_FLAGS]
    return list(CHROMIUM_FLAGS)


def contents_entries(pack: Pack, *, has_exceptions: bool) -> list[ContentsEntry]:
    """The contents lines; each title is exactly the heading it points to."""
    entries = [
        ContentsEntry("Executive summary", "overall-summary"),
        ContentsEntry("The month in figures", "summary"),
        ContentsEntry("Key to ratings and icons", "key"),
    ]
    entries += [
        ContentsEntry(f"{objective.short_name}: {objective.title}", f"objective-{objective.number}")
        for objective in pack.report.objectives
    ]
    if has_exceptions:
        entries.append(ContentsEntry("Exceptions", "exceptions"))
    entries.append(ContentsEntry("Appendix: OKR definitions", "definitions"))
    return entries


def pack_html(pack: Pack, contents: list[ContentsEntry], context: dict) -> str:
    return render_to_string(
        "reporting/pack/pdf.html",
        context
        | {
            "pack": pack,
            "cover": pack.cover,
            "contents": contents,
            "pack_title": pack.running_header,
            "print_mode": True,
            "writable": set(),
        },
    )


def render_pdf(pack: Pack, *, progress: Callable[[str], None] | None = None) -> PrintedPdf:
    """Print the pack. `progress` hears what it is doing, for the export's status;
    nothing in here touches the database (the pack is plain data already)."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    say = progress or (lambda stage: None)
    context = report_context(pack.report, exception_charts=True)
    contents = contents_entries(pack, has_exceptions=bool(context["exceptions"]))
    executable = chromium_executable()
    timeout_ms = settings.PDF_TIMEOUT_SECONDS * 1000
    # Said before the browser starts: while Playwright's event loop runs in this
    # thread, Django refuses database work, which is how progress is recorded.
    say("Printing the PDF and numbering its contents")
    try:
        content = _print_numbered(pack, contents, context, executable, timeout_ms)
    except PlaywrightTimeoutError as error:
        raise PdfPrinterTimedOut(f"Printing took over {settings.PDF_TIMEOUT_SECONDS} s") from error
    except PlaywrightError as error:
        raise PdfPrinterStopped(str(error)) from error
    return PrintedPdf(
        content=content,
        page_count=len(pypdf.PdfReader(io.BytesIO(content)).pages),
    )


def _print_numbered(
    pack: Pack, contents: list[ContentsEntry], context: dict, executable: str, timeout_ms: int
) -> bytes:
    """Print until the contents' page numbers are the pages the parts start on."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=chromium_flags())
        try:
            page = browser.new_page(viewport={"width": PRINT_WIDTH_PX, "height": 1000})
            page.set_default_timeout(timeout_ms)
            page.emulate_media(media="print")
            document = {"html": ""}
            # Every request, not only the pack's: what is not the pack is aborted.
            page.route("**/*", lambda route: _answer(route, document))
            printings = 0
            content = b""
            while printings < MAX_PRINTINGS:
                printings += 1
                document["html"] = pack_html(pack, contents, context)
                content = _print(page, pack)
                pages = _section_pages(content, contents)
                if [entry.page for entry in contents] == pages:
                    break
                for entry, number in zip(contents, pages, strict=True):
                    entry.page = number
        finally:
            browser.close()
    return content


def _print(page, pack: Pack) -> bytes:
    page.goto(f"{PACK_ORIGIN}/pack", wait_until="load")
    page.wait_for_selector("html[data-charts-drawn]", state="attached")
    return page.pdf(
        format="A4",
        margin={"top": "20mm", "bottom": "18mm", "left": "15mm", "right": "15mm"},
        print_background=True,
        display_header_footer=True,
        header_template=_margin_box(
            f"<span>{html.escape(pack.running_header)}</span>"
            f"<span>{html.escape(pack.report.trust)}</span>"
        ),
        footer_template=_margin_box(
            '<span></span><span>Page <span class="pageNumber"></span> of '
            '<span class="totalPages"></span></span>'
        ),
        tagged=True,
        outline=True,
    )


def _margin_box(inner: str) -> str:
    # Margin boxes do not see the page's stylesheets: everything is inline.
    return (
        "<div style=\"font-family: Arial, 'Liberation Sans', sans-serif; font-size: 8pt; "
        "color: #4c6272; width: 100%; margin: 0 15mm; display: flex; "
        f'justify-content: space-between;">{inner}</div>'
    )


def _answer(route, document: dict) -> None:
    """Serve the pack page and its static files to the printing Chromium; abort
    anything else it asks for."""
    url = route.request.url
    if not url.startswith(f"{PACK_ORIGIN}/"):
        route.abort("blockedbyclient")
        return
    path = url.removeprefix(PACK_ORIGIN).split("?")[0]
    if path == "/pack":
        headers = {"Content-Security-Policy": PACK_PAGE_CSP} if PACK_PAGE_CSP else {}
        route.fulfill(
            status=200,
            content_type="text/html; charset=utf-8",
            headers=headers,
            body=document["html"],
        )
        return
    file = _static_file(path)
    if file is None:
        route.fulfill(status=404, body="")
        return
    content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    route.fulfill(status=200, content_type=content_type, body=file.read_bytes())


def _static_file(path: str) -> Path | None:
    """A static file by its URL path: from the source folders, or (in production,
    where names carry a content hash) from the collected files."""
    static_url = settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/static/"
    if not path.startswith(static_url):
        return None
    name = path.removeprefix(static_url)
    found = finders.find(name)
    if found:
        return Path(found)
    try:
        collected = Path(staticfiles_storage.path(name))
    except NotImplementedError:
        return None
    return collected if collected.is_file() else None


def _section_pages(content: bytes, contents: list[ContentsEntry]) -> list[int | None]:
    """On which page (from 1) each contents entry's heading is, from the bookmarks
    Chromium makes of the headings, matched in order by their exact text."""
    reader = pypdf.PdfReader(io.BytesIO(content))
    bookmarks = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                bookmarks.append(("".join(item.title.split()), item))

    walk(reader.outline)
    pages, position = [], 0
    for entry in contents:
        # Compared without whitespace: a heading wrapped over two lines loses the
        # space at the break in its bookmark ("protect the␤environment").
        title = "".join(entry.title.split())
        for index in range(position, len(bookmarks)):
            if bookmarks[index][0] == title:
                pages.append(reader.get_destination_page_number(bookmarks[index][1]) + 1)
                position = index + 1
                break
        else:
            pages.append(None)
    return pages
