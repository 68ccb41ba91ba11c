from django.apps import AppConfig


class DatasetsConfig(AppConfig):
    """The data the portal loads by itself: the Trust's seeded strategy, the demo history
    and the synthetic trusts of the benchmarks, with the commands that load or time them.

    It sits above the domain apps (objectives ← okrs ← reporting) and writes through their
    actions; none of them imports it.
    """

    name = "datasets"
    verbose_name = "Seeded, demo and benchmark data"
