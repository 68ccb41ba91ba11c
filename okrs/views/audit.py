"""Trust administrators: the audit log of every change to OKRs, targets, results,
process changes, objectives and strategies.
Thin: check permission, read the filters, call the selector, render."""

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from okrs.forms.maintenance import AuditLogFilterForm
from okrs.selectors import audit_log as log


@permission_required("portal.view_audit_log", raise_exception=True)
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditLogFilterForm(request.GET)
    form.is_valid()
    # A filter that does not make sense is reported beside its field; the others apply.
    filters = log.AuditFilters(
        **{name: form.cleaned_data.get(name) for name in AuditLogFilterForm.base_fields}
    )
    result = log.audit_page(filters, request.GET.get("page") or 1)
    return render(
        request,
        "okrs/audit_log.html",
        {
            "form": form,
            "entries": result.entries,
            "page": result.page,
            "filtered": any(value is not None for value in vars(filters).values()),
        },
    )
