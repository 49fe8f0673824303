"""`python -m bench.run`: renda's figures beside this machine's physical limits, in one run.

    python -m bench.run            # the full run, under ~5 minutes
    python -m bench.run --quick    # every measurement at a tiny size (smoke check)

Needs RabbitMQ and PostgreSQL on 127.0.0.1 (BENCH_AMQP, BENCH_PG to point elsewhere on
loopback). Uses wrk when installed, else a Python load generator. Creates its own
databases, bus names (a unique prefix) and processes, and removes them all at the end,
also after a failure or Ctrl-C. Prints a table and writes bench/results/<timestamp>.json.
See bench/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import infra, limits, loadgen
from bench import profile as profiling
from bench.infra import BIN, REPO, Budget, Child, Cleanup, log
from bench.system import SUGGESTION, memory_summary

RESULTS = Path(__file__).resolve().parent / "results"


@dataclass(frozen=True)
class Sizes:
    amqp_seconds: float
    amqp_max: int
    pg_seconds: float
    pg_max: int
    pg_connections: int
    http_seconds: float
    http_warmup: float
    paired_rounds: int
    """2a again, hello and intake in turn this many times (each `paired_seconds`)."""
    paired_seconds: float
    ceiling_seconds: float
    publisher_seconds: float
    outbox_rows: int
    outbox_timeout: float
    sequential: int
    sequential_seconds: float
    burst: int
    burst_concurrency: int
    burst_post_seconds: float
    burst_settle_seconds: float
    figures_per_tenant_year: int
    figures_requests: int
    figures_seconds: float
    standalone_suggestions: int
    standalone_timeout: float
    ballots: int
    ballot_rate: float
    ballot_terminals: int
    ballot_connections: int
    ballot_timeout: float
    memory_suggestions: int
    memory_reads: int
    memory_seconds: float
    budget: float


FULL = Sizes(
    amqp_seconds=5,
    amqp_max=50_000,
    pg_seconds=5,
    pg_max=100_000,
    pg_connections=8,
    http_seconds=15,
    http_warmup=2,
    paired_rounds=5,
    paired_seconds=5,
    ceiling_seconds=6,
    publisher_seconds=4,
    outbox_rows=20_000,
    outbox_timeout=60,
    sequential=40,
    sequential_seconds=25,
    burst=1500,
    burst_concurrency=8,
    burst_post_seconds=40,
    burst_settle_seconds=90,
    figures_per_tenant_year=250,
    figures_requests=30,
    figures_seconds=10,
    standalone_suggestions=200,
    standalone_timeout=60,
    ballots=3000,
    ballot_rate=600,
    ballot_terminals=6,
    ballot_connections=6,
    ballot_timeout=120,
    memory_suggestions=300,
    memory_reads=5,
    memory_seconds=90,
    budget=400,
)
QUICK = Sizes(
    amqp_seconds=0.5,
    amqp_max=300,
    pg_seconds=0.5,
    pg_max=300,
    pg_connections=4,
    http_seconds=1,
    http_warmup=0,
    paired_rounds=1,
    paired_seconds=1,
    ceiling_seconds=1,
    publisher_seconds=0.5,
    outbox_rows=600,
    outbox_timeout=20,
    sequential=3,
    sequential_seconds=5,
    burst=30,
    burst_concurrency=4,
    burst_post_seconds=10,
    burst_settle_seconds=20,
    figures_per_tenant_year=25,
    figures_requests=10,
    figures_seconds=3,
    standalone_suggestions=20,
    standalone_timeout=30,
    ballots=60,
    ballot_rate=60,
    ballot_terminals=3,
    ballot_connections=2,
    ballot_timeout=60,
    memory_suggestions=20,
    memory_reads=1,
    memory_seconds=30,
    budget=150,
)
CLEANUP_RESERVE = 25.0
PHASES = (
    "standalone",
    "publisher",
    "intake",
    "relay",
    "e2e",
    "ballots",
    "figures",
    "memory",
    "tenants",
)
OPT_IN_PHASES = ("scale",)
"""Not in a default run: seeding 10⁶ suggestions alone takes minutes (bench/README.md)."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke run")
    parser.add_argument("--generator", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--concurrency", type=int, default=None, help="HTTP connections")
    parser.add_argument("--seconds", type=float, default=None, help="each HTTP measurement")
    parser.add_argument("--suggestions", type=int, default=None, help="end-to-end burst size")
    parser.add_argument("--outbox-rows", type=int, default=None, help="rows for the relay bench")
    parser.add_argument("--profile", action="store_true", help="sample renda with py-spy")
    parser.add_argument("--keep-workdir", action="store_true", help="keep the logs directory")
    parser.add_argument("--budget", type=float, default=None, help="seconds for the whole run")
    parser.add_argument("--tenant-steps", default=None, help="tenants per step of 2h: 10,30,100")
    parser.add_argument("--tenant-rate", type=float, default=None, help="2h submissions/s")
    parser.add_argument(
        "--phases",
        default=",".join(PHASES),
        help=f"comma-separated subset of {','.join(PHASES + OPT_IN_PHASES)} (limits always run)",
    )
    parser.add_argument(
        "--scale-sizes",
        default=None,
        help="suggestions at each step of the scale phase (default 10000,100000,1000000)",
    )
    args = parser.parse_args(argv)

    sizes = QUICK if args.quick else FULL
    overrides: dict[str, Any] = {}
    if args.seconds:
        overrides["http_seconds"] = args.seconds
    if args.suggestions:
        overrides["burst"] = args.suggestions
    if args.outbox_rows:
        overrides["outbox_rows"] = args.outbox_rows
    if args.budget:
        overrides["budget"] = args.budget
    if overrides:
        sizes = Sizes(**{**sizes.__dict__, **overrides})
    generator = args.generator
    if generator == "auto":
        generator = "wrk" if loadgen.wrk_path() else "python"
    elif generator == "wrk" and not loadgen.wrk_path():
        parser.error("wrk is not installed (apt-get install -y wrk), use --generator python")
    workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
    threads = int(os.environ.get("RENDA_THREADS", "4"))
    concurrency = args.concurrency or 2 * workers * threads

    bench = Bench(sizes, generator, concurrency, args)
    bench.config.update(web_concurrency=workers, renda_threads=threads)
    return bench.run()


class Bench:
    def __init__(self, sizes: Sizes, generator: str, concurrency: int, args: Any) -> None:
        self.sizes = sizes
        self.generator = generator
        self.concurrency = concurrency
        self.args = args
        self.budget = Budget(sizes.budget)
        self.cleanup = Cleanup()
        self.prefix = f"rbench_{uuid.uuid4().hex[:8]}"
        self.workdir = Path(tempfile.mkdtemp(prefix=f"{self.prefix}-"))
        self.started = datetime.now(UTC)
        self.load_at_start = _load_average()
        self.errors: list[str] = []
        self.limits: dict[str, Any] = {}
        self.renda: dict[str, Any] = {}
        self.profiles: dict[str, Any] = {}
        self.config: dict[str, Any] = {
            "mode": "quick" if args.quick else "full",
            "generator": generator,
            "concurrency": concurrency,
            "prefix": self.prefix,
            "sizes": sizes.__dict__,
            "renda_env": {k: v for k, v in os.environ.items() if k.startswith("RENDA_")},
        }

    # -- the run -----------------------------------------------------------------------------

    def run(self) -> int:
        infra.raise_on_sigterm()
        if not self.args.keep_workdir:
            self.cleanup.push("remove workdir", lambda: shutil.rmtree(self.workdir, True))
        log(
            f"prefix {self.prefix}, workdir {self.workdir}, generator {self.generator}, "
            f"concurrency {self.concurrency}, budget {self.sizes.budget:.0f}s"
        )
        interrupted = False
        system = None
        try:
            self.preflight()
            self.phase("physical limits: AMQP", self.measure_amqp)
            self.phase("physical limits: PostgreSQL", self.measure_pg)
            self.phase("physical limits: HTTP hello world", self.measure_hello)
            wanted = set(self.args.phases.split(","))
            if "standalone" in wanted:
                self.phase("renda run: one process", self.measure_standalone)
            if wanted - {"standalone"}:
                system = self.phase("renda: setup", self.setup_renda)
            steps = (
                ("publisher", "renda: Publisher", self.measure_publisher),
                ("intake", "renda: intake POST", self.measure_intake),
                ("relay", "renda: outbox relay", self.measure_relay),
                ("e2e", "renda: end to end", self.measure_e2e),
                ("ballots", "renda: a congress's ballots", self.measure_ballots),
                ("figures", "renda: figures", self.measure_figures),
                ("memory", "renda: memory", self.measure_memory),
                ("tenants", "renda: many tenants at once", self.measure_tenants),
                ("scale", "renda: figures as the term grows", self.measure_scale),
            )
            for key, name, step in steps if system is not None else ():
                if key in wanted:
                    self.phase(name, lambda step=step: step(system))
        except KeyboardInterrupt:
            interrupted = True
            self.errors.append("interrupted")
            log("interrupted: cleaning up")
        finally:
            if system is not None and self.errors:
                from bench.system import log_children

                log_children(system)
            started = time.perf_counter()
            infra.terminate_children()
            failures = self.cleanup.run()
            log(f"cleaned up in {time.perf_counter() - started:.1f}s")
        self.config["cleanup_failures"] = failures
        self.config["seconds"] = round(self.budget.elapsed(), 1)
        path = self.write_results()
        print(render_table(self.limits, self.renda, self.config, self.machine()))
        if self.renda.get("tenants"):
            from bench import tenants

            print(tenants.render(self.renda["tenants"]))
        if self.profiles:
            print(render_profiles(self.profiles))
        if self.renda.get("scale"):
            from bench import scale

            print(scale.render(self.renda["scale"]))
        if self.errors:
            print("\nErrors:\n  " + "\n  ".join(self.errors))
        print(f"\nResults: {path}")
        if failures:
            print("Clean-up failures:\n  " + "\n  ".join(failures))
        return 130 if interrupted else (1 if self.errors else 0)

    def phase(self, name: str, step: Callable[[], Any]) -> Any:
        if self.budget.remaining() < CLEANUP_RESERVE:
            self.errors.append(f"{name}: skipped, out of time")
            log(f"skipping {name}: out of time")
            return None
        log(f"{name} ...")
        started = time.perf_counter()
        try:
            result = step()
        except KeyboardInterrupt:
            raise
        except Exception as exc:
            self.errors.append(f"{name}: {type(exc).__name__}: {exc}")
            log(f"{name} failed:\n{traceback.format_exc()}")
            return None
        log(f"{name} done in {time.perf_counter() - started:.1f}s")
        return result

    def allow(self, wanted: float) -> float:
        return self.budget.allow(wanted, reserve=CLEANUP_RESERVE)

    def preflight(self) -> None:
        with infra.psycopg.connect(infra.pg_url("postgres"), connect_timeout=5) as conn:
            conn.execute("SELECT 1")
        from kombu import Connection

        with Connection(infra.AMQP_URL, connect_timeout=5) as conn:
            conn.ensure_connection(max_retries=1)

    # -- 1. physical limits ------------------------------------------------------------------

    def measure_amqp(self) -> None:
        s = self.sizes
        queue = f"{self.prefix}.limits.quorum"
        self.cleanup.push("delete limits queue", lambda: infra.delete_bus_names([queue], []))
        self.limits["amqp_confirm_each"] = limits.amqp_confirm_each(
            queue, self.allow(s.amqp_seconds), s.amqp_max
        )
        self.limits["amqp_confirm_window"] = limits.amqp_confirm_windowed(
            queue, self.allow(s.amqp_seconds), s.amqp_max * 20
        )

    def measure_pg(self) -> None:
        s = self.sizes
        database = f"{self.prefix}_limits"
        self.cleanup.push("drop limits database", lambda: infra.drop_databases([database]))
        infra.create_databases([database])
        self.limits["pg_insert_commit_1"] = limits.pg_insert_commit(
            database, self.allow(s.pg_seconds), s.pg_max, connections=1
        )
        self.limits["pg_insert_commit_n"] = limits.pg_insert_commit(
            database, self.allow(s.pg_seconds), s.pg_max, connections=s.pg_connections
        )
        infra.drop_databases([database])

    def start_hello(self) -> tuple[Child, int]:
        """bench/hello_app.py under renda's gunicorn config, on a free loopback port."""
        port = infra.free_port()
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("PROMETHEUS_MULTIPROC_DIR", "GUNICORN_CMD_ARGS", "PORT")
        }
        env.update(
            PORT=str(port),
            RENDA_API_HOST="127.0.0.1",
            PROMETHEUS_MULTIPROC_DIR=str(self.workdir / f"prometheus-hello-{port}"),
            TMPDIR=str(self.workdir / "tmp"),
        )
        (self.workdir / "tmp").mkdir(exist_ok=True)
        argv = [
            str(BIN / "gunicorn"),
            "--config",
            "python:renda.gunicorn_conf",
            "bench.hello_app:app",
        ]
        child = Child("hello-api", argv, env, self.workdir)
        self.cleanup.push("stop hello", child.stop)
        infra.wait_http(child, port, "/healthz", timeout=30)
        return child, port

    def hello_target(self, port: int, tag: str) -> loadgen.Target:
        return loadgen.Target(
            port=port,
            path="/intake/v1/suggestions",
            body=json.dumps(SUGGESTION).encode(),
            headers={"Content-Type": "application/json", "Authorization": "Bearer x"},
            key_prefix=f"{self.prefix}-{tag}",
        )

    def measure_hello(self) -> None:
        s = self.sizes
        child, port = self.start_hello()
        target = self.hello_target(port, "hello")
        self.limits["http_hello"] = self.load(target, {"hello-api": child})
        self.limits["http_hello"].update(memory_summary(child.memory()))
        if self.generator == "wrk":
            ceiling = loadgen.run_python(
                target, concurrency=self.concurrency, seconds=self.allow(s.ceiling_seconds)
            )
            self.limits["http_hello_python_generator"] = ceiling.as_dict()
        child.stop()

    def load(self, target: loadgen.Target, children: dict[str, Child]) -> dict[str, Any]:
        """Warm up, then measure; with the CPU each process group used while measured."""
        s = self.sizes
        if s.http_warmup:
            loadgen.run_load(
                target,
                concurrency=self.concurrency,
                seconds=self.allow(s.http_warmup),
                generator=self.generator,
                workdir=self.workdir,
            )
        measure = loadgen.Target(**{**target.__dict__, "key_prefix": target.key_prefix + "-m"})
        return self.metered_load(measure, children, s.http_seconds)

    def metered_load(
        self, target: loadgen.Target, children: dict[str, Child], seconds: float
    ) -> dict[str, Any]:
        """One closed-loop measurement, with the CPU each process group used meanwhile."""
        meter = infra.CpuMeter(children)
        result = loadgen.run_load(
            target,
            concurrency=self.concurrency,
            seconds=self.allow(seconds),
            generator=self.generator,
            workdir=self.workdir,
        ).as_dict()
        result["cpu"] = cpu = meter.stop()
        for name in children:
            if result["requests"] and name in cpu["cpu_s"]:
                result["cpu_ms_per_request"] = 1000 * cpu["cpu_s"][name] / result["requests"]
        return result

    # -- 2. renda ----------------------------------------------------------------------------

    def setup_renda(self) -> Any:
        from bench.system import RendaSystem

        system = RendaSystem(self.prefix, self.workdir, self.cleanup)
        self.renda["setup"] = system.setup()
        for service in ("intake", "workflow", "scoring", "notify"):
            system.start_api(service)
        return system

    def measure_standalone(self) -> None:
        from bench import standalone

        s = self.sizes
        self.renda["standalone"] = standalone.measure(
            self.workdir, self.cleanup, s.standalone_suggestions, self.allow(s.standalone_timeout)
        )

    def measure_publisher(self, system: Any) -> None:
        s = self.sizes
        self.renda["publisher"] = system.publisher_rate(self.allow(s.publisher_seconds), s.amqp_max)

    def measure_intake(self, system: Any) -> None:
        status, body = system.post_one("preflight")
        if status != 202:
            raise RuntimeError(f"POST /intake/v1/suggestions answered {status}: {body}")
        target = system.intake_target("load")
        pyspy = None
        if self.args.profile:
            pid = system.apis["intake"][0].pgid
            pyspy = self.start_profile("intake-api-post", pid, self.sizes.http_seconds + 2)
        self.renda["intake_post"] = self.load(target, {"intake-api": system.apis["intake"][0]})
        self.renda["intake_post"]["submissions_stored"] = system.sql(
            "intake", "SELECT count(*) FROM submissions"
        )[0][0]
        self.finish_profile(pyspy)
        time.sleep(1.0)  # requests still in flight when the generator stopped
        self.renda["intake_post_open_loop"] = self.open_loop(system)
        self.renda["intake_post_paired"] = self.paired(system)
        self.renda["intake_post"]["backlog_discarded"] = system.discard_intake_backlog()

    def paired(self, system: Any) -> dict[str, Any]:
        """2a as pairs: hello, then intake, a few seconds each, several times over, both
        servers up. This machine's speed drifts (other tenants of the host) by more than
        the gap between figures measured a minute apart, as 1b and 2a are; within a pair
        both see the same machine, so the median of the pairs' ratios is the figure to
        hold against the target."""
        s = self.sizes
        child, port = self.start_hello()
        rounds = []
        for n in range(s.paired_rounds):
            pair = {}
            for name, target, group in (
                ("hello", self.hello_target(port, f"hello-p{n}"), child),
                ("intake", system.intake_target(f"paired-{n}"), system.apis["intake"][0]),
            ):
                result = self.metered_load(target, {name: group}, s.paired_seconds)
                pair[name] = {
                    "rps": result["rps"],
                    "errors": result["errors"],
                    "cpu_ms_per_request": result.get("cpu_ms_per_request"),
                }
            pair["rps_ratio"] = _ratio(pair["intake"]["rps"], pair["hello"]["rps"])
            pair["cpu_ratio"] = _ratio(
                pair["intake"]["cpu_ms_per_request"], pair["hello"]["cpu_ms_per_request"]
            )
            rounds.append(pair)
        child.stop()
        return {
            "seconds": s.paired_seconds,
            "rounds": rounds,
            "rps_ratio_median": _median([r["rps_ratio"] for r in rounds if r["rps_ratio"]]),
            "cpu_ratio_median": _median([r["cpu_ratio"] for r in rounds if r["cpu_ratio"]]),
        }

    def open_loop(self, system: Any) -> dict[str, Any]:
        """Half the closed loop's sustained rate at a constant arrival rate: the latency a
        client sees when intake is busy but not saturated (the closed loop's p99 is queueing
        behind a saturated server)."""
        sustained = self.renda["intake_post"].get("rps") or 0.0
        if not sustained:
            raise RuntimeError("no sustained rate to halve")
        target = system.intake_target("open")
        meter = infra.CpuMeter({"intake-api": system.apis["intake"][0]})
        result = loadgen.run_open_loop(
            target, rate=sustained / 2, seconds=self.allow(self.sizes.http_seconds)
        )
        result["cpu"] = cpu = meter.stop()
        if result["requests"] and "intake-api" in cpu["cpu_s"]:
            result["cpu_ms_per_request"] = 1000 * cpu["cpu_s"]["intake-api"] / result["requests"]
        return result

    def measure_relay(self, system: Any) -> None:
        s = self.sizes
        self.renda["outbox_relay"] = system.outbox_relay(
            s.outbox_rows, self.allow(s.outbox_timeout)
        )

    def measure_e2e(self, system: Any) -> None:
        s = self.sizes
        for service in ("workflow", "scoring", "notify"):
            system.start_worker(service)
        if "intake" not in system.workers:
            system.start_worker("intake")
        warm = system.e2e_sequential(1, self.allow(15))
        if not warm["suggestions"]:
            raise RuntimeError(f"a suggestion did not settle end to end: {warm}")
        self.renda["e2e_sequential"] = system.e2e_sequential(
            s.sequential, self.allow(s.sequential_seconds)
        )
        pyspies = []
        if self.args.profile:
            for service in ("workflow", "intake"):
                pid = system.workers[service][0].pgid
                pyspies.append(self.start_profile(f"{service}-worker-e2e", pid, 12))
        burst = system.e2e_burst(
            s.burst,
            s.burst_concurrency,
            self.allow(s.burst_post_seconds),
            self.allow(s.burst_settle_seconds),
        )
        burst["concurrency"] = s.burst_concurrency
        self.renda["e2e_burst"] = burst
        for pyspy in pyspies:
            self.finish_profile(pyspy)
        self.renda["check"] = system.check(burst.get("sample_receipt_id"))

    def measure_ballots(self, system: Any) -> None:
        from bench import ballots

        s = self.sizes
        self.renda["ballots"] = ballots.measure(
            system,
            self.start_hello,
            deputies=s.ballots,
            rate=s.ballot_rate,
            terminals=s.ballot_terminals,
            connections=s.ballot_connections,
            timeout=self.allow(s.ballot_timeout),
            profile=(
                lambda: self.start_profile("intake-api-ballots", system.apis["intake"][0].pgid, 20),
                self.finish_profile,
            )
            if self.args.profile
            else None,
        )
        self.renda["ballots"]["load_average"] = _load_average()

    def measure_figures(self, system: Any) -> None:
        from bench import figures

        s = self.sizes
        self.renda["figures"] = figures.measure(
            system,
            s.figures_per_tenant_year,
            s.figures_requests,
            lambda: self.allow(s.figures_seconds),
        )

    def measure_scale(self, system: Any) -> None:
        from bench import scale

        sizes = scale.QUICK_SIZES if self.args.quick else scale.SIZES
        if self.args.scale_sizes:
            sizes = tuple(int(n) for n in self.args.scale_sizes.split(","))
        self.renda["scale"] = scale.measure(
            system, sizes, self.sizes.figures_requests, self.allow, log
        )

    def measure_memory(self, system: Any) -> None:
        """Issue 7's memory target and its leak check: all four workers running, the same
        load twice in the processes' one lifetime, every process's memory after each run."""
        s = self.sizes
        for service in ("intake", "workflow", "scoring", "notify"):
            if service not in system.workers:
                system.start_worker(service)
        runs = []
        for tag in ("first", "second"):
            load = system.memory_load(
                tag, s.memory_suggestions, s.memory_reads, self.allow(s.memory_seconds)
            )
            time.sleep(1.0)  # requests and handlers still finishing
            runs.append({"load": load, "memory": system.memory()})
        self.renda["memory"] = runs[-1]["memory"]
        self.renda["memory_runs"] = runs
        self.renda["memory_growth"] = memory_growth(runs[0]["memory"], runs[1]["memory"])

    def measure_tenants(self, system: Any) -> None:
        from bench import tenants

        plan = tenants.QUICK if self.args.quick else tenants.FULL
        if self.args.tenant_steps:
            steps = tuple(int(n) for n in self.args.tenant_steps.split(","))
            plan = tenants.Plan(**{**plan.__dict__, "steps": steps})
        if self.args.tenant_rate:
            plan = tenants.Plan(**{**plan.__dict__, "rate": self.args.tenant_rate})
        self.renda["tenants"] = {}
        tenants.measure(system, plan, self.allow, self.renda["tenants"])

    # -- profiling ---------------------------------------------------------------------------

    def start_profile(self, name: str, pid: int, seconds: float) -> Any:
        started = profiling.start(name, pid, seconds, self.workdir)
        if started is None:
            self.errors.append("--profile: py-spy is not installed (pip install py-spy)")
            return None
        child, out = started
        self.cleanup.push(f"stop {child.name}", child.stop)
        return name, child, out

    def finish_profile(self, started: Any) -> None:
        if not started:
            return
        name, child, out = started
        deadline = time.monotonic() + 20
        while child.alive() and time.monotonic() < deadline:
            time.sleep(0.2)
        child.stop()
        self.profiles[name] = profiling.summarize(out)
        if not out.exists():
            self.profiles[name]["log"] = child.tail(5)

    # -- results -----------------------------------------------------------------------------

    def machine(self) -> dict[str, Any]:
        cpu = ""
        try:
            for line in Path("/proc/cpuinfo").read_text().splitlines():
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
        except OSError:
            pass
        total_kb = 0
        try:
            for line in Path("/proc/meminfo").read_text().splitlines():
                if line.startswith("MemTotal:"):
                    total_kb = int(line.split()[1])
        except OSError:
            pass
        wrk = None
        if loadgen.wrk_path():
            done = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)
            wrk = (done.stdout + done.stderr).strip().splitlines()[0]
        return {
            "load_average_at_start": self.load_at_start,
            "load_average_now": _load_average(),
            "source": _source(),
            "cores": os.cpu_count(),
            "cpu": cpu,
            "memory_gb": round(total_kb / 2**20, 1),
            "kernel": platform.release(),
            "python": platform.python_version(),
            "wrk": wrk,
            "postgresql": self.limits.get("pg_insert_commit_1", {}).get("server_version"),
            "rabbitmq": self.limits.get("amqp_confirm_each", {}).get("rabbitmq_version"),
        }

    def write_results(self) -> Path:
        RESULTS.mkdir(parents=True, exist_ok=True)
        stamp = self.started.strftime("%Y%m%dT%H%M%SZ")
        path = RESULTS / f"{stamp}{'-quick' if self.args.quick else ''}.json"
        document = {
            "started": self.started.isoformat(),
            "machine": self.machine(),
            "config": self.config,
            "limits": self.limits,
            "renda": self.renda,
            "ratios": ratios(self.limits, self.renda),
            "profiles": self.profiles,
            "errors": self.errors,
        }
        path.write_text(json.dumps(document, indent=2, default=str))
        return path


