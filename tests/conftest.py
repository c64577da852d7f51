import os
import tempfile

import torch

# Sessions and tests share one process: one torch thread, as the app runs (see NOTES.md).
torch.set_num_threads(1)
# The run store of the tests lives in a throwaway folder, never in the user's data directory.
os.environ.setdefault("LSTM_PLAYGROUND_HOME", tempfile.mkdtemp(prefix="lstm-playground-tests-"))
