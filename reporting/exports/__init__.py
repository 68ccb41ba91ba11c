"""Renderings of a Board pack (`reporting.pack.Pack`): the PDF, the workbook, the
CSV and the JSON. Each renders the one assembled report it is given; none reads
the database or computes a figure of its own."""
