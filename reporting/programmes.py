"""What an objective's programmes say together for a month: how many were rated
each RAG by their leads' reports for the month, and how many have no report for
it. Pure, over the assembled report's programmes; the IPR page, the pack and the
objective page say it in the same words."""

from dataclasses import dataclass

from okrs.ratings import Rag
from reporting.ipr.types import IprProgramme

# Worst first, as a board reads them.
ORDER = (Rag.RED, Rag.AMBER, Rag.GREEN, Rag.BLUE)


@dataclass(frozen=True)
class ProgrammeSummary:
    total: int
    # Rating → how many programmes their lead's report for the month rated so.
    rated: dict[str, int]
    # Programmes with no report for the month (an earlier one, or none at all).
    not_reported: int

    def in_words(self, month: str) -> str:
        """'3 programmes: 1 Red, 1 Green; 1 has no report for November 2026.'"""
        if not self.total:
            return "No programmes are recorded."
        noun = "programme" if self.total == 1 else "programmes"
        ratings = ", ".join(
            f"{self.rated[rag.value]} {rag.label}" for rag in ORDER if self.rated[rag.value]
        )
        parts = [f"{self.total} {noun}" + (f": {ratings}" if ratings else "")]
        if self.not_reported:
            verb = "has" if self.not_reported == 1 else "have"
            parts.append(f"{self.not_reported} {verb} no report for {month}")
        return "; ".join(parts) + "."


def programme_summary(programmes: list[IprProgramme]) -> ProgrammeSummary:
    rated = {rag.value: 0 for rag in ORDER}
    not_reported = 0
    for programme in programmes:
        if programme.current and programme.rag in rated:
            rated[programme.rag] += 1
        else:
            not_reported += 1
    return ProgrammeSummary(total=len(programmes), rated=rated, not_reported=not_reported)
