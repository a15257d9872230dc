"""What the office pages are made of, for the page cache (``runtime.pagecache``, decision 0054):
the generations each page depends on, shared by the office, hall and revenue views."""

from __future__ import annotations

from daftar.runtime.pagecache import municipality_in_address, per_municipality

# What the public office pages are made of (runtime.pagecache): offices and their hours, services
# and tariffs, licences, sanctions, the published standing (kept on the office row) and days off.
# The hall's crowd is not a dependency (a ticket a minute would rebuild them): it is at most the
# minute bucket old.
# The finder lists offices of every municipality; one office's page only its own rows and its
# municipality's (the offices app's hours directive, extended days and published standings,
# tariffs, days off, its licence and sanctions): a change in another city leaves it kept.
PUBLIC_OFFICE_PAGE = ("offices", "catalogue", "licences", "supervision", "municipalities")
IN_OFFICE_MUNICIPALITY = per_municipality(
    municipality_in_address("offices.Office"), "offices", "catalogue", "licences", "supervision", "municipalities"
)
ONE_OFFICE_PAGE = ("offices:o{pk}", IN_OFFICE_MUNICIPALITY)
# The office's own desk: the above, and the office's appointments, takings, hall, feedback and
# complaints.
OFFICE_DESK_DEPENDS = (
    *ONE_OFFICE_PAGE,
    "appointments:o{pk}",
    "ledger:o{pk}",
    "hall:o{pk}",
    "feedback:o{pk}",
    "complaints:o{pk}",
)