def _load_average() -> list[float] | None:
    try:
        return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]
    except OSError:
        return None


def _source() -> dict[str, Any]:
    """Which code was measured: the commit, and whether the tree differed from it."""

    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", *args], cwd=REPO, capture_output=True, text=True, check=False, timeout=10
        )
        return done.stdout.rstrip("\n")  # not strip(): porcelain lines start with a space

    try:
        status = git("status", "--porcelain").splitlines()
        modified = [ln[3:] for ln in status if not ln.startswith("??")]
        untracked = [ln[3:] for ln in status if ln.startswith("??")]
        return {
            "commit": git("rev-parse", "--short", "HEAD").strip()
            or os.environ.get("BENCH_CODE_LABEL"),
            "changed_outside_bench": [p for p in modified if not p.startswith("bench/")],
            "untracked_outside_bench": [p for p in untracked if not p.startswith("bench/")],
        }
    except (OSError, subprocess.SubprocessError):
        return {"commit": os.environ.get("BENCH_CODE_LABEL")}


# -- the table -------------------------------------------------------------------------------


def _get(data: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, dict) or data.get(key) is None:
            return None
        data = data[key]
    return data


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _ratio(a: Any, b: Any) -> float | None:
    if a is None or b is None or not b:
        return None
    return a / b


