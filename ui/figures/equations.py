"""LaTeX of the Equations page: the LSTM's equations for one unit with its numbers substituted.

Pure functions: the dicts of ``lstm_core.equations.forward_numbers`` / ``backward_numbers`` in,
LaTeX strings out (for ``st.latex``). Numbers are printed with at least 3 significant digits
(``num``), negative ones in parentheses.
"""

from __future__ import annotations

import numpy as np

DIGITS = 4
SHOWN = 3  # entries of a weight row shown before "..." (a row must fit the page's width)
ACT = {"i": r"\sigma", "f": r"\sigma", "g": r"\tanh", "o": r"\sigma"}
# How each pre-activation gradient is made (lstm_core.equations.pre_activation_grads):
# the symbols, then the quantities that fill them ("1-x" prints (1 - x), "1-sq x" (1 - x^2)).
DA_SYMBOLIC = {
    "i": r"\delta c_t\, g_t\, i_t (1 - i_t)",
    "f": r"\delta c_t\, c_{t-1}\, f_t (1 - f_t)",
    "g": r"\delta c_t\, i_t (1 - g_t^2)",
    "o": r"\delta h_t \tanh(c_t)\, o_t (1 - o_t)",
}
DA_FACTORS = {
    "i": ("dc", "g", "i", "1-i"),
    "f": ("dc", "c_prev", "f", "1-f"),
    "g": ("dc", "i", "1-sq g"),
    "o": ("dh", "tanh_c", "o", "1-o"),
}


def num(v: float, paren: bool = True) -> str:
    """One number as it appears in the equations, with at least 3 significant digits: 4
    decimals from 0.01 up, 5 decimals from 0.001, scientific notation below; negatives in
    parentheses (``paren``)."""
    v = float(v) + 0.0  # no "-0.0000"
    a = abs(v)
    if v == 0 or a >= 0.01:
        s = f"{v:.{DIGITS}f}"
    elif a >= 0.001:
        s = f"{v:.{DIGITS + 1}f}"
    else:
        mant, exp = f"{v:.3e}".split("e")
        s = rf"{mant} \times 10^{{{int(exp)}}}"
    return f"({s})" if v < 0 and paren else s


def short_num(v: float) -> str:
    """A number in a weight row: 3 significant digits (``num`` has 4 decimals); negatives in
    parentheses."""
    v = float(v) + 0.0
    if v == 0 or abs(v) >= 0.001:
        s = f"{v:.4f}" if abs(v) < 0.01 else f"{v:.3f}"
    else:
        mant, exp = f"{v:.2e}".split("e")
        s = rf"{mant} \times 10^{{{int(exp)}}}"
    return f"({s})" if v < 0 else s


def vec(v: np.ndarray) -> str:
    """A weight row: the first SHOWN entries, then dots."""
    v = np.ravel(v)
    parts = [short_num(x) for x in v[:SHOWN]] + ([r"\dots"] if len(v) > SHOWN else [])
    return r"\left[" + r",\ ".join(parts) + r"\right]"


def two_lines(latex: str) -> str:
    """``lhs = symbols = numbers ...`` on two lines (three for a gate: symbols, its four
    terms, its value): a whole line is too wide for a projector. The text still starts with
    ``lhs =`` and ends with the value (KaTeX breaks a display line at a top-level ``\\``)."""
    depth, cuts = 0, []
    for k, ch in enumerate(latex):
        if ch in "({[":
            depth += 1
        elif ch in ")}]":
            depth -= 1
        elif depth == 0 and latex.startswith(" = ", k):
            cuts.append(k)
    breaks = cuts[1:3] if len(cuts) >= 4 else cuts[1:2]  # a gate: symbols / terms / value
    for k in reversed(breaks):
        latex = rf"{latex[:k]} \\ {latex[k + 1 :]}"
    return latex


def gate_latex(q: str, g: dict) -> str:
    """q_t = act(W_iq x_t + b_iq + W_hq h_{t-1} + b_hq) = act(n1 + n2 + n3 + n4) = act(a) = v."""
    terms = " + ".join(num(v) for v in g["terms"])
    return (
        rf"{q}_t = {ACT[q]}(W_{{i{q}}} x_t + b_{{i{q}}} + W_{{h{q}}} h_{{t-1}} + b_{{h{q}}})"
        rf" = {ACT[q]}({terms}) = {ACT[q]}({num(g['a'], False)}) = {num(g['value'], False)}"
    )


