from django.urls import path

from okrs.views import entry, okr, programmes, tracking
from okrs.views import upload as upload_views
from okrs.views.audit import audit_log
from okrs.views.maintenance import (
    achieve_and_replace,
    add_key_result,
    change_target,
    link_focus_area,
    manage_okrs,
    retire,
    trajectories,
)

app_name = "okrs"
urlpatterns = [
    path("okrs/<slug:code>/", okr.key_result, name="key_result"),
    # Directorate leads: what is owed, and entering it.
    path("submissions/", entry.my_submissions, name="my_submissions"),
    path("submissions/<slug:unit>/<int:period>/", entry.enter_results, name="enter_results"),
    path("results/<int:pk>/history/", entry.result_history, name="result_history"),
    # Executives and board secretaries: who has submitted what.
    path("tracking/", tracking.submissions, name="tracking"),
    path("tracking/<int:period>/", tracking.submissions, name="tracking"),
    # Trust administrators: maintaining OKRs, and the audit log of every change.
    path("manage/okrs/", manage_okrs, name="manage_okrs"),
    path("manage/okrs/add/", add_key_result, name="add_key_result"),
    path("manage/okrs/<slug:code>/target/", change_target, name="change_target"),
    path("manage/okrs/<slug:code>/achieve/", achieve_and_replace, name="achieve_and_replace"),
    path("manage/okrs/<slug:code>/trajectories/", trajectories, name="trajectories"),
    path("manage/okrs/<slug:code>/retire/", retire, name="retire"),
    path("manage/okrs/<slug:code>/focus-area/", link_focus_area, name="link_focus_area"),
    path("audit/", audit_log, name="audit_log"),
    # Trust administrators set out the current strategy's programmes; their leads
    # report on them month by month.
    path("manage/programmes/", programmes.manage_programmes, name="manage_programmes"),
    path("manage/programmes/add/", programmes.add_programme, name="add_programme"),
    path("manage/programmes/<int:pk>/", programmes.change_programme, name="change_programme"),
    path(
        "programmes/<int:pk>/reports/<str:month>/",
        programmes.report_programme,
        name="report_programme",
    ),
]

# Uploading a file of results: the template, the upload, its preview and confirmation.
urlpatterns += [
    path(
        "submissions/<slug:unit>/<int:period>/template.<str:fmt>",
        upload_views.upload_template,
        name="upload_template",
    ),
    path("upload/", upload_views.upload, name="upload"),
    path("upload/<int:pk>/", upload_views.upload_preview, name="upload_preview"),
]
