import os
import tempfile

from lstm_core.runtime import single_thread

# Sessions and tests share one process: one torch thread and one BLAS thread, as the app runs.
single_thread()
# The run store of the tests lives in a throwaway folder, never in the user's data directory.
os.environ.setdefault("LSTM_PLAYGROUND_HOME", tempfile.mkdtemp(prefix="lstm-playground-tests-"))
