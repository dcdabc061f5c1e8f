"""The site as it stood at the end of a past day (``?as_of=YYYY-MM-DD``).

A past day is shown from a copy of the database rolled back to that moment
(:mod:`tracker.asof.snapshot`): every change set committed later is undone from its
revisions (records added, changed, approved or withdrawn later), records dated later
are left out, and the stance read model is rebuilt on what is left. The copy is made
once per day asked for and kept; every page, twin and API answer then reads it with
the same code as today's site (:mod:`tracker.web.asof`).
"""
