"""Gunicorn settings for every service API (`renda api <service>`)."""

import gc
import os
import shutil
import tempfile

# prometheus_client picks its multiprocess value store when first imported, so the
# directory is set, and emptied of an earlier run's files, before anything imports it.
_own_metrics_dir = "PROMETHEUS_MULTIPROC_DIR" not in os.environ
if _own_metrics_dir:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="renda-prometheus-")
_metrics_dir = os.environ["PROMETHEUS_MULTIPROC_DIR"]
shutil.rmtree(_metrics_dir, ignore_errors=True)
os.makedirs(_metrics_dir, exist_ok=True)

bind = f"{os.environ.get('RENDA_API_HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("RENDA_THREADS", "4"))
worker_class = "gthread"
# Each worker listens on its own socket (SO_REUSEPORT) and the kernel spreads new
# connections over them. On one shared socket the first worker to wake took nearly every
# keep-alive connection: under the bench's 16 connections one process ran at a full core
# (its GIL) while the other idled, and intake served 516–559 requests a second with the
# machine 62 % busy.
reuse_port = True
# The app is built once, in the arbiter, and its workers are forked from it: they share
# its ~70 MB of modules and code instead of each importing its own copy (issue 7,
# docs/adr/0018-memory.md). Building it opens no connection and starts no thread (database
# pools fill on first use; runtime/db.py empties any pool a fork inherits), and
# prometheus_client opens each worker's own files on its first write after the fork.
preload_app = True
timeout = 30
graceful_timeout = 20
# Gunicorn's own messages in the same JSON shape as the application's.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stderr",
        }
    },
    "root": {"level": "INFO", "handlers": ["stderr"]},
    "loggers": {
        "gunicorn.error": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        # One line per request would drown the application's logs; metrics count requests.
        "gunicorn.access": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
    },
}


def pre_fork(server, worker):  # type: ignore[no-untyped-def]
    # Everything built so far moves out of the collector's reach: a collection in a worker
    # would otherwise write to (and so copy) every shared page holding a tracked object.
    gc.freeze()


def on_exit(server):  # type: ignore[no-untyped-def]
    if _own_metrics_dir:
        shutil.rmtree(_metrics_dir, ignore_errors=True)


def child_exit(server, worker):  # type: ignore[no-untyped-def]
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