def e2e_bound(lim: dict[str, Any], renda: dict[str, Any]) -> float | None:
    """Each service's relay publishes its events one confirm at a time, and each consumer
    commits once per message: e2e ≤ min(confirm-each / the most events any one service
    writes per suggestion, one connection's commits/s)."""
    amqp = _get(lim, "amqp_confirm_each", "msgs_per_s")
    pg = _get(lim, "pg_insert_commit_1", "rows_per_s")
    events = _get(renda, "e2e_burst", "events_per_suggestion") or {}
    most = max(events.values(), default=0) or 3.0
    bounds = [b for b in (amqp / most if amqp else None, pg) if b]
    return min(bounds) if bounds else None


SERVERS = ("postgres", "rabbitmq")


def cpu_per_suggestion(renda: dict[str, Any]) -> float | None:
    """CPU milliseconds per suggestion of renda's processes plus PostgreSQL and RabbitMQ."""
    per = _get(renda, "e2e_burst", "cpu_ms_per_suggestion")
    if not per:
        return None
    return sum(v for k, v in per.items() if k.endswith(("-api", "-worker")) or k in SERVERS)


PAIRED_CPU_TARGET = 1.0 / 0.28
"""Issue 7's "API CPU per request ≤ 1 ms" was set on a machine where hello cost 0.28 ms a
request; held against hello measured beside it, the target is 1 / 0.28 of hello's CPU."""


