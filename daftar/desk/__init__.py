"""The municipal staff's desk (issue 18): the pages the licensing authority, the supervisor and
the municipality administrator work from all day.

A composition layer above the domain apps. Its pages read through the domains' selectors and
act only through their services; who may see or do what is asked of each domain's own
``policy.py`` (never decided here), so every page answers like the API: "not yours" is the
same 404 as "not found", a missing role is 403, and only the moves a lifecycle allows now are
offered. One sub-package per role:

- ``authority``: the decisions queue, the licence register and licence page with its actions,
  the notices awaiting a decision;
- ``supervisor``: the violations inbox, recording violations with evidence, notices, the
  six-monthly reports inbox, supervision visits, an office's compliance page;
- ``municipal``: the municipality administrator's pages that replace the Django admin (calls,
  rule-set versions, the hours directive and the calendar, staff roles, the assessment policy).

``work.py`` answers the dashboard's "what needs me now" (``accounts.events.WorkWanted``).
"""
