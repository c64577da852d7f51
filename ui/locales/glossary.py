"""The Chinese terms of the app, one per concept, as the Chinese textbooks write them.

Sources: 《动手学深度学习》 (d2l-zh, 9.2 长短期记忆网络): "记忆元 (memory cell)，或简称为单元
(cell)", "隐藏单元", "遗忘门"; 邱锡鹏《神经网络与深度学习》 (6.6 LSTM): 内部状态 c_t, 记忆单元,
循环神经网络. Neither writes 细胞 (a literal translation of "cell" seen in blogs), so the app
writes 单元 for the cell and 单元状态 for c_t (the "cell state" of the English text).

``AVOID`` lists the variants that must not appear in any Chinese text (catalogues and the
engine's task texts); ``tests/test_i18n.py`` scans for them. Not a catalogue area: it holds no
keys, only the terms the catalogues use.
"""

from __future__ import annotations

from typing import NamedTuple


class Term(NamedTuple):
    en: str
    zh: str
    avoid: tuple[str, ...] = ()  # variants not to use for this concept


TERMS = (
    Term("cell (an LSTM / GRU / RNN cell)", "单元", ("细胞",)),
    Term("memory cell", "记忆单元", ("记忆细胞",)),
    Term("cell state c_t", "单元状态", ("细胞状态",)),
    Term("hidden state h_t", "隐藏状态", ("隐层状态",)),
    Term("hidden unit", "隐藏单元"),
    Term("input gate i_t", "输入门", ("记忆门",)),
    Term("forget gate f_t", "遗忘门", ("忘记门",)),
    Term("output gate o_t", "输出门"),
    Term("candidate g_t", "候选值"),
    Term("gradient clipping", "梯度裁剪", ("梯度截断",)),
    Term("recurrent neural network", "循环神经网络", ("递归神经网络",)),
)
AVOID = tuple(v for term in TERMS for v in term.avoid)
