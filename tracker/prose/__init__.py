"""Every sentence the site composes from data, in one place.

Queries and the stance engine return data (dataclasses, rows, timelines); the
modules here turn that data into words for pages, twins, feeds and the CLI:

* ``changes``: a change to evidence, a vote, a party membership or a seat.
* ``history``: any revision, field by field, for history and change set pages.
* ``stances``: a contradiction between what someone said and how they voted.
* ``report``: the plain-text stance report of `tracker stance`.
* ``votes``: what a vote means, whips and their verdicts, the gaps in a division's record.
* ``edms``: early day motion signatures and their withdrawal.
* ``decisions``: decisions taken without a division.
* ``coverage``: who holds a recorded stance.
* ``sources``: a source named in a line.
* ``charts``: what a chart shows, its hover text, and how each chart counts (/methodology).

Dependencies point one way: these modules read models, the stance engine's
types and plain values, never queries, pages, importers or the database.
"""
