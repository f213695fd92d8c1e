"""Figures. Every function draws from arrays and results computed elsewhere (it never simulates)
and writes one figure as PNG and SVG next to each other (``path`` is given without extension)."""
