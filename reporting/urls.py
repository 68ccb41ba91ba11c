from django.urls import path

from reporting.views import ipr, month_close, pack, process_changes, rating_rules, strategy

app_name = "reporting"
urlpatterns = [
    path("objectives/<int:pk>/", strategy.objective, name="objective"),
    path("focus-areas/<int:pk>/", strategy.focus_area, name="focus_area"),
    path("ipr/", ipr.ipr_latest, name="ipr_latest"),
    path("ipr/close/", month_close.month_close_latest, name="month_close_latest"),
    path("ipr/<str:month>/", ipr.ipr, name="ipr"),
    # Board secretaries: the month's checklist, reminders, publishing and sending the pack.
    path("ipr/<str:month>/close/", month_close.month_close, name="month_close"),
    path("ipr/<str:month>/close/remind/", month_close.remind, name="remind_unit"),
    path(
        "ipr/<str:month>/revisions/<int:revision>/send/",
        month_close.distribute,
        name="distribute_pack",
    ),
    path("ipr/<str:month>/packs/", pack.export_pack, name="export_pack"),
    path("ipr/<str:month>/packs/<int:pk>/", pack.pack_export, name="pack_export"),
    path(
        "ipr/<str:month>/packs/<int:pk>/status/",
        pack.pack_export_status,
        name="pack_export_status",
    ),
    path("ipr/files/<int:pk>/", pack.download_pack_file, name="download_pack_file"),
    path("ipr/<str:month>/revisions/<int:revision>/cover/", pack.edit_cover, name="edit_cover"),
    # A published edition's data for business-intelligence tools: .csv or .parquet.
    path(
        "ipr/<str:month>/revisions/<int:revision>/data.<slug:data_format>",
        pack.edition_data,
        name="edition_data",
    ),
    path("ipr/<str:month>/summary/", ipr.edit_overall_summary, name="edit_overall_summary"),
    path(
        "ipr/<str:month>/objectives/<int:objective>/summary/",
        ipr.edit_narrative,
        name="edit_summary",
    ),
    path(
        "ipr/<str:month>/objectives/<int:objective>/okrs/<slug:code>/commentary/",
        ipr.edit_narrative,
        name="edit_commentary",
    ),
    # Trust administrators: the rules ratings and exceptions follow, confirmed or changed.
    path("manage/rules/", rating_rules.rating_rules, name="rating_rules"),
    path(
        "manage/rules/exceptions/",
        rating_rules.confirm_exception_rule,
        name="confirm_exception_rule",
    ),
    path(
        "manage/rules/objectives/<int:pk>/",
        rating_rules.confirm_rating_rule,
        name="confirm_rating_rule",
    ),
    path(
        "manage/rules/okrs/<slug:code>/tolerance/",
        rating_rules.confirm_tolerance,
        name="confirm_tolerance",
    ),
    path(
        "manage/rules/okrs/<slug:code>/definition/",
        rating_rules.confirm_definition,
        name="confirm_definition",
    ),
    # Trust administrators: process changes, which recalculate an OKR × unit's SPC limits.
    path(
        "manage/okrs/<slug:code>/process-changes/",
        process_changes.process_changes,
        name="process_changes",
    ),
    path(
        "manage/okrs/<slug:code>/process-changes/record/",
        process_changes.record_process_change,
        name="record_process_change",
    ),
    path(
        "manage/okrs/<slug:code>/process-changes/<int:pk>/",
        process_changes.change_process_change,
        name="change_process_change",
    ),
    path(
        "manage/okrs/<slug:code>/process-changes/<int:pk>/withdraw/",
        process_changes.withdraw_process_change,
        name="withdraw_process_change",
    ),
]
