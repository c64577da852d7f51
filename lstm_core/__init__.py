"""LSTM Playground's engine: hand-written NumPy recurrent nets, PyTorch models that expose
every gate, seeded tasks, a steppable trainer, a run store and a command line.

Importing this package never imports streamlit or plotly, and imports torch only where a
module needs it.
"""

__version__ = "0.1.0"