def cell_latex(fn: dict) -> str:
    g = fn["gates"]
    return (
        rf"c_t = f_t\, c_{{t-1}} + i_t\, g_t = {num(g['f']['value'])} \cdot {num(fn['c_prev'])}"
        rf" + {num(g['i']['value'])} \cdot {num(g['g']['value'])} = {num(fn['c'], False)}"
    )


def hidden_latex(fn: dict) -> str:
    o = fn["gates"]["o"]["value"]
    c, h = num(fn["c"], False), num(fn["h"], False)
    return rf"h_t = o_t \tanh(c_t) = {num(o)} \cdot \tanh({c}) = {h}"


def dh_latex(bn: dict) -> str:
    return (
        rf"\delta h_t = \delta h_t^{{\uparrow}} + W_{{hh}}^\top \delta a_{{t+1}}"
        rf" = {num(bn['dh_above'])} + {num(bn['dh_next'])} = {num(bn['dh'], False)}"
    )


def dc_latex(bn: dict) -> str:
    return (
        r"\delta c_t = \delta h_t\, o_t (1 - \tanh^2 c_t) + f_{t+1}\, \delta c_{t+1}"
        rf" = {num(bn['dc_from_h'])} + {num(bn['dc_next'])} = {num(bn['dc'], False)}"
    )


def _value(name: str, fn: dict, bn: dict) -> float:
    """A quantity of this step: dc, dh (backward), a gate's value, or c_prev, tanh_c ..."""
    if name in ("dc", "dh"):
        return bn[name]
    return fn["gates"][name]["value"] if name in fn["gates"] else fn[name]


def _factor(name: str, fn: dict, bn: dict) -> str:
    """One factor of a pre-activation gradient, as printed: a number, (1 - x) or (1 - x^2)."""
    if name.startswith("1-sq "):
        return rf"(1 - {num(_value(name[5:], fn, bn))}^2)"
    if name.startswith("1-"):
        return rf"(1 - {num(_value(name[2:], fn, bn))})"
    return num(_value(name, fn, bn))


def da_latex(q: str, bn: dict, fn: dict) -> str:
    """da_q = its symbols = the numbers multiplied = the value."""
    numbers = r" \cdot ".join(_factor(n, fn, bn) for n in DA_FACTORS[q])
    return rf"\delta a_{q} = {DA_SYMBOLIC[q]} = {numbers} = {num(bn['gates'][q]['da'], False)}"


def contribution_latex(q: str, bn: dict) -> str:
    """This step's share of row u of gate q's dW_ih, dW_hh and db, one line each."""
    g = bn["gates"][q]
    return (
        r"\begin{aligned}"
        rf"\Delta W_{{i{q}}} &\mathrel{{+}}= \delta a_{q}\, x_t^\top = {vec(g['dW_ih'])} \\"
        rf"\Delta W_{{h{q}}} &\mathrel{{+}}= \delta a_{q}\, h_{{t-1}}^\top = {vec(g['dW_hh'])} \\"
        rf"\Delta b_{q} &\mathrel{{+}}= \delta a_{q} = {num(g['db'], False)}"
        r"\end{aligned}"
    )


# The tutorial's rules (a plain RNN) and the exact LSTM ones, symbol for symbol.
TUTORIAL = (
    r"h_t = f(W x_t + U h_{t-1} + b)",
    r"\Delta W = \Delta h_t\, x_t^\top",
    r"\Delta U = \Delta h_t\, h_{t-1}^\top",
    r"\Delta b = \Delta h_t",
)
EXACT = (
    r"\begin{aligned} a_{q,t} &= W_{iq} x_t + W_{hq} h_{t-1} + b_q \\"
    r" c_t &= f_t c_{t-1} + i_t g_t \\ h_t &= o_t \tanh(c_t) \end{aligned}",
    r"dW_{iq} = \textstyle\sum_t \delta a_{q,t}\, x_t^\top",
    r"dW_{hq} = \textstyle\sum_t \delta a_{q,t}\, h_{t-1}^\top",
    r"db_q = \textstyle\sum_t \delta a_{q,t}",
)
