"""Small-group suppression: no figure may single a person out (issue 21 §5).

A figure computed over fewer than ``FIGURES_MIN_GROUP`` people's cases or licences (default 5,
an EXAMPLE: the municipality sets its own) is withheld: ``None`` in the JSON, its key named in
``withheld``, «کمتر از ۵» on the page. The rules:

* a count in a breakdown (refusals for one condition, licences in one district) of 1 to
  ``min_group - 1`` is withheld; 0 is shown (it reveals no one);
* when a breakdown withholds exactly one cell, the next smallest non-zero cell is withheld too,
  so the hidden cell cannot be found by subtracting the others from a published total
  (complementary suppression);
* a ratio or a median over fewer than ``min_group`` cases is withheld;
* the totals of the whole municipality (applications received, decided, active licences) are
  published as they are: they say how many, never who.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings


def min_group() -> int:
    return max(1, int(getattr(settings, "FIGURES_MIN_GROUP", 5)))


@dataclass
class Guard:
    """Collects the keys withheld while the figures are put together."""

    minimum: int = field(default_factory=min_group)
    withheld: list[str] = field(default_factory=list)

    def over(self, key: str, value: object, group: int) -> object:
        """``value`` (a ratio, a median) computed over ``group`` cases, or ``None``."""
        if group < self.minimum:
            self.withheld.append(key)
            return None
        return value

    def breakdown(self, key: str, cells: dict[str, int]) -> dict[str, int | None]:
        """Each count of ``cells``, the small ones (and their complement) ``None``."""
        hidden = {k for k, n in cells.items() if 0 < n < self.minimum}
        if len(hidden) == 1:
            rest = sorted((n, k) for k, n in cells.items() if n > 0 and k not in hidden)
            if rest:
                hidden.add(rest[0][1])
        self.withheld.extend(f"{key}.{k}" for k in cells if k in hidden)
        return {k: (None if k in hidden else n) for k, n in cells.items()}