def cpu_ceiling(renda: dict[str, Any], cores: int | None) -> float | None:
    """Suggestions/s if every core did nothing but renda's work at its measured CPU cost."""
    ms = cpu_per_suggestion(renda)
    return 1000.0 * (cores or 1) / ms if ms else None


def ratios(lim: dict[str, Any], renda: dict[str, Any]) -> dict[str, float | None]:
    return {
        "intake_post_rps / hello_rps": _ratio(
            _get(renda, "intake_post", "rps"), _get(lim, "http_hello", "rps")
        ),
        "intake_post_p50 / hello_p50": _ratio(
            _get(renda, "intake_post", "p50_ms"), _get(lim, "http_hello", "p50_ms")
        ),
        "intake_post_p99 / hello_p99": _ratio(
            _get(renda, "intake_post", "p99_ms"), _get(lim, "http_hello", "p99_ms")
        ),
        "relay_msgs / amqp_confirm_each": _ratio(
            _get(renda, "outbox_relay", "msgs_per_s_steady"),
            _get(lim, "amqp_confirm_each", "msgs_per_s"),
        ),
        "relay_msgs / amqp_confirm_window": _ratio(
            _get(renda, "outbox_relay", "msgs_per_s_steady"),
            _get(lim, "amqp_confirm_window", "msgs_per_s"),
        ),
        "publisher_msgs / amqp_confirm_each": _ratio(
            _get(renda, "publisher", "msgs_per_s"), _get(lim, "amqp_confirm_each", "msgs_per_s")
        ),
        "e2e_suggestions / e2e_bound": _ratio(
            _get(renda, "e2e_burst", "suggestions_per_s"), e2e_bound(lim, renda)
        ),
        "e2e_suggestions / cpu_ceiling": _ratio(
            _get(renda, "e2e_burst", "suggestions_per_s"), cpu_ceiling(renda, os.cpu_count())
        ),
        **figures_ratios(renda),
        "intake_api_rss / hello_rss": _ratio(
            _get(renda, "memory", "intake-api", "rss_mb"), _get(lim, "http_hello", "rss_mb")
        ),
    }


