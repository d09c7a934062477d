"""Documents: PDFs (fpdf2), the SVG chart and QR PNGs.

Imports the core and its rendering libraries, never the store or the edge.
"""
