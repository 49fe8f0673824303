# syntax=docker/dockerfile:1
# The one renda image: `renda api <service>`, `renda worker <service>`, `renda migrate all`.
# Build: docker build -t registry.example.org/renda/renda:$(version) .
ARG PYTHON_IMAGE=python:3.11-slim

# --- build: install the pinned dependencies and the project into a virtualenv ---------------
FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
# Dependencies first, in their own layer, so that a source change does not reinstall them.
COPY requirements.txt ./
RUN pip install -r requirements.txt
COPY . .
RUN pip install --no-deps . \
    && renda --help >/dev/null

# --- runtime: the virtualenv only, run as an unprivileged user ---------------------------------
FROM ${PYTHON_IMAGE}
LABEL org.opencontainers.image.title="renda" \
      org.opencontainers.image.description="City-wide platform for the work of local people's congresses"
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PORT=8000 \
    RENDA_WORKER_PORT=9000
# Fixed numeric ids: the Helm chart runs the pods as 10001:10001 with runAsNonRoot.
RUN groupadd --system --gid 10001 renda \
    && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin renda \
    && install -d -o 10001 -g 10001 /app
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
USER 10001:10001
EXPOSE 8000 9000
ENTRYPOINT ["renda"]
CMD ["--help"]
