from django.urls import path

from okrs.views import entry, okr

app_name = "okrs"
urlpatterns = [
    path("okrs/<slug:code>/", okr.key_result, name="key_result"),
    # Directorate leads: what is owed, and entering it.
    path("submissions/", entry.my_submissions, name="my_submissions"),
    path("submissions/<slug:unit>/<int:period>/", entry.enter_results, name="enter_results"),
    path("results/<int:pk>/history/", entry.result_history, name="result_history"),
]
