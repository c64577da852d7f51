"""The lessons (ui.lessons): per lesson a title, a one-line summary, the story, the
"predict" question, what to run and what to look for."""

EN = {
    "lessons.title": "Lessons",
    "lessons.intro": (
        "Ten short lessons. Each one sets up the task, the model and the training settings, "
        "then opens the page to watch. Read the question, write down your prediction, and only "
        "then run it."
    ),
    "lessons.start": "Start this lesson",
    "lessons.read": "Read the lesson",
    "lessons.predict": "Predict",
    "lessons.run": "Then run",
    "lessons.look": "What to look for",
    "lessons.opens": "Opens: {page}",
    "lessons.preparing": "Preparing the lesson…",
    "lessons.active": "Lesson: {title}",
    "lessons.finish": "End the lesson",
    "lessons.back": "All lessons",
    # 1 -- the sandbox
    "lessons.gates.title": "What the gates do",
    "lessons.gates.summary": "One cell, four sliders: remember, forget, write and read.",
    "lessons.gates.story": (
        "An LSTM cell is a small memory with three valves. The forget gate f decides how much "
        "of the old cell state c to keep, the input gate i how much of the new candidate g to "
        "write, the output gate o how much of the memory to show as h. The sandbox starts with "
        "the preset 'remember': f is open, i is shut."
    ),
    "lessons.gates.predict": (
        "The sequence is 1, 0, 0, -1, 0. With f open and i shut, what happens to c over the "
        "five steps? And if you press 'forget'?"
    ),
    "lessons.gates.run": (
        "Look at the sequence plot, then press the presets 'forget', 'write' and 'read' one "
        "after the other. Move the bias slider of f slowly from +6 to -6."
    ),
    "lessons.gates.look": (
        "With f near 1 the cell state stays flat whatever x does; with f near 0 it forgets in "
        "one step; i decides whether x gets in at all; o only changes what you see in h, never c."
    ),
    # 2 -- the arena, adding problem
    "lessons.long_lags.title": "Why an LSTM beats an RNN on long lags",
    "lessons.long_lags.summary": (
        "The adding problem at T = 100: an LSTM with chrono gate biases, an LSTM with the usual "
        "start and an RNN, same batches."
    ),
    "lessons.long_lags.story": (
        "In the adding problem two numbers are marked early in a sequence of 100 steps; at the "
        "end the network must report their sum. Everything between is noise. Hochreiter & "
        "Schmidhuber's LSTM needed 74,000 sequences for it. Three models of the same size train "
        "side by side on exactly the same batches: an LSTM whose forget-gate biases start at "
        "log(U(1, 99)) (chrono initialisation, Tallec & Ollivier 2018), an LSTM with the usual "
        "start (forget bias 1) and a plain RNN."
    ),
    "lessons.long_lags.predict": (
        "Which model gets below the baseline first, and which stay at the baseline (predicting "
        "the average)? Guess before you start."
    ),
    "lessons.long_lags.run": (
        "Press Play and watch the loss curves for a few minutes. Then lower the lag to 50 and "
        "reset: does the usual LSTM learn it now?"
    ),
    "lessons.long_lags.look": (
        "The chrono LSTM leaves the baseline after a few hundred steps (about 7,000 sequences): "
        "its cells start out remembering for 2 to 100 steps, so the gradient reaches the "
        "markers. The usual LSTM and the RNN stay on the baseline: a forget gate near 0.73 "
        "keeps 0.73^50, almost nothing, of a marker 50 steps back. The cell path can carry "
        "the gradient, but only if the forget gate starts open enough."
    ),
    # 3 -- gradient flow
    "lessons.vanishing.title": "Vanishing gradients",
    "lessons.vanishing.summary": "How far back does the error signal reach?",
    "lessons.vanishing.story": (
        "Training sends the error backwards through time: ∂L/∂h_t at every earlier step is the "
        "later one multiplied by the same recurrent factor again and again. A factor below one, "
        "repeated fifty times, is almost nothing. The lesson trains an LSTM briefly on the "
        "adding problem."
    ),
    "lessons.vanishing.predict": (
        "On a log scale, what shape will ‖∂L/∂h_t‖ have from the last step back to the first: "
        "flat, a straight line down, or a cliff? Will a plain RNN's line be steeper or flatter?"
    ),
    "lessons.vanishing.run": (
        "Read the first chart, then press the button that trains a GRU and a plain RNN on the "
        "same batches and compare the lines."
    ),
    "lessons.vanishing.look": (
        "A straight line on a log scale is exponential decay. The RNN's line falls steeply; the "
        "LSTM's ‖∂L/∂c_t‖ stays almost flat, because the forget gate, near 1, is its factor."
    ),
    # 4 -- the arena, Reber, NFG vs standard
    "lessons.forget.title": "The forget gate on a continual stream",
    "lessons.forget.summary": (
        "Reber strings without breaks: a standard LSTM against one with no forget gate."
    ),
    "lessons.forget.story": (
        "Strings of the embedded Reber grammar follow one another with nothing in between. "
        "The hard symbol must repeat a T or P seen many steps earlier. The original LSTM of "
        "1997 had no forget gate (variant NFG): its cell can only add. Gers and colleagues "
        "added the forget gate in 2000 for exactly this stream."
    ),
    "lessons.forget.predict": (
        "Both models get the same batches. Which one will keep getting the strings right as "
        "the stream goes on, and what will happen to the cell state of the other?"
    ),
    "lessons.forget.run": "Press Play and let both models train for a few hundred rounds.",
    "lessons.forget.look": (
        "Without a forget gate the cell state keeps growing, tanh(c) saturates and the model "
        "can no longer store the next T or P; the standard LSTM learns to reset itself at each "
        "string's end."
    ),
    # 5 -- brackets, inside the cell
    "lessons.counting.title": "A counting cell",
    "lessons.counting.summary": "Bracket depth: find the unit that counts.",
    "lessons.counting.story": (
        "The task labels the nesting depth of a string of brackets at every step. Fillers 'x' "
        "change nothing, so the depth must be carried across them. An LSTM with 8 units has "
        "trained for a few hundred steps; now look inside."
    ),
    "lessons.counting.predict": (
        "If one unit counts, what should its cell state c do at '(' , at ')' and at 'x'? "
        "What should its input gate do at 'x'?"
    ),
    "lessons.counting.run": (
        "Find the unit whose c_t heatmap row looks like a staircase. Move the time cursor "
        "across a '(' and a ')'. Train longer on the Train page and come back."
    ),
    "lessons.counting.look": (
        "A counting unit steps up at '(' (input gate open, g positive), steps down at ')' "
        "(g negative) and holds still on 'x' (input gate shut, forget gate near 1)."
    ),
    # 6 -- sentiment
    "lessons.negation.title": "Negation in sentiment",
    "lessons.negation.summary": (
        "'not good', 不是不好: a word's meaning depends on what came before."
    ),
    "lessons.negation.story": (
        "Short reviews, in English and Chinese, are positive or negative. Every negation word "
        "flips the polarity: 'not good' is negative, 不是不好 is positive. After 'but' / 但是 "
        "the second half decides. A bag of words cannot do this; order matters."
    ),
    "lessons.negation.predict": (
        "Will the model learn plain sentences ('the food is good') and negated ones at the "
        "same speed? What accuracy would a model reach that ignores the negation?"
    ),
    "lessons.negation.run": (
        "Press Play. Watch the accuracy and the predictions. Then raise the share of negated "
        "sentences and see the accuracy dip and recover."
    ),
    "lessons.negation.look": (
        "The network must hold 'not' in its cell until the adjective arrives. In the Inside "
        "page, look for a unit that switches at a negation and keeps its value across "
        "'very'."
    ),
    # 7 -- real data
    "lessons.forecast.title": "Forecast a real series",
    "lessons.forecast.summary": "Sunspots: is the LSTM better than 'tomorrow = today'?",
    "lessons.forecast.story": (
        "Three centuries of yearly sunspot numbers (1700-2008). The last fifth is held out as "
        "the future. "
        "The bar to beat is persistence: predict that the next value equals this one. Real "
        "data is not a clean sine: cycles change length and noise cannot be predicted."
    ),
    "lessons.forecast.predict": (
        "Persistence is a strong forecaster for a slow series. How much better (in %) will "
        "the LSTM be after a minute of training: 0%, 10%, 50%?"
    ),
    "lessons.forecast.run": (
        "Press Play. Watch the skill score (1 = perfect, 0 = as good as persistence) and the "
        "forecast against the held-out future."
    ),
    "lessons.forecast.look": (
        "The training loss falls fast; the skill over persistence grows slowly and stays "
        "modest. A falling loss alone does not mean a useful forecast."
    ),
    # 8 -- the tutorial's example
    "lessons.tutorial.title": "The tutorial's own example",
    "lessons.tutorial.summary": (
        "Random inputs, random targets: what a falling loss does not prove."
    ),
    "lessons.tutorial.story": (
        "The tutorial this app grew from trains an LSTM with 10 units and Adam on sequences of "
        "100 random 10-dimensional vectors, with a random target. Here it is, exactly: a small "
        "fixed training set, and fresh random sequences to validate on."
    ),
    "lessons.tutorial.predict": (
        "The target is independent of the input. Will the training loss fall? Will the "
        "validation loss fall below the baseline of predicting the mean?"
    ),
    "lessons.tutorial.run": "Press Play and compare the training and validation curves.",
    "lessons.tutorial.look": (
        "The training loss falls: the network memorizes its few sequences. The validation "
        "loss stays at or above the baseline, because noise cannot be predicted. A falling "
        "training loss proves nothing until validation falls too."
    ),
    # 9 -- translation (encoder-decoder)
    "lessons.translate.title": "How an LSTM translates",
    "lessons.translate.summary": "An encoder LSTM reads English number words; a decoder LSTM "
    "writes Chinese numerals.",
    "lessons.translate.story": (
        "The encoder reads 'three hundred and twelve' one character at a time. Its final h and "
        "c are handed to a second LSTM, the decoder, which writes the Chinese numerals one "
        "character at a time, each time reading the character it wrote before. The numbers "
        "the table shows were never used for training: the model must have learned the rules, "
        "including 零 for a gap and 两 before 百."
    ),
    "lessons.translate.predict": (
        "Two questions before you press Play. Does feeding the source backwards (the reverse "
        "knob) make learning faster or slower? With attention on, when the decoder writes the "
        "hundreds digit, which source characters will it look at?"
    ),
    "lessons.translate.run": (
        "Press Play and watch the table until most rows are right. Pick an example and look "
        "at the attention heatmap and the top-3 characters. Then turn reverse on, reset, and "
        "compare the number of sequences needed (or run both in the Arena)."
    ),
    "lessons.translate.look": (
        "Attention lights up a diagonal: each output character looks at the words that decide "
        "it. Without attention everything passes through one (h, c) pair, and long numbers "
        "fail first. Reversing puts the first words right before the decoder starts; Sutskever "
        "et al. (2014) found it helps, see whether it does here."
    ),
    # 10 -- overfitting
    "lessons.overfitting.title": "Overfitting: when the training loss lies",
    "lessons.overfitting.summary": (
        "64 fixed training sequences: the training loss falls, the validation loss turns up."
    ),
    "lessons.overfitting.story": (
        "The tutorial names overfitting as the LSTM's main challenge. Until now every task "
        "streamed fresh data, so nothing could be memorised. Here the network sees the same 64 "
        "noisy gestures epoch after epoch (dotted lines mark each epoch), and a separate "
        "validation set tells how well it does on gestures it has never seen."
    ),
    "lessons.overfitting.predict": (
        "The training loss will keep falling. Will the validation loss fall with it all the "
        "way? If not, at about which step will it turn, and what will dropout or weight decay "
        "do to that curve?"
    ),
    "lessons.overfitting.run": (
        "Press Play and watch the gap chart until 'overfitting since step N' appears. Press "
        "Restore best. Then reset with dropout 0.3 or weight decay 0.5 (Optimizer tab), or "
        "turn on early stopping, and compare the best validation loss."
    ),
    "lessons.overfitting.look": (
        "The training loss heads for zero while the validation loss rises above its best: the "
        "network is learning its 64 sequences, noise and all, not the gestures. Dropout and "
        "weight decay make memorising harder and keep the validation loss lower; early "
        "stopping keeps the weights from before the turn. Judge a model by data it was not "
        "trained on."
    ),
}

