"""Bulk upload of a campaign's list (CSV or XLSX).

* ``format``: the documented columns, declared once, and the templates made from them.
* ``read``: a file's bytes -> its rows as text with their line numbers (or a refusal).
* ``parse``: those rows checked -> ``UploadRow``s, or a refusal listing every problem by line.
* ``match``: each row -> the person it names (matched, ambiguous with candidates, or unmatched).
* ``entries``: an upload's rows as stored (``Upload.rows``); ``service``: preview, choices,
  submit, approve, reject, discard; ``commit``: every kept row -> evidence, in one change set.
"""
