# Duban: one image for the API (default command) and the worker (`python worker.py`).
FROM python:3.11-slim

# Production unless told otherwise: an image run without DUBAN_ENV refuses the default secret (and wants a
# whistleblower key) and creates no demo accounts. `make run` on a laptop stays in development.
ENV DUBAN_ENV=production \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first, in their own layer, so code changes do not reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .
RUN pip install --no-deps . \
    && python -m compileall -q workflows \
    && useradd --system --uid 10001 --user-group --home-dir /app --no-create-home duban \
    && mkdir -p /app/data \
    && chown duban:duban /app/data

USER duban

EXPOSE 8000

# The worker runs from this image with: python worker.py
# --no-proxy-headers: uvicorn does not rewrite the client address; Duban believes X-Forwarded-For only from
# DUBAN_TRUSTED_PROXIES.
CMD ["uvicorn", "app:create_app", "--factory", "--host", "0.0.0.0", "--port", "8000", "--no-access-log", "--no-proxy-headers"]
