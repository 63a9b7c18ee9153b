# One image for web, worker and beat (see docker-compose.yml).
FROM node:20-slim AS assets
WORKDIR /src
COPY package.json package-lock.json Makefile ./
COPY frontend ./frontend
RUN npm ci --ignore-scripts --no-audit --no-fund \
    && apt-get update && apt-get install -y --no-install-recommends make && rm -rf /var/lib/apt/lists/* \
    && touch node_modules/.installed && make build/static/.built

FROM python:3.11-slim AS app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VAR_DIR=/app/var STATIC_ROOT=/app/staticfiles
WORKDIR /app
COPY requirements-production.lock ./
RUN apt-get update && apt-get install -y --no-install-recommends libcairo2 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir --require-hashes -r requirements-production.lock \
    && useradd --system --uid 1000 --home /app alwaysevents
COPY . .
COPY --from=assets /src/build/static /app/build/static
# collectstatic needs settings but no secrets or database.
RUN SECRET_KEY=build-only-not-secret python manage.py collectstatic --noinput -v0 \
    && mkdir -p /app/var && chown -R alwaysevents /app/var
USER alwaysevents
EXPOSE 8000
# Workers, threads, timeouts: gunicorn.conf.py (each can be set from the environment).
CMD ["gunicorn", "alwaysevents.wsgi:application"]
