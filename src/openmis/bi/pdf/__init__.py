"""A dashboard as an A4 landscape PDF for one reader, drawn on the server with fpdf2.

The download button and the scheduled e-mail deliveries both call
:func:`openmis.bi.pdf.document.dashboard_pdf`. Every card's question runs through
:func:`openmis.bi.results.run_question` as the reader, so the PDF holds exactly the rows
their row-level rules admit, from the shared result cache when it is warm. Charts are drawn
with fpdf2's own primitives (rectangles, polylines, polygons): no browser, no network. Text
is set in DejaVu Sans (copied to the static files by ``make assets``), which has every Polish
letter.

Modules: :mod:`~.style` (page, fonts, colours, numbers as text), :mod:`~.markdown` (text
cards), :mod:`~.cards` (measuring and drawing cards), :mod:`~.charts`, :mod:`~.document`.
"""