ZH = {
    "lessons.title": "课程",
    "lessons.intro": (
        "十节小课。每一节都会设置好任务、模型和训练参数，然后打开要观察的页面。"
        "先读问题，写下你的预测，然后再运行。"
    ),
    "lessons.start": "开始本课",
    "lessons.read": "阅读课程内容",
    "lessons.predict": "先预测",
    "lessons.run": "再运行",
    "lessons.look": "观察要点",
    "lessons.opens": "打开：{page}",
    "lessons.preparing": "正在准备课程……",
    "lessons.active": "课程：{title}",
    "lessons.finish": "结束本课",
    "lessons.back": "全部课程",
    "lessons.gates.title": "门的作用",
    "lessons.gates.summary": "一个单元、四个滑块：记住、遗忘、写入和读出。",
    "lessons.gates.story": (
        "LSTM 单元是一个带三个阀门的小小记忆单元。遗忘门 f 决定保留多少旧的单元状态 c，"
        "输入门 i 决定写入多少新的候选值 g，输出门 o 决定把多少记忆显示为 h。"
        "沙盒从预设“记住”开始：f 打开，i 关闭。"
    ),
    "lessons.gates.predict": (
        "序列是 1, 0, 0, -1, 0。f 打开、i 关闭时，c 在这五步中会怎样变化？如果按下“遗忘”呢？"
    ),
    "lessons.gates.run": (
        "看序列图，然后依次按下预设“遗忘”“写入”和“读出”。再把 f 的偏置滑块从 +6 慢慢移到 -6。"
    ),
    "lessons.gates.look": (
        "f 接近 1 时，无论 x 怎样变化，单元状态都保持不变；f 接近 0 时，一步就忘掉；"
        "i 决定 x 能否进入；o 只改变你在 h 中看到的内容，从不改变 c。"
    ),
    "lessons.long_lags.title": "长时滞上 LSTM 为什么胜过 RNN",
    "lessons.long_lags.summary": (
        "T = 100 的加法问题：chrono 门偏置的 LSTM、常规初始化的 LSTM 和 RNN，在相同批次上训练。"
    ),
    "lessons.long_lags.story": (
        "在加法问题中，一个 100 步的序列里有两个数在前面被标记；到最后，网络必须报告它们的和。"
        "中间的一切都是噪声。Hochreiter 和 Schmidhuber 的 LSTM 为此用了 74,000 条序列。"
        "三个大小相同的模型在完全相同的批次上并排训练：一个 LSTM 的遗忘门偏置初始为 "
        "log(U(1, 99))（chrono 初始化，Tallec 和 Ollivier 2018），一个 LSTM 采用常规初始化"
        "（遗忘门偏置 1），还有一个普通 RNN。"
    ),
    "lessons.long_lags.predict": (
        "哪个模型最先低于基线？哪些一直停在基线（预测平均值）上？开始之前先猜一猜。"
    ),
    "lessons.long_lags.run": (
        "按下播放，观察损失曲线几分钟。然后把时滞降到 50 并重置：常规初始化的 LSTM 现在能学会吗？"
    ),
    "lessons.long_lags.look": (
        "chrono LSTM 在几百步后（约 7,000 条序列）离开基线：它的单元一开始就能记住 2 到 100 步，"
        "所以梯度能传到标记处。常规 LSTM 和 RNN 停在基线上：遗忘门约为 0.73 时，50 步之前的标记"
        "只剩 0.73^50，几乎为零。单元通路能传递梯度，但前提是遗忘门一开始就足够打开。"
    ),
    "lessons.vanishing.title": "梯度消失",
    "lessons.vanishing.summary": "误差信号能向前传多远？",
    "lessons.vanishing.story": (
        "训练把误差沿时间反向传播：每一个更早时间步的 ∂L/∂h_t，都是后一步的值一次又一次地"
        "乘以同一个循环因子。一个小于 1 的因子重复五十次，几乎就是零。"
        "本课先在加法问题上短暂训练一个 LSTM。"
    ),
    "lessons.vanishing.predict": (
        "在对数坐标下，‖∂L/∂h_t‖ 从最后一步到第一步会是什么形状：平的、一条向下的直线，"
        "还是悬崖？普通 RNN 的线会更陡还是更平？"
    ),
    "lessons.vanishing.run": (
        "先读第一张图，然后按下按钮，在相同批次上训练一个 GRU 和一个普通 RNN，比较这些线。"
    ),
    "lessons.vanishing.look": (
        "对数坐标下的直线就是指数衰减。RNN 的线下降很陡；LSTM 的 ‖∂L/∂c_t‖ 几乎是平的，"
        "因为它的因子是接近 1 的遗忘门。"
    ),
    "lessons.forget.title": "连续数据流上的遗忘门",
    "lessons.forget.summary": "不间断的 Reber 字符串：标准 LSTM 对比没有遗忘门的 LSTM。",
    "lessons.forget.story": (
        "嵌入式 Reber 文法的字符串一个接一个，中间没有任何间隔。困难的那个符号必须重复许多步之前"
        "看到的 T 或 P。1997 年最初的 LSTM 没有遗忘门（变体 NFG）：它的单元状态只能累加。"
        "Gers 等人在 2000 年正是为这种数据流加入了遗忘门。"
    ),
    "lessons.forget.predict": (
        "两个模型得到相同的批次。随着数据流继续，哪一个能一直答对？另一个的单元状态会怎样？"
    ),
    "lessons.forget.run": "按下播放，让两个模型训练几百轮。",
    "lessons.forget.look": (
        "没有遗忘门时，单元状态不断增长，tanh(c) 饱和，模型再也存不下下一个 T 或 P；"
        "标准 LSTM 学会在每个字符串结束时把自己清零。"
    ),
    "lessons.counting.title": "会计数的单元",
    "lessons.counting.summary": "括号深度：找出负责计数的单元。",
    "lessons.counting.story": (
        "这个任务在每一步标出括号串的嵌套深度。填充符 x 不改变深度，所以深度必须跨过它们保持下来。"
        "一个 8 单元的 LSTM 已经训练了几百步；现在看看它的内部。"
    ),
    "lessons.counting.predict": (
        "如果某个单元在计数，它的单元状态 c 在 ( 、 ) 和 x 处应该怎样变化？它的输入门在"
        " x 处应该怎样？"
    ),
    "lessons.counting.run": (
        "找出 c_t 热力图中像台阶一样的那一行。把时间光标移过一个 ( 和一个 )。到训练页面"
        "多训练一会儿再回来看。"
    ),
    "lessons.counting.look": (
        "计数单元在 ( 处上升一级（输入门打开，g 为正），在 ) 处下降一级（g 为负），"
        "在 x 处保持不变（输入门关闭，遗忘门接近 1）。"
    ),
    "lessons.negation.title": "情感分析中的否定",
    "lessons.negation.summary": "“不好”、“不是不好”：一个词的意思取决于它前面的内容。",
    "lessons.negation.story": (
        "中英文的短评论被标为正面或负面。每个否定词都会翻转极性：“不好”是负面，“不是不好”是正面。"
        "在“但是”之后，由后半句决定。词袋模型做不到这一点：顺序很重要。"
    ),
    "lessons.negation.predict": (
        "模型学会普通句子（“菜很好”）和否定句的速度一样吗？一个忽略否定的模型能达到多少准确率？"
    ),
    "lessons.negation.run": (
        "按下播放，观察准确率和预测。然后提高否定句的比例，看准确率先下降再恢复。"
    ),
    "lessons.negation.look": (
        "网络必须把“不”保存在单元状态里，直到形容词出现。在“单元内部”页面，找一个在否定词处"
        "切换、并跨过“很”保持数值的单元。"
    ),
    "lessons.forecast.title": "预测真实序列",
    "lessons.forecast.summary": "太阳黑子：LSTM 能比“明天 = 今天”更好吗？",
    "lessons.forecast.story": (
        "三个世纪的年度太阳黑子数（1700-2008）。最后五分之一留作“未来”用于验证。要超越的基准是持续预测："
        "预测下一个值等于当前值。真实数据不是干净的正弦波：周期长度会变，噪声无法预测。"
    ),
    "lessons.forecast.predict": (
        "对变化缓慢的序列来说，持续预测是很强的预测方法。训练一分钟后，LSTM 会好多少（"
        "百分比）：0%、10%、50%？"
    ),
    "lessons.forecast.run": (
        "按下播放。观察技巧分（1 = 完美，0 = 与持续预测一样好）以及对留出的未来的预测。"
    ),
    "lessons.forecast.look": (
        "训练损失下降得很快；相对持续预测的技巧分增长缓慢，而且幅度有限。仅仅损失下降，"
        "并不代表预测有用。"
    ),
    "lessons.tutorial.title": "教程自带的例子",
    "lessons.tutorial.summary": "随机输入、随机目标：损失下降并不能证明什么。",
    "lessons.tutorial.story": (
        "本应用源自的教程，用 10 个单元的 LSTM 和 Adam，在 100 步的随机 10 维向量序列上训练，"
        "目标也是随机的。这里完全照搬：一个固定的小训练集，再用新的随机序列做验证。"
    ),
    "lessons.tutorial.predict": (
        "目标与输入无关。训练损失会下降吗？验证损失会低于“预测平均值”的基线吗？"
    ),
    "lessons.tutorial.run": "按下播放，比较训练曲线和验证曲线。",
    "lessons.tutorial.look": (
        "训练损失下降：网络记住了它那几个序列。验证损失停在基线或高于基线，因为噪声无法预测。"
        "在验证损失也下降之前，训练损失的下降什么也证明不了。"
    ),
    # 9 -- 翻译（编码器-解码器）
    "lessons.translate.title": "LSTM 如何翻译",
    "lessons.translate.summary": "编码器 LSTM 读英文数字单词，解码器 LSTM 写出中文数字。",
    "lessons.translate.story": (
        "编码器逐个字符读入 'three hundred and twelve'。它最后的 h 和 c 交给第二个 LSTM，即解码器；"
        "解码器一次写一个中文数字字符，每一步都读入自己上一步写出的字符。表格中的数字从未用于训练："
        "模型必须学会规则，包括用“零”表示空位、在“百”前用“两”。"
    ),
    "lessons.translate.predict": (
        "按下播放之前先回答两个问题。把源序列倒过来输入（reverse 设置）会让学习更快还是更慢？"
        "打开注意力后，解码器写百位数字时会看向哪些源字符？"
    ),
    "lessons.translate.run": (
        "按下播放，观察表格，直到大多数行都正确。选一个例子，看注意力热图和前 3 个候选字符。"
        "然后打开倒序、重置，比较所需的序列数（或者在竞技场里同时运行两者）。"
    ),
    "lessons.translate.look": (
        "注意力会亮出一条对角线：每个输出字符都看向决定它的那些单词。没有注意力时，一切都要经过"
        "一对 (h, c)，长数字最先出错。倒序让开头的单词紧挨着解码器开始；"
        "Sutskever 等人（2014）发现这有帮助，看看在这里是否也如此。"
    ),
    # 10 -- 过拟合
    "lessons.overfitting.title": "过拟合：当训练损失说谎时",
    "lessons.overfitting.summary": "64 条固定的训练序列：训练损失下降，验证损失却掉头上升。",
    "lessons.overfitting.story": (
        "教程把过拟合称为 LSTM 的主要挑战。此前每个任务都不断生成新数据，因此无从死记硬背。"
        "这里网络一轮又一轮地看同样的 64 条含噪手势（虚线标出每一轮），另有一个独立的验证集，"
        "告诉我们它在从未见过的手势上表现如何。"
    ),
    "lessons.overfitting.predict": (
        "训练损失会一直下降。验证损失会一路跟着下降吗？如果不会，大约在第几步掉头？dropout "
        "或权重衰减会让这条曲线怎样变化？"
    ),
    "lessons.overfitting.run": (
        "按下播放，观察差距图，直到出现“自第 N 步起过拟合”。按“恢复最佳”。然后在“优化器”"
        "标签页里设 dropout 0.3 或权重衰减 0.5，或打开早停，重置后比较最佳验证损失。"
    ),
    "lessons.overfitting.look": (
        "训练损失奔向零，验证损失却升到它的最佳值之上：网络记住的是这 64 条序列（连同噪声），"
        "而不是手势本身。dropout 和权重衰减让死记硬背变难，使验证损失保持得更低；早停则保留"
        "掉头之前的权重。评判一个模型，要看它没有训练过的数据。"
    ),
}
