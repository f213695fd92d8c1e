"""What every figure shares: colours and writing a figure as PNG and SVG.

Matplotlib runs on the Agg backend: no screen is needed.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend is chosen first)

GENE_COLOURS = ("tab:blue", "tab:green", "tab:red", "tab:orange", "tab:purple", "tab:brown")
INPUT_COLOURS = ("tab:pink", "tab:cyan", "tab:olive", "tab:gray")


def save_figure(fig: plt.Figure, path: Path) -> list[Path]:
    """Write ``fig`` as ``path``.png and ``path``.svg and close it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    written = []
    for ext in ("png", "svg"):
        out = path.with_suffix(f".{ext}")
        fig.savefig(out, dpi=150, bbox_inches="tight")
        written.append(out)
    plt.close(fig)
    return written
