# LSTM Playground: one server process for a class (see docs/deployment.md).
#   docker build -t lstm-playground .
#   docker run -p 8501:8501 -v lstm-data:/data lstm-playground
FROM python:3.11-slim

# One BLAS/OpenMP thread per training session (sessions are threads of one process; the
# app sets torch to one thread too). Two malloc arenas keep the RSS of 30 script threads down.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    OMP_NUM_THREADS=1 \
    OPENBLAS_NUM_THREADS=1 \
    MKL_NUM_THREADS=1 \
    MALLOC_ARENA_MAX=2 \
    LSTM_PLAYGROUND_HOME=/data

WORKDIR /app

# requirements.txt pins torch exactly (torch==2.13.0). The CPU wheel index keeps pip from
# pulling the multi-GB CUDA build; for a GPU image see docs/deployment.md.
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt \
        --extra-index-url https://download.pytorch.org/whl/cpu

COPY . .

# A non-root user owns only the data folder (the run store); the code stays read-only to it.
RUN useradd --create-home --uid 10001 playground \
    && mkdir -p /data \
    && chown playground:playground /data
USER playground
VOLUME ["/data"]

EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).read().strip() == b'ok' else 1)"

# .streamlit/config.toml (copied above) sets XSRF protection, upload limits, showErrorDetails.
CMD ["python", "-m", "streamlit", "run", "app.py", \
     "--server.address=0.0.0.0", "--server.port=8501", "--server.headless=true", \
     "--server.fileWatcherType=none", "--browser.gatherUsageStats=false"]