MEMORY_NOISE_MB = 4.0
MEMORY_NOISE_SHARE = 0.03
"""How much a process group's PSS may move between the memory phase's two runs and still
be noise (allocator pages kept or returned, a gthread thread started late, copy-on-write
pages a fork still shares): the larger of 4 MB and 3 %. Beyond it the bench prints a
failure line."""


def memory_growth(
    first: dict[str, dict[str, Any]], second: dict[str, dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """Each process group's memory after the second run over after the first."""
    out = {}
    for name, after in second.items():
        before = first.get(name)
        if before is None:
            continue
        grew = after["pss_mb"] - before["pss_mb"]
        allowance = max(MEMORY_NOISE_MB, MEMORY_NOISE_SHARE * before["pss_mb"])
        out[name] = {
            "pss_first_mb": round(before["pss_mb"], 1),
            "pss_second_mb": round(after["pss_mb"], 1),
            "pss_growth_mb": round(grew, 1),
            "rss_growth_mb": round(after["rss_mb"] - before["rss_mb"], 1),
            "allowance_mb": round(allowance, 1),
            "leak": grew > allowance,
        }
    return out


FIGURES_ROWS = (
    # endpoint, SQL limit, label, limit label
    ("tenant", "counts_tenant", "GET /figures 450102/2026", "SQL counts"),
    ("units", "by_unit_tenant", "GET /figures/units 450102/2026", "SQL by unit"),
    ("best_units", "by_unit_tenant", "GET /figures/best-units 450102/2026", "SQL by unit"),
    ("city", "counts_city", "GET /figures?year=2026 city-wide", "SQL counts"),
)


def figures_ratios(renda: dict[str, Any]) -> dict[str, float | None]:
    """Each figures endpoint's latency over the same SQL's, run by psycopg (p50 and p99)."""
    out = {}
    for name, sql, _, _ in FIGURES_ROWS:
        for pct in ("p50", "p99"):
            out[f"figures_{name}_{pct} / sql_{sql}_{pct}"] = _ratio(
                _get(renda, "figures", "api", name, f"{pct}_ms"),
                _get(renda, "figures", "sql", sql, f"{pct}_ms"),
            )
    for name, sql in (("tenant", "endpoint_tenant"), ("city", "endpoint_city")):
        out[f"figures_{name}_p50 / sql_{sql}_p50"] = _ratio(
            _get(renda, "figures", "api", name, "p50_ms"),
            _get(renda, "figures", "sql", sql, "p50_ms"),
        )
    return out


def _pair(data: dict[str, Any] | None, unit: str = "ms") -> str:
    """p50 / p99, with two decimals below 1 ms (the SQL limits) and one above."""
    data = data or {}
    p50, p99 = data.get("p50_ms"), data.get("p99_ms")
    digits = 2 if p50 is not None and p50 < 1 else 1
    return f"{_fmt(p50, '', digits)} / {_fmt(p99, unit, digits)}"


def _fmt(value: Any, unit: str = "", digits: int = 0) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        text = f"{value:,.{digits}f}"
    else:
        text = f"{value:,}" if isinstance(value, int) else str(value)
    return f"{text} {unit}".strip()


def render_table(
    lim: dict[str, Any], renda: dict[str, Any], config: dict[str, Any], machine: dict[str, Any]
) -> str:
    gen = config["generator"]
    c = config["concurrency"]
    w, t = config.get("web_concurrency"), config.get("renda_threads")
    r = ratios(lim, renda)
    hello = lim.get("http_hello", {})
    intake = renda.get("intake_post", {})
    relay = renda.get("outbox_relay", {})
    seq = renda.get("e2e_sequential", {})
    burst = renda.get("e2e_burst", {})
    mem = renda.get("memory", {})
    rows: list[tuple[str, str, str, str]] = []
    notes: dict[int, str] = {}

    def note(text: str) -> None:
        """A line of its own, printed after the row before it."""
        notes[len(rows) - 1] = notes.get(len(rows) - 1, "") + "\n" + text

    def row(what: str, value: str, limit: str = "", ratio: float | None = None) -> None:
        rows.append((what, value, limit, _fmt(ratio, "", 2) if ratio is not None else ""))

    rows.append(("PHYSICAL LIMITS (same run, same machine)", "", "", ""))
    each = lim.get("amqp_confirm_each", {})
    row(
        "1a AMQP publish, confirm each (pika → quorum q)",
        _fmt(each.get("msgs_per_s"), "msg/s"),
        f"p50 {_fmt(each.get('p50_ms'), 'ms', 2)}",
    )
    window = lim.get("amqp_confirm_window", {})
    row(
        f"1a AMQP publish, {window.get('window', '?')} unconfirmed in flight",
        _fmt(window.get("msgs_per_s"), "msg/s"),
    )
    pg1, pgn = lim.get("pg_insert_commit_1", {}), lim.get("pg_insert_commit_n", {})
    row(
        "1c PG INSERT+COMMIT per txn, 1 connection",
        _fmt(pg1.get("rows_per_s"), "rows/s"),
        f"p50 {_fmt(pg1.get('p50_ms'), 'ms', 2)}",
    )
    row(
        f"1c PG INSERT+COMMIT per txn, {pgn.get('connections', '?')} connections",
        _fmt(pgn.get("rows_per_s"), "rows/s"),
        f"p50 {_fmt(pgn.get('p50_ms'), 'ms', 2)}",
    )
    row(
        f"1b HTTP hello (gunicorn {w}w×{t}t, {gen} c={c})",
        _fmt(hello.get("rps"), "req/s"),
        f"p50 {_fmt(hello.get('p50_ms'), 'ms', 2)} p99 {_fmt(hello.get('p99_ms'), 'ms', 2)}",
    )
    ceiling = lim.get("http_hello_python_generator")
    if ceiling:
        row(
            f"   same, Python generator c={c} (its ceiling)",
            _fmt(ceiling.get("rps"), "req/s"),
            f"p50 {_fmt(ceiling.get('p50_ms'), 'ms', 2)}",
        )

    rows.append(("RENDA   (ratio = renda / limit)", "", "", ""))
    rows.append(("", "renda", "limit", "ratio"))
    row(
        f"2a intake POST throughput ({gen} c={c})",
        _fmt(intake.get("rps"), "req/s"),
        _fmt(hello.get("rps"), "req/s (1b)"),
        r["intake_post_rps / hello_rps"],
    )
    row(
        "2a intake POST latency p50",
        _fmt(intake.get("p50_ms"), "ms", 1),
        _fmt(hello.get("p50_ms"), "ms (1b)", 2),
        r["intake_post_p50 / hello_p50"],
    )
    row(
        "2a intake POST latency p99",
        _fmt(intake.get("p99_ms"), "ms", 1),
        _fmt(hello.get("p99_ms"), "ms (1b)", 2),
        r["intake_post_p99 / hello_p99"],
    )
    if intake:
        row("   errors / requests", f"{intake.get('errors')} / {intake.get('requests')}")
        row(
            "   API CPU per request (all gunicorn processes)",
            _fmt(intake.get("cpu_ms_per_request"), "ms", 2),
            _fmt(hello.get("cpu_ms_per_request"), "ms (1b)", 2),
            _ratio(intake.get("cpu_ms_per_request"), hello.get("cpu_ms_per_request")),
        )
        note(f"   CPU during 2a (s): {_cpu_split(intake.get('cpu'))}")
    paired = renda.get("intake_post_paired")
    if paired and paired["rounds"]:
        rounds = paired["rounds"]
        row(
            f"2a paired, hello then intake {len(rounds)}× ({paired['seconds']:.0f} s each): "
            "throughput, median",
            _fmt(paired["rps_ratio_median"], "× hello", 2),
            "0.25× (target)",
            _ratio(paired["rps_ratio_median"], 0.25),
        )
        row(
            "   API CPU per request, median of the pairs",
            _fmt(paired["cpu_ratio_median"], "× hello", 2),
            f"{PAIRED_CPU_TARGET:.1f}× (target)",
            _ratio(paired["cpu_ratio_median"], PAIRED_CPU_TARGET),
        )
        note(
            "   pairs (intake / hello req/s, CPU ms per request): "
            + "; ".join(
                f"{_fmt(r['intake']['rps'], '')} / {_fmt(r['hello']['rps'], '')}, "
                f"{_fmt(r['intake']['cpu_ms_per_request'], '', 2)} / "
                f"{_fmt(r['hello']['cpu_ms_per_request'], '', 2)}"
                for r in rounds
            )
        )
    loop = renda.get("intake_post_open_loop")
    if loop:
        row(
            f"2a' intake POST open loop at {loop['rate']:,.0f} req/s (half of 2a): p99",
            _fmt(loop.get("p99_ms"), "ms", 1),
            "50 ms (target)",
            _ratio(loop.get("p99_ms"), 50.0),
        )
        note(
            f"   p50 {_fmt(loop.get('p50_ms'), 'ms', 1)}, achieved {_fmt(loop.get('rps'), 'req/s')}"
            f", errors {loop.get('errors')} / {loop.get('requests')}, API CPU/request "
            f"{_fmt(loop.get('cpu_ms_per_request'), 'ms', 2)}; generator lag p99 "
            f"{_fmt(loop.get('lag_p99_ms'), 'ms', 1)} (near the p99: the generator's figure)"
        )
    row(
        f"2c outbox relay, {relay.get('rows', '?')} rows (intake)",
        _fmt(relay.get("msgs_per_s_steady"), "msg/s"),
        _fmt(each.get("msgs_per_s"), "msg/s (1a each)"),
        r["relay_msgs / amqp_confirm_each"],
    )
    row(
        "   same, against the windowed publish",
        "",
        _fmt(window.get("msgs_per_s"), "msg/s (1a win)"),
        r["relay_msgs / amqp_confirm_window"],
    )
    if relay.get("worker_cpu_ms_per_message") is not None:
        row("   worker CPU per relayed message", _fmt(relay["worker_cpu_ms_per_message"], "ms", 2))
    pub = renda.get("publisher", {})
    row(
        "2c' renda Publisher.publish (kombu, confirm each)",
        _fmt(pub.get("msgs_per_s"), "msg/s"),
        _fmt(each.get("msgs_per_s"), "msg/s (1a each)"),
        r["publisher_msgs / amqp_confirm_each"],
    )
    row(
        f"2b end to end, {burst.get('posted', '?')} suggestions (c={burst.get('concurrency')})",
        _fmt(burst.get("suggestions_per_s"), "sugg/s", 1),
        _fmt(e2e_bound(lim, renda), "sugg/s (bound)", 0),
        r["e2e_suggestions / e2e_bound"],
    )
    row(
        "   same, against the CPU it costs (renda+PG+MQ)",
        _fmt(cpu_per_suggestion(renda), "ms CPU/sugg", 1),
        _fmt(cpu_ceiling(renda, machine.get("cores")), "sugg/s (cores/CPU)", 0),
        r["e2e_suggestions / cpu_ceiling"],
    )
    row(
        "   POST → accepted p50 / p99 (burst)",
        f"{_fmt(burst.get('p50_ms'), '', 0)} / {_fmt(burst.get('p99_ms'), 'ms', 0)}",
    )
    stages = burst.get("stages", {})
    for name, label in (
        ("client_to_intake_handler", "client → intake stored"),
        ("intake_to_workflow_handled", "intake stored → workflow handled"),
        ("workflow_to_receipt_settled", "workflow handled → receipt settled"),
    ):
        if name in stages:
            row(
                f"     {label} p50 / p99",
                f"{_fmt(stages[name]['p50_ms'], '', 0)} / {_fmt(stages[name]['p99_ms'], 'ms', 0)}",
            )
    for name, mean in (burst.get("handler_mean_ms") or {}).items():
        service, _, kind = name.partition(":")
        row(f"     handler mean time, {service} on {kind.split('.')[-2]}", _fmt(mean, "ms", 1))
    if burst.get("events_per_suggestion"):
        events = burst["events_per_suggestion"]
        note(
            "     events written per suggestion: "
            + ", ".join(f"{k} {v}" for k, v in events.items() if v)
        )
    if burst.get("commits_per_suggestion"):
        commits = burst["commits_per_suggestion"]
        note(
            "     commits per suggestion (≈, pg_stat_database): "
            + ", ".join(f"{k} {v}" for k, v in commits.items() if v)
        )
    if burst.get("cpu"):
        note(f"     CPU during 2b (s): {_cpu_split(burst['cpu'])}")
    row(
        f"2b POST → receipt accepted, one at a time (n={seq.get('suggestions', 0)})",
        f"{_fmt(seq.get('p50_ms'), '', 0)} / {_fmt(seq.get('p99_ms'), 'ms', 0)}",
        "p50 / p99",
    )
    vote = renda.get("ballots")
    if vote and vote.get("renda"):
        cast, hello_cast, count = vote["renda"], vote.get("limit_hello", {}), vote.get("count", {})
        n, rate = cast["ballots"], cast["rate"]
        row(
            f"2g ballots: {n:,} at {rate:,.0f}/s from {cast['terminals']} terminals (open loop)",
            "renda",
            "hello (1b's app)",
            "",
        )
        for label, key in (("p50", "p50_ms"), ("p99", "p99_ms")):
            row(
                f"   POST → 202 {label} (from when due)",
                _fmt(cast.get(key), "ms", 1),
                _fmt(hello_cast.get(key), "ms", 1),
                _ratio(cast.get(key), hello_cast.get(key)),
            )
        row(
            "   POST → 202 p99 against the target",
            _fmt(cast.get("p99_ms"), "ms", 1),
            "1,000 ms (target)",
            _ratio(cast.get("p99_ms"), 1000.0),
        )
        for label, key in (
            ("service time p50 (from sent)", "service_p50_ms"),
            ("service time p99 (from sent)", "service_p99_ms"),
            ("waited for a free connection p99", "waited_for_connection_p99_ms"),
            ("generator lag p99 (handed out − due)", "lag_p99_ms"),
        ):
            row(f"   {label}", _fmt(cast.get(key), "ms", 1), _fmt(hello_cast.get(key), "ms", 1))
        row(
            "   all sent within / all answered within",
            f"{_fmt(cast.get('sent_within_s'), 's', 2)}"
            f" / {_fmt(cast.get('answered_within_s'), 's', 2)}",
            f"{_fmt(hello_cast.get('sent_within_s'), 's', 2)}"
            f" / {_fmt(hello_cast.get('answered_within_s'), 's', 2)}",
        )
        expected_s = n / rate
        lagged = [
            name
            for name, run_ in (("renda", cast), ("hello", hello_cast))
            if run_
            and (
                (run_.get("lag_p99_ms") or 0) > 100
                or (run_.get("due_handed_out_within_s") or 0) > expected_s * 1.1
            )
        ]
        note(
            "   the generator LAGGED (lag p99 > 100 ms or handed out late) in: "
            + ", ".join(lagged)
            + ": the arrival rate was lower than asked and part of the latency is the generator's"
            if lagged
            else "   the generator kept the schedule in both runs (lag p99 ≤ 100 ms, every "
            f"ballot handed out within {expected_s * 1.1:.1f} s); ballots waiting for a free "
            "connection wait on the server"
        )
        settled = cast.get("settled", {})
        note(
            f"   202s {cast.get('accepted_202')} / {n}, statuses {cast.get('statuses')}, receipts "
            f"{cast.get('receipt_statuses')}, retries {cast.get('retries')}; every receipt "
            f"settled (accepted in intake) {settled.get('accepted')} / {n} within "
            f"{_fmt(settled.get('last_settled_s'), 's', 2)} of the first ballot due"
        )
        if cast.get("cpu"):
            note(
                f"   CPU during 2g (s): {_cpu_split(cast['cpu'])}; intake API "
                f"{_fmt(cast.get('intake_api_cpu_ms_per_ballot'), 'ms', 2)} CPU per ballot"
            )
        row(
            "   close → result counted (receipt settled)",
            _fmt(count.get("close_to_counted_s"), "s", 2),
        )
        note(
            "   first ballot due → counted "
            f"{_fmt(count.get('first_ballot_due_to_counted_s'), 's', 1)}"
            f"; close → every event relayed ({n:,} vote.voted + 1) "
            f"{_fmt(count.get('close_to_outbox_relayed_s'), 's', 2)}; seeding the roll "
            f"{_fmt(vote.get('seed_s'), 's', 1)}, opening the vote "
            f"{_fmt(_get(vote, 'open', 'open_s'), 's', 1)}; load average after "
            f"{vote.get('load_average')}"
        )
        c = count.get("counts", {})
        check_ = count.get("check", {})
        row(
            f"check: register {c.get('register')} = ballots {c.get('ballot_log')} = board "
            f"{c.get('board_ballots')} = result {c.get('result_ballots')} = {n}, "
            "tally = hand count",
            "ok"
            if check_.get("ok") and cast.get("accepted_202") == n
            else "FAILED: "
            + "; ".join(check_.get("problems") or [f"{cast.get('accepted_202')} 202s"]),
        )
    fig = renda.get("figures", {})
    if fig.get("api"):
        row(
            f"2e figures, seeded term of {_fmt(fig.get('seeded_rows'))} (n={fig.get('requests')})",
            "renda p50 / p99",
            "psycopg p50 / p99",
            "p50",
        )
        note(
            f"   450102/2026 holds {_fmt(fig.get('rows_tenant_year'))} suggestions "
            f"({_fmt(fig.get('seeded_tenant_year'))} seeded, the rest filed in 2b); "
            f"the table {_fmt(fig.get('rows_in_table'))}"
        )
        for name, sql, label, limit_label in FIGURES_ROWS:
            row(
                f"2e {label}",
                _pair(fig["api"].get(name)),
                f"{_pair(fig.get('sql', {}).get(sql))} ({limit_label})",
                r.get(f"figures_{name}_p50 / sql_{sql}_p50"),
            )
            if name in ("tenant", "city"):
                row(
                    "   same, against the statement the endpoint runs",
                    "",
                    f"{_pair(fig.get('sql', {}).get(f'endpoint_{name}'))} (its SQL)",
                    r.get(f"figures_{name}_p50 / sql_endpoint_{name}_p50"),
                )
        for name, label in (("counts_tenant", "450102/2026"), ("counts_city", "city 2026")):
            plan = _get(fig, "explain", name)
            if plan:
                note(
                    f"   EXPLAIN ANALYZE counts {label}: {_fmt(plan.get('execution_ms'), 'ms', 2)} "
                    f"(+ planning {_fmt(plan.get('planning_ms'), 'ms', 2)}), "
                    f"indexes: {', '.join(plan.get('indexes') or []) or 'none'}; "
                    + " ← ".join(plan.get("nodes") or [])
                )
    hello_rss, hello_pss = hello.get("rss_mb"), hello.get("pss_mb")
    for name, info in mem.items():
        api = name.endswith("-api")
        row(
            f"2d {name} ({info['processes']} proc) PSS, RSS",
            f"{_fmt(info.get('pss_mb'), '', 0)} MB, {_fmt(info['rss_mb'], 'MB', 0)}",
            f"{_fmt(hello_pss, '', 0)} MB, {_fmt(hello_rss, 'MB (hello)', 0)}" if api else "",
            _ratio(info.get("pss_mb"), hello_pss) if api else None,
        )
    if mem:
        row(
            "2d all renda processes, PSS summed (the target)",
            _fmt(sum(i.get("pss_mb", 0.0) for i in mem.values()), "MB", 0),
            "800 MB (target)",
            _ratio(sum(i.get("pss_mb", 0.0) for i in mem.values()), 800.0),
        )
        note(
            "   RSS summed "
            + _fmt(sum(i["rss_mb"] for i in mem.values()), "MB", 0)
            + " (counts a page shared after fork once per process), USS summed "
            + _fmt(sum(i.get("uss_mb", 0.0) for i in mem.values()), "MB", 0)
            + " (what only one process holds)"
        )
    growth = renda.get("memory_growth", {})
    for name, grew in growth.items():
        row(
            f"2d leak check {name}: PSS after run 1 → run 2",
            f"{grew['pss_first_mb']:.0f} → {grew['pss_second_mb']:.0f} MB",
            f"{grew['pss_growth_mb']:+.1f} MB (noise ≤ {grew['allowance_mb']:.0f})",
        )
    if growth:
        leaks = [f"{n} +{g['pss_growth_mb']:.1f} MB" for n, g in growth.items() if g["leak"]]
        loads = [run["load"] for run in renda.get("memory_runs", [])]
        row(
            "check: no process group grew beyond noise between two runs of the load ("
            + " and ".join(f"{ld['settled']}/{ld['posted']} settled" for ld in loads)
            + ")",
            "FAILED: grew " + ", ".join(leaks) if leaks else "ok",
        )
    solo = renda.get("standalone", {})
    for run_name in ("first", "second"):
        one = solo.get(run_name)
        if not one:
            continue
        row(
            f"2f renda run: {one['suggestions']} suggestions fully processed ({run_name} run)",
            _fmt(one.get("processed_s"), "s", 2)
            + ("" if one.get("fully_processed") else " (NOT all)"),
            "5 s (target)",
            _ratio(one.get("processed_s"), 5.0),
        )
        note(
            f"   {_fmt(one.get('suggestions_per_s'), 'sugg/s', 1)}; POSTs took "
            f"{_fmt(one.get('post_s'), 's', 2)}; stored → accepted p50 / p99 "
            f"{_fmt(one.get('settle_p50_ms'), '', 0)} / {_fmt(one.get('settle_p99_ms'), 'ms', 0)}; "
            f"{_fmt(one.get('cpu_ms_per_suggestion'), 'ms', 1)} CPU per suggestion; "
            f"RSS {_fmt(one.get('rss_mb'), 'MB', 0)}"
        )
    if solo.get("second"):
        row("2f renda run: RSS growth, second run over first", _fmt(solo["rss_growth_mb"], "MB", 1))
    for label, once in (
        ("2b", burst.get("applied_once")),
        *((f"2f {n}", solo.get(n, {}).get("applied_once")) for n in ("first", "second")),
    ):
        if once:
            row(
                f"check: {label} every 202 accepted and applied once ({once['applied_once']} of "
                f"{once['posted']})",
                "ok" if once["ok"] else f"FAILED: {once['accepted']} accepted",
            )
    check = renda.get("check", {})
    if check:
        row("check: receipt accepted, workflow serves it", "ok" if check.get("ok") else "FAILED")
    fig_check = fig.get("check", {})
    if fig_check:
        row(
            f"check: figures 200, assigned {_fmt(fig_check.get('tenant_assigned'))} ≥ "
            f"{_fmt(fig_check.get('seeded_tenant_year'))} seeded and assigned, API = SQL",
            "ok" if fig_check.get("ok") else "FAILED: " + "; ".join(fig_check["problems"]),
        )

    widths = [max(len(rw[i]) for rw in rows) for i in range(4)]
    lines = [
        "",
        f"renda bench — {machine.get('cores')} cores, {machine.get('memory_gb')} GB, "
        f"{machine.get('cpu')}; PostgreSQL {machine.get('postgresql')}, "
        f"RabbitMQ {machine.get('rabbitmq')}; mode {config['mode']}, {config.get('seconds')}s",
        f"load average at start {machine.get('load_average_at_start')}, at end "
        f"{machine.get('load_average_now')} (other work on the machine skews every figure); "
        f"code {_get(machine, 'source', 'commit')}"
        + (" + uncommitted changes" if _get(machine, "source", "changed_outside_bench") else "")
        + (" + untracked files" if _get(machine, "source", "untracked_outside_bench") else ""),
    ]
    for index, rw in enumerate(rows):
        if not rw[1] and not rw[2] and not rw[3]:
            lines.append("")
            lines.append(rw[0])
            lines.append("-" * (sum(widths) + 9))
            continue
        a, b, c_, d = (
            rw[i].ljust(widths[i]) if i == 0 else rw[i].rjust(widths[i]) for i in range(4)
        )
        lines.append(f"{a}  {b}  {c_}  {d}")
        if index in notes:
            lines.extend(notes[index].strip("\n").splitlines())
    return "\n".join(lines)


def _cpu_split(cpu: dict[str, Any] | None) -> str:
    if not cpu:
        return "—"
    parts = [f"{k} {v:.1f}" for k, v in cpu["cpu_s"].items() if v >= 0.05]
    return f"busy {cpu['machine_busy_pct']:.0f}% of {cpu['wall_s']:.0f}s: " + ", ".join(parts)


def render_profiles(profiles: dict[str, Any]) -> str:
    lines = ["", "PROFILES (py-spy, % of samples)"]
    for name, summary in profiles.items():
        lines.append(f"- {name}: {summary.get('samples', 0)} samples {summary.get('error', '')}")
        for label, key in (
            ("by thread", "by_thread_pct"),
            ("by library", "by_library_pct"),
            ("renda frames (inclusive)", "renda_frames_inclusive_pct"),
            ("leaf frames", "top_leaf_frames_pct"),
        ):
            items = summary.get(key) or []
            lines.append(f"    {label}: " + "; ".join(f"{k} {v}%" for k, v in items[:8]))
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
