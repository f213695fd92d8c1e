"""Links between named nodes: the one place that reads and writes ``SRC->TGT`` and maps names to
matrix positions.

Sources are ordered inputs first, then genes; targets are the genes. A link matrix (strengths,
signs, link scales) has shape (n_sources, n_genes), and every flat list of links runs over sources,
then targets. A signed link is written ``SRC->TGT:+`` (activation) or ``SRC->TGT:-`` (repression).
"""

from __future__ import annotations

from collections.abc import Sequence

from grnsearch.errors import GrnsearchError

ARROW = "->"
SIGN_SYMBOL = {1: "+", -1: "-"}
SYMBOL_SIGN = {"+": 1, "-": -1}

Link = tuple[str, str]


def format_link(source: str, target: str) -> str:
    """``("I", "g2")`` -> ``"I->g2"``."""
    return f"{source}{ARROW}{target}"


def parse_link(text: str, *, parameter: str | None = None) -> Link:
    """``"SRC->TGT"`` -> ``("SRC", "TGT")``; GrnsearchError (naming ``parameter``) on any other shape."""
    parts = text.split(ARROW)
    if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
        hint = ""
        if text.endswith("-"):
            # a command line that lost '>' to the shell's output redirection
            hint = "; quote it on the command line, e.g. 'I->g2', or the shell reads '>' as a redirection"
        raise GrnsearchError(
            f"cannot read link {text!r}: write it as SRC->TGT, for example I->g2{hint}", parameter=parameter
        )
    return parts[0].strip(), parts[1].strip()


def format_signed_link(source: str, target: str, sign: int) -> str:
    """``("I", "g2", -1)`` -> ``"I->g2:-"``."""
    return f"{format_link(source, target)}:{SIGN_SYMBOL[sign]}"


def parse_signed_link(token: str) -> tuple[str, str, int]:
    """``"I->g2:-"`` -> ``("I", "g2", -1)``; ValueError on any other shape."""
    link, symbol = token.rsplit(":", 1)
    source, target = link.split(ARROW)
    if symbol not in SYMBOL_SIGN:
        raise ValueError(f"unknown sign {symbol!r}")
    return source, target, SYMBOL_SIGN[symbol]


def all_links(sources: Sequence[str], genes: Sequence[str]) -> list[Link]:
    """Every possible link (source, target), sources first, then targets."""
    return [(s, t) for s in sources for t in genes]


def link_names(sources: Sequence[str], genes: Sequence[str]) -> list[str]:
    """``SRC->TGT`` names of every possible link, in link-matrix order (the CSV column layout)."""
    return [format_link(s, t) for s, t in all_links(sources, genes)]


def link_index(
    link: Link, sources: Sequence[str], genes: Sequence[str], *, parameter: str | None = None
) -> tuple[int, int]:
    """Matrix position (source, target) of a named link; GrnsearchError naming the unknown node."""
    source, target = link
    if source not in sources:
        raise GrnsearchError(
            f"{format_link(source, target)}: unknown source {source!r}; the sources are {', '.join(sources)}",
            parameter=parameter,
        )
    if target not in genes:
        raise GrnsearchError(
            f"{format_link(source, target)}: unknown target {target!r}; the genes are "
            f"{', '.join(genes)} (inputs cannot be targets)",
            parameter=parameter,
        )
    return list(sources).index(source), list(genes).index(target)
