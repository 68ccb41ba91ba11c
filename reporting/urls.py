from django.urls import path

from reporting import views, views_process_changes

app_name = "reporting"
urlpatterns = [
    path("objectives/<int:pk>/", views.objective, name="objective"),
    path("focus-areas/<int:pk>/", views.focus_area, name="focus_area"),
    path("ipr/", views.ipr_latest, name="ipr_latest"),
    path("ipr/<str:month>/", views.ipr, name="ipr"),
    path("ipr/<str:month>/publish/", views.publish, name="publish"),
    path("ipr/<str:month>/packs/", views.export_pack, name="export_pack"),
    path("ipr/<str:month>/packs/<int:pk>/", views.pack_export, name="pack_export"),
    path(
        "ipr/<str:month>/packs/<int:pk>/status/",
        views.pack_export_status,
        name="pack_export_status",
    ),
    path("ipr/files/<int:pk>/", views.download_pack_file, name="download_pack_file"),
    path("ipr/<str:month>/revisions/<int:revision>/cover/", views.edit_cover, name="edit_cover"),
    path(
        "ipr/<str:month>/objectives/<int:objective>/summary/",
        views.edit_narrative,
        name="edit_summary",
    ),
    path(
        "ipr/<str:month>/objectives/<int:objective>/okrs/<slug:code>/commentary/",
        views.edit_narrative,
        name="edit_commentary",
    ),
    # Trust administrators: process changes, which recalculate an OKR × unit's SPC limits.
    path(
        "manage/okrs/<slug:code>/process-changes/",
        views_process_changes.process_changes,
        name="process_changes",
    ),
    path(
        "manage/okrs/<slug:code>/process-changes/record/",
        views_process_changes.record_process_change,
        name="record_process_change",
    ),
    path(
        "manage/okrs/<slug:code>/process-changes/<int:pk>/",
        views_process_changes.change_process_change,
        name="change_process_change",
    ),
    path(
        "manage/okrs/<slug:code>/process-changes/<int:pk>/withdraw/",
        views_process_changes.withdraw_process_change,
        name="withdraw_process_change",
    ),
]
