"""The tables the site exports: declared once (:mod:`tracker.exports.registry`), each with
its columns, types, descriptions and the function that makes its rows from a page's facts;
written as CSV or JSON row by row (:mod:`tracker.exports.formats`)."""
