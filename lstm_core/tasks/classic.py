"""The classic long-memory problems: adding, temporal order, copy, embedded Reber, brackets.

Each one isolates a skill a gate must learn: store a value and ignore distractors (input gate),
keep it across a long lag (the constant error carousel, c_t = f_t * c_{t-1} + i_t * g_t with
f_t near 1), release it at the right time (output gate), reset after use (forget gate), count.
"""

from __future__ import annotations

import math

import numpy as np

from lstm_core.config import TaskSpec
from lstm_core.tasks.base import NEG, Batch, Knob, Metric, Task, accuracy, register


def _len_knob(default: int, low: int, high: int, en: str, zh: str) -> Knob:
    return Knob("seq_len", default, low, high, "int", {"en": en, "zh": zh}, live=True)


# --------------------------------------------------------------------------- 2. adding
@register
class Adding(Task):
    """Hochreiter & Schmidhuber 1997, experiment 4: add two marked numbers of a long sequence.

    Input per step: (value in [-1, 1], marker in {0, 1}). Exactly two steps are marked: the
    first among the first min(10, T/4) steps, the second before T/2, so the answer must be held
    for at least T/2 steps. Target: 0.5 + (X1 + X2) / 4, read at the last step.
    """

    name, kind, menu_order = "adding", "regression", 2
    tolerance = 0.04  # |error| below this counts as correct (H&S 1997)
    knobs = (
        _len_knob(
            20, 10, 200, "Sequence length T (H&S used 100+).", "序列长度 T（原文用 100 以上）。"
        ),
    )
    metric = Metric(
        "within_0.04",
        True,
        0.95,
        {"en": "share of sequences with |error| < 0.04", "zh": "误差绝对值小于 0.04 的序列比例"},
    )
    title = {"en": "Adding problem", "zh": "加法问题"}
    description = {
        "en": "Each step carries a random number in [-1, 1] and a marker. Exactly two steps are "
        "marked, both in the first half of the sequence. At the end the network must output "
        "0.5 + (X1 + X2) / 4, where X1 and X2 are the two marked numbers. Everything between "
        "them and the end is noise to be ignored. From Hochreiter & Schmidhuber (1997), "
        "experiment 4; solved when at least 95% of validation sequences are within 0.04.",
        "zh": "每一步输入一个 [-1, 1] 之间的随机数和一个标记位。整个序列中只有两步被标记，而且都在"
        "前半段。序列结束时，网络要输出 0.5 + (X1 + X2) / 4，其中 X1、X2 是两个被标记的数。"
        "标记之后直到结尾的所有输入都是需要忽略的噪声。出自 Hochreiter 与 Schmidhuber（1997）"
        "的实验 4；当至少 95% 的验证序列误差小于 0.04 时视为解决。",
    }
    teaches = {
        "en": "The input gate opens only at the markers, so the cell writes the two numbers and "
        "ignores everything else; the forget gate stays near 1 so the sum survives the long "
        "wait; the output gate releases it at the end. A plain RNN's gradient vanishes over the "
        "lag and it stays at the baseline of predicting the mean.",
        "zh": "输入门只在标记处打开，把两个数写入单元状态，其余输入一概忽略；遗忘门保持接近 1，"
        "让这个和熬过漫长的等待；输出门在最后一步才把它放出来。普通 RNN 的梯度在这么长的间隔上"
        "会消失，只能停留在“总是预测平均值”的基线上。",
    }

    @property
    def spec(self) -> TaskSpec:
        return TaskSpec("regression", input_size=2, output_size=1)

    def sample(self, rng: np.random.Generator, size: int) -> Batch:
        T = self.values["seq_len"]
        a = max(1, min(10, T // 4))  # first marker among the first a steps
        values = rng.uniform(-1.0, 1.0, size=(T, size))
        first = rng.integers(0, a, size=size)
        second = rng.integers(a, T // 2, size=size)
        markers = np.zeros((T, size))
        markers[first, np.arange(size)] = 1.0
        markers[second, np.arange(size)] = 1.0
        x = np.stack([values, markers], axis=-1).astype(np.float32)  # (T, B, 2)
        X1, X2 = values[first, np.arange(size)], values[second, np.arange(size)]
        y = (0.5 + (X1 + X2) / 4.0)[:, None].astype(np.float32)  # (B, 1)
        return Batch(x, y, per_step=False)

    def score(self, out: np.ndarray, batch: Batch) -> float:
        return float(np.mean(np.abs(out[:, 0] - batch.y[:, 0]) < self.tolerance))

    def example(self, batch: Batch, i: int) -> dict:
        d = super().example(batch, i)
        value = f"{float(d['y'][0]):.3f}"
        d["caption"] = {"en": f"target {value}", "zh": f"目标 {value}"}
        d["label"] = d["caption"]["en"]
        return d


# --------------------------------------------------------------------------- 3. temporal order
@register
class TemporalOrder(Task):
    """H&S 1997, experiment 6a: classify the order (XX, XY, YX, YY) of two far-apart symbols."""

    name, kind, menu_order = "temporal-order", "classification", 3
    vocab = ["B", "E", "a", "b", "c", "d", "X", "Y"]
    classes = ("XX", "XY", "YX", "YY")
    knobs = (
        _len_knob(
            50, 20, 200, "Sequence length T (H&S used 100-110).", "序列长度 T（原文为 100-110）。"
        ),
    )
    metric = Metric("accuracy", True, 0.95, {"en": "accuracy", "zh": "准确率"})
    title = {"en": "Temporal order", "zh": "时间顺序"}
    description = {
        "en": "A sequence starts with B and ends with E; in between are random distractors a, b, "
        "c, d, except at two positions: one between 10% and 20% of the length and one between "
        "50% and 60%, each holding X or Y. The network reads the whole sequence and says which "
        "order it saw: XX, XY, YX or YY. From Hochreiter & Schmidhuber (1997), experiment 6a; "
        "solved at 95% validation accuracy.",
        "zh": "序列以 B 开头、以 E 结尾，中间是随机的干扰符号 a、b、c、d，只有两个位置例外：一个在"
        "长度的 10% 到 20% 之间，另一个在 50% 到 60% 之间，各放一个 X 或 Y。网络读完整个序列后，"
        "要判断它看到的顺序是 XX、XY、YX 还是 YY。出自 Hochreiter 与 Schmidhuber（1997）的实验 "
        "6a；验证准确率达到 95% 视为解决。",
    }
    teaches = {
        "en": "Two pieces of information must be stored at different times and kept apart: the "
        "order matters, not just the count. Watch cells whose input gate opens at the first X/Y "
        "and different cells at the second one, while every distractor is shut out.",
        "zh": "两条信息要在不同时刻存入，并且要分开保存：重要的是顺序，而不只是个数。可以看到，一些"
        "单元的输入门在第一个 X/Y 处打开，另一些单元在第二个处打开，而所有干扰符号都被挡在门外。",
    }

    @property
    def spec(self) -> TaskSpec:
        return TaskSpec("classification", input_size=0, output_size=4, vocab_size=len(self.vocab))

    def sample(self, rng: np.random.Generator, size: int) -> Batch:
        T, cols = self.values["seq_len"], np.arange(size)
        x = rng.integers(2, 6, size=(T, size))  # distractors a..d
        x[0], x[-1] = 0, 1  # B ... E
        t1 = rng.integers(round(0.1 * T), round(0.2 * T) + 1, size=size)
        t2 = rng.integers(round(0.5 * T), round(0.6 * T) + 1, size=size)
        is_y1, is_y2 = rng.integers(0, 2, size=size), rng.integers(0, 2, size=size)
        x[t1, cols], x[t2, cols] = 6 + is_y1, 6 + is_y2  # X = 6, Y = 7
        y = 2 * is_y1 + is_y2  # XX 0, XY 1, YX 2, YY 3
        return Batch(x.astype(np.int64), y.astype(np.int64), per_step=False)

    def example(self, batch: Batch, i: int) -> dict:
        d = super().example(batch, i)
        d["label"] = self.classes[int(d["y"])]
        d["caption"] = {"en": d["label"], "zh": f"顺序 {d['label']}"}
        return d


# --------------------------------------------------------------------------- 4. copy
@register
class Copy(Task):
    """Delayed recall (Arjovsky et al. 2016 form): see k symbols, wait, then reproduce them.

    Input (length lag + 2k): k symbols from n categories, lag - 1 blanks, a delimiter ':', k
    blanks. Target: blank for the first lag + k steps, then the k symbols.
    """

    name, kind, menu_order = "copy", "labelling", 4
    knobs = (
        Knob(
            "lag",
            20,
            1,
            200,
            "int",
            {
                "en": "Blanks T between the symbols and the recall.",
                "zh": "符号与回忆之间的空白步数 T。",
            },
            live=True,
        ),
        Knob(
            "k",
            10,
            1,
            20,
            "int",
            {"en": "Number of symbols to recall.", "zh": "需要回忆的符号个数。"},
        ),
        Knob(
            "n_symbols",
            8,
            2,
            16,
            "int",
            {"en": "Categories a symbol is drawn from.", "zh": "符号的类别数。"},
        ),
    )
    metric = Metric(
        "recall_accuracy",
        True,
        0.95,
        {"en": "accuracy on the recalled symbols", "zh": "回忆符号的准确率"},
    )
    title = {"en": "Copy (delayed recall)", "zh": "复制（延迟回忆）"}
    description = {
        "en": "The network sees k random symbols, then a long stretch of blanks, then a delimiter "
        "':'. After the delimiter it must output the k symbols in the same order; everywhere "
        "else the right output is a blank. A memoryless model can only output blanks and guess "
        "the symbols uniformly, which costs k·log(n) / (T + 2k) nats per step (10·log 8 / "
        "(T + 20) for 10 symbols of 8 categories): that is the baseline line on the chart.",
        "zh": "网络先看到 k 个随机符号，然后是一长段空白，再是分隔符“:”。分隔符之后，它要按原来的"
        "顺序输出这 k 个符号；其余位置的正确输出都是空白。没有记忆的模型只能输出空白、并均匀地"
        "猜测符号，每一步的交叉熵为 k·log(n) / (T + 2k)（10 个 8 类符号时为 10·log 8 / (T + 20)），"
        "这就是图中的基线。",
    }
    teaches = {
        "en": "Storing several items at once and reading them back in order: the hidden state must "
        "hold k·log2(n) bits across the lag. Gradients that vanish over T steps leave a model on "
        "the memoryless baseline; raise the lag live and watch where it breaks.",
        "zh": "同时记住多个项目并按顺序读出：隐藏状态必须在整段间隔中保存 k·log2(n) 比特的信息。"
        "梯度若在 T 步内消失，模型就只能停在无记忆基线上；训练中把间隔调大，看看它在哪里失效。",
    }

    @property
    def vocab(self) -> list[str]:  # type: ignore[override]  # here it follows the knob n_symbols
        n = self.values["n_symbols"]
        return ["-", *"abcdefghijklmnop"[:n], ":"]  # 0 blank, 1..n symbols, n + 1 delimiter

    @property
    def spec(self) -> TaskSpec:
        n = self.values["n_symbols"]
        return TaskSpec("labelling", input_size=0, output_size=n + 1, vocab_size=n + 2)

    def sample(self, rng: np.random.Generator, size: int) -> Batch:
        lag, k, n = self.values["lag"], self.values["k"], self.values["n_symbols"]
        L = lag + 2 * k
        symbols = rng.integers(1, n + 1, size=(k, size))
        x = np.zeros((L, size), dtype=np.int64)
        x[:k] = symbols
        x[lag + k - 1] = n + 1  # the delimiter, k steps before the end
        y = np.zeros((L, size), dtype=np.int64)
        y[-k:] = symbols
        recall = np.zeros((size, L), dtype=bool)
        recall[:, -k:] = True
        return Batch(x, y, per_step=True, aux={"recall": recall})

    def memoryless_loss(self) -> float:
        """k·log(n) / (lag + 2k): certain blanks, then a uniform guess over n symbols."""
        lag, k, n = self.values["lag"], self.values["k"], self.values["n_symbols"]
        return k * math.log(n) / (lag + 2 * k)

    def baseline_output(self, batch: Batch) -> np.ndarray:
        """The best memoryless predictor: blank until the recall, then uniform over symbols."""
        recall = batch.aux["recall"].T  # (T, B)
        out = np.full((batch.T, batch.B, self.spec.output_size), NEG)
        out[..., 0] = np.where(recall, NEG, 0.0)
        out[..., 1:] = np.where(recall, 0.0, NEG)[..., None]
        return out

    def score(self, out: np.ndarray, batch: Batch) -> float:
        return accuracy(out, batch.y, batch.aux["recall"].T)

    def example(self, batch: Batch, i: int) -> dict:
        d = super().example(batch, i)
        recall = "".join(self.vocab[int(s)] for s in d["y"][-self.values["k"] :])
        d["caption"] = {"en": f"recall {recall}", "zh": f"复现 {recall}"}
        d["label"] = d["caption"]["en"]
        return d


# --------------------------------------------------------------------------- 5. Reber grammar
REBER_SYMBOLS = ["B", "T", "P", "S", "X", "V", "E"]
# The Reber grammar as a deterministic automaton: state -> {symbol: next state}; 6 -E-> end.
REBER_EDGES: dict[int, dict[str, int | None]] = {
    0: {"B": 1},
    1: {"T": 2, "P": 3},
    2: {"S": 2, "X": 4},
    3: {"T": 3, "V": 5},
    4: {"X": 3, "S": 6},
    5: {"P": 4, "V": 6},
    6: {"E": None},
}


SYMBOL_ID = {c: i for i, c in enumerate(REBER_SYMBOLS)}


def symbol_mask(symbols) -> int:
    """A set of symbols as a bit mask over REBER_SYMBOLS."""
    return sum(1 << SYMBOL_ID[c] for c in symbols)


class Coins:
    """Fair coin flips drawn from ``rng`` in blocks (one rng call per 512 flips, not per flip)."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.flips: list[int] = []

    def __call__(self) -> int:
        if not self.flips:
            self.flips = self.rng.integers(0, 2, size=512).tolist()
        return self.flips.pop()


OPTIONS = {state: tuple(edges.items()) for state, edges in REBER_EDGES.items()}
LEGAL_AFTER = {state: symbol_mask(edges) for state, edges in REBER_EDGES.items()}
LEGAL_T, LEGAL_P, LEGAL_E, LEGAL_B = (symbol_mask(c) for c in "TPEB")


def embedded_reber(coin: Coins) -> tuple[str, list[int]]:
    """One embedded Reber string (B, T or P, a Reber string, the same T or P, E), and after
    each of its symbols the legal next symbols as a bit mask. Each branch has probability 1/2.
    """
    tp = "TP"[coin()]
    symbols, legal = ["B", tp], [LEGAL_T | LEGAL_P, LEGAL_B]
    state: int | None = 0
    while state is not None:  # the inner Reber string
        options = OPTIONS[state]
        symbol, state = options[coin()] if len(options) == 2 else options[0]
        symbols.append(symbol)
        legal.append(LEGAL_AFTER[state] if state is not None else symbol_mask(tp))
    symbols += [tp, "E"]
    legal += [LEGAL_E, LEGAL_B]  # after E the next string starts
    return "".join(symbols), legal


@register
class Reber(Task):
    """Continual embedded Reber grammar (Gers, Schmidhuber & Cummins 2000): next-symbol
    prediction on a stream of embedded Reber strings with no reset between them."""

    name, kind, menu_order = "reber", "next_token", 5
    vocab = REBER_SYMBOLS
    knobs = (
        _len_knob(
            240,
            40,
            1000,
            "Symbols per training sequence (many strings).",
            "每条训练序列的符号数（包含许多个字符串）。",
        ),
    )
    metric = Metric(
        "strings_correct",
        True,
        0.95,
        {"en": "share of strings with every prediction legal", "zh": "所有预测都合法的字符串比例"},
    )
    title = {"en": "Continual embedded Reber grammar", "zh": "连续嵌入式 Reber 文法"}
    description = {
        "en": "Strings of a small grammar (B T/P ... T/P E, with an inner Reber string in the "
        "middle) follow one another without a break. At each step the network predicts the next "
        "symbol. Most symbols are easy, decided by the last few; the hard one is the second to "
        "last, which must repeat the T or P seen right after the string's start, many steps ago. "
        "Metric: the share of complete strings in which the most likely predicted symbol is a "
        "legal next symbol at every step. That includes the long-range T/P, the only legal "
        "choice there, so a model without memory scores about 50% at best.",
        "zh": "一个小文法生成的字符串（B T/P …… T/P E，中间嵌着一个 Reber 字符串）首尾相接、连续不"
        "断地出现。网络在每一步预测下一个符号。大多数符号很容易，由前面几个符号就能决定；难的是"
        "倒数第二个，它必须重复字符串开头之后出现的那个 T 或 P，而那已是很多步之前的事。评价指标："
        "在完整的字符串中，每一步概率最高的预测都是合法下一个符号的比例。这包括长程的 T/P（那里"
        "唯一合法的选择），所以没有记忆的模型最多只能达到约 50%。",
    }
    teaches = {
        "en": "Why LSTM needs a forget gate (Gers et al. 2000). Nothing resets the network between "
        "strings, so a cell that only adds (the 'nfg' variant, no forget gate) accumulates input "
        "from every string: its state grows without bound, tanh(c) saturates and it can no longer "
        "store the next T/P. With a forget gate the cell learns to reset itself at each E. Train "
        "'standard' and 'nfg' on the same stream and watch the cell states.",
        "zh": "为什么 LSTM 需要遗忘门（Gers 等，2000）。字符串之间没有任何重置，所以只会累加的单元"
        "（“nfg”变体，没有遗忘门）会不断累积每个字符串的输入：状态无限增长，tanh(c) 饱和，再也存"
        "不下新的 T/P。有了遗忘门，单元学会在每个 E 处自己清零。用同一个数据流分别训练“standard”"
        "和“nfg”，对比它们的单元状态。",
    }

    @property
    def spec(self) -> TaskSpec:
        V = len(self.vocab)
        return TaskSpec("next_token", input_size=0, output_size=V, vocab_size=V)

    def sample(self, rng: np.random.Generator, size: int) -> Batch:
        T, V = self.values["seq_len"], len(self.vocab)
        x = np.zeros((T, size), dtype=np.int64)
        y = np.zeros((T, size), dtype=np.int64)
        legal = np.zeros((size, T, V), dtype=bool)
        string_id = np.full((size, T), -1, dtype=np.int64)  # -1: the cut-off last string
        for b in range(size):
            self._fill(rng, T, x[:, b], y[:, b], legal[b], string_id[b])
        return Batch(x, y, per_step=True, aux={"legal": legal, "string_id": string_id})

    def _fill(self, rng, T, x, y, legal, string_id) -> None:
        """One stream of T + 1 symbols: x = stream[:T], y = stream[1:]."""
        coin, n = Coins(rng), 0
        symbols: list[str] = []
        masks: list[int] = []  # legal next symbols, as bit masks
        ids: list[int] = []  # the string each symbol belongs to
        while len(symbols) < T + 1:
            s, legal_next = embedded_reber(coin)
            symbols.extend(s)
            masks.extend(legal_next)
            ids.extend([n] * len(s))
            n += 1
        codes = np.array([SYMBOL_ID[c] for c in symbols[: T + 1]])
        x[:], y[:] = codes[:T], codes[1:]
        legal[:] = (np.array(masks[:T])[:, None] >> np.arange(len(self.vocab))) & 1
        of = np.array(ids)
        string_id[:] = np.where(of[:T] < of[T], of[:T], -1)  # the string at stream[T] is cut

    def score(self, out: np.ndarray, batch: Batch) -> float:
        pred = np.argmax(out, axis=-1).T  # (B, T)
        ok = np.take_along_axis(batch.aux["legal"], pred[..., None], axis=-1)[..., 0]
        sid = batch.aux["string_id"]
        key = np.arange(batch.B)[:, None] * (sid.max() + 1) + sid  # one id per (sequence, string)
        complete = sid >= 0
        n_strings = len(np.unique(key[complete]))
        n_failed = len(np.unique(key[complete & ~ok]))
        return 1.0 - n_failed / n_strings if n_strings else 0.0

    def legal_targets(self, batch: Batch) -> np.ndarray:
        """Every symbol the grammar allows next, (T, B, V): a branch has two right answers."""
        return np.transpose(batch.aux["legal"], (1, 0, 2))

    def example(self, batch: Batch, i: int) -> dict:
        d = super().example(batch, i)
        ids = batch.aux["string_id"][i]
        n = len(np.unique(ids[ids >= 0]))
        d["caption"] = {"en": f"{n} strings", "zh": f"{n} 个字符串"}
        d["label"] = d["caption"]["en"]
        return d


# --------------------------------------------------------------------------- 6. brackets
@register
class Brackets(Task):
    """Nested brackets with filler: label every step with the current nesting depth."""

    name, kind, menu_order = "brackets", "labelling", 6
    vocab = ["(", ")", "x"]
    knobs = (
        _len_knob(60, 10, 300, "Sequence length.", "序列长度。"),
        Knob("max_depth", 5, 2, 12, "int", {"en": "Deepest nesting.", "zh": "最大嵌套深度。"}),
        Knob(
            "filler",
            0.3,
            0.0,
            0.8,
            "float",
            {
                "en": "Probability of a filler 'x' instead of a bracket.",
                "zh": "出现填充符“x”而不是括号的概率。",
            },
            live=True,
        ),
    )
    metric = Metric(
        "accuracy", True, 0.95, {"en": "depth accuracy per step", "zh": "逐步深度准确率"}
    )
    title = {"en": "Bracket depth (counting)", "zh": "括号深度（计数）"}
    description = {
        "en": "A random string of '(' , ')' and filler 'x' that never closes more brackets than "
        "it opened and never nests deeper than the maximum depth. At every step the network "
        "labels the current depth: 0, 1, 2, ... Fillers change nothing, so the depth must be "
        "carried across them.",
        "zh": "一串由“(”、“)”和填充符“x”组成的随机字符串，闭括号从不多于已打开的括号，嵌套也不会超"
        "过最大深度。网络在每一步标出当前的嵌套深度：0、1、2……填充符不改变深度，所以深度必须"
        "跨过它们一直保持。",
    }
    teaches = {
        "en": "A cell can count: the classic interpretable unit adds a fixed amount at '(' "
        "(input gate open, g positive), subtracts at ')' (g negative) and holds still on 'x' "
        "(input gate shut, forget gate near 1). Open the cell-state heatmap: one unit's c_t "
        "tracks the depth like a staircase.",
        "zh": "单元可以计数：经典的可解释单元在“(”处加上一个固定量（输入门打开，g 为正），在“)”处"
        "减去（g 为负），遇到“x”时保持不动（输入门关闭，遗忘门接近 1）。打开单元状态热力图：某个"
        "单元的 c_t 会像台阶一样跟着深度起伏。",
    }

    @property
    def spec(self) -> TaskSpec:
        return TaskSpec("labelling", 0, output_size=self.values["max_depth"] + 1, vocab_size=3)

    def sample(self, rng: np.random.Generator, size: int) -> Batch:
        T, top, filler = self.values["seq_len"], self.values["max_depth"], self.values["filler"]
        x = np.zeros((T, size), dtype=np.int64)
        depth = np.zeros((T, size), dtype=np.int64)
        d = np.zeros(size, dtype=np.int64)
        for t in range(T):
            is_filler = rng.random(size) < filler
            opens = np.where(d == 0, True, np.where(d == top, False, rng.random(size) < 0.5))
            token = np.where(is_filler, 2, np.where(opens, 0, 1))
            d = d + (token == 0) - (token == 1)  # '(' +1, ')' -1, 'x' 0
            x[t], depth[t] = token, d
        return Batch(x, depth, per_step=True)

    def example(self, batch: Batch, i: int) -> dict:
        d = super().example(batch, i)
        depth = int(d["y"].max())
        d["caption"] = {"en": f"max depth {depth}", "zh": f"最大深度 {depth}"}
        d["label"] = d["caption"]["en"]
        return d
