from django.contrib.auth.decorators import login_not_required
from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api import client_views, views


def _api(view):
    """An API view: its own authentication (a client's key or a session), so not
    sent to the login page."""
    return login_not_required(view.as_view())


urlpatterns = [
    # The OpenAPI document and its Swagger UI page describe the API and hold no data:
    # anyone may read them, as a developer must before they have a key.
    path("api/v1/schema/", _api(SpectacularAPIView), name="api_schema"),
    path(
        "api/v1/docs/",
        login_not_required(SpectacularSwaggerSplitView.as_view(url_name="api_schema")),
        name="api_docs",
    ),
    path("api/v1/strategies/", _api(views.StrategyList), name="api_strategies"),
    path("api/v1/objectives/", _api(views.ObjectiveList), name="api_objectives"),
    path("api/v1/focus-areas/", _api(views.FocusAreaList), name="api_focus_areas"),
    path("api/v1/okrs/", _api(views.KeyResultList), name="api_okrs"),
    path("api/v1/okrs/<slug:code>/", _api(views.KeyResultDetail), name="api_okr"),
    path("api/v1/units/", _api(views.UnitList), name="api_units"),
    path("api/v1/periods/", _api(views.PeriodList), name="api_periods"),
    path("api/v1/results/", _api(views.ResultList), name="api_results"),
    path("api/v1/results/batch/", _api(views.ResultBatch), name="api_result_batch"),
    path("api/v1/results/<int:pk>/", _api(views.ResultDetail), name="api_result"),
    path("api/v1/ipr/editions/", _api(views.EditionList), name="api_editions"),
    path(
        "api/v1/ipr/editions/<str:month>/<int:revision>/",
        _api(views.EditionDetail),
        name="api_edition",
    ),
    path("api/v1/ipr/drafts/<str:month>/", _api(views.DraftReport), name="api_draft"),
    re_path(r"^api/", _api(views.NotFoundView)),
    # Trust administrators: the API's clients, each key shown once (api/client_views.py).
    path("manage/api-clients/", client_views.client_list, name="api_clients"),
    path("manage/api-clients/new/", client_views.client_create, name="api_client_create"),
    path("manage/api-clients/<int:pk>/", client_views.client_detail, name="api_client"),
    path(
        "manage/api-clients/<int:pk>/revoke/", client_views.client_revoke, name="api_client_revoke"
    ),
]
