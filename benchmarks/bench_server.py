"""Load on the HTTP JSON API: concurrent clients over loopback, throughput and latency.

Starts ``fpcore serve`` on 127.0.0.1 at a free port (or uses ``--url`` of a server
already running on a loopback address), then drives ``POST /v1/decisions`` with the
example household from ``--clients`` keep-alive connections, each sending its next
request when the previous answer has arrived. Bounded: at most ``--requests``
requests and ``--seconds`` seconds per scenario; it stops by itself. Prints
decisions/s, p50/p99/max latency and the error count, without and with explanation.

Run: ``.venv/bin/python benchmarks/bench_server.py`` (``--help`` for options). The
client is a small asyncio HTTP/1.1 client (not httpx): on a 2-core machine the load
generator shares the cores with the server, and a heavy client would measure itself.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import os
import resource
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOUSEHOLD = ROOT / "examples" / "household.json"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(port: int, workers: int) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-c",
        "from fpcore.server import serve; import sys; "
        "serve('127.0.0.1', int(sys.argv[1]), workers=int(sys.argv[2]), log_level='warning')",
        str(port),
        str(workers),
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as answer:
                if answer.status == 200:
                    return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not start within 60 s")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def group_cpu_seconds(pgid: int) -> float:
    """User + system CPU of every process in a process group (Linux ``/proc``)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # fields after the command: state, ppid, pgrp, ...
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def request_bytes(host: str, port: int, explain: bool, lang: str | None) -> bytes:
    body: dict[str, object] = {
        "household": json.loads(HOUSEHOLD.read_text(encoding="utf-8")),
        "policy": "county",
        "period": "2017",
        "explain": explain,
    }
    if lang:
        body["lang"] = lang
    payload = json.dumps(body, ensure_ascii=False).encode()
    head = (
        f"POST /v1/decisions HTTP/1.1\r\nHost: {host}:{port}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
    )
    return head.encode() + payload


async def client(
    host: str,
    port: int,
    request: bytes,
    stop_at: float,
    budget: list[int],
    latencies: list[float],
    errors: list[str],
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while budget[0] > 0 and time.perf_counter() < stop_at:
            budget[0] -= 1
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            if status != 200:
                errors.append(str(status))
    except (OSError, asyncio.IncompleteReadError) as error:
        errors.append(type(error).__name__)
    finally:
        writer.close()


async def scenario(
    host: str, port: int, clients: int, requests: int, seconds: float, request: bytes
) -> dict[str, float]:
    warm = [200]
    await asyncio.gather(
        *(client(host, port, request, time.perf_counter() + 5, warm, [], []) for _ in range(4))
    )
    latencies: list[float] = []
    errors: list[str] = []
    budget = [requests]
    started = time.perf_counter()
    stop_at = started + seconds
    await asyncio.gather(
        *(client(host, port, request, stop_at, budget, latencies, errors) for _ in range(clients))
    )
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "requests": len(latencies),
        "seconds": elapsed,
        "per_second": len(latencies) / elapsed,
        "p50_ms": statistics.median(ordered) * 1e3,
        "p99_ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1e3,
        "max_ms": ordered[-1] * 1e3,
        "errors": len(errors),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running server on a loopback address")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--requests", type=int, default=20_000, help="at most, per scenario")
    parser.add_argument("--seconds", type=float, default=15.0, help="at most, per scenario")
    parser.add_argument("--workers", type=int, default=1, help="server processes")
    parser.add_argument("--lang", default="zh", help="lang of the body ('' for none)")
    parser.add_argument("--explain-requests", type=int, default=2_000)
    args = parser.parse_args()
    process = None
    if args.url:
        parsed = urllib.parse.urlsplit(args.url)
        host, port = parsed.hostname or "", parsed.port or 80
        if host != "localhost" and not ipaddress.ip_address(host).is_loopback:
            raise SystemExit("the benchmark only drives servers on a loopback address")
    else:
        host, port = "127.0.0.1", free_port()
        process = start_server(port, args.workers)
    try:
        try:
            import uvloop

            uvloop.install()
        except ImportError:
            pass
        print(
            f"server {host}:{port}, workers {args.workers if process else '?'}, "
            f"{args.clients} clients, {os.cpu_count()} cores (shared with the client)"
        )
        for explain, limit in ((False, args.requests), (True, args.explain_requests)):
            request = request_bytes(host, port, explain, args.lang or None)
            server_before = group_cpu_seconds(process.pid) if process else 0.0
            client_before = own_cpu_seconds()
            result = asyncio.run(scenario(host, port, args.clients, limit, args.seconds, request))
            client_ms = (own_cpu_seconds() - client_before) * 1e3
            server_ms = (group_cpu_seconds(process.pid) - server_before) * 1e3 if process else 0
            print(
                f"explain={str(explain).lower():5s} {result['requests']:6d} decisions in "
                f"{result['seconds']:5.2f} s: {result['per_second']:7.0f}/s, "
                f"p50 {result['p50_ms']:6.1f} ms, p99 {result['p99_ms']:6.1f} ms, "
                f"max {result['max_ms']:6.1f} ms, errors {result['errors']}"
            )
            done = result["requests"] + 200  # the warm-up's CPU is counted too
            if process:
                print(
                    f"{'':14s}CPU per decision: server {server_ms / done:.3f} ms, "
                    f"client {client_ms / done:.3f} ms; load average {os.getloadavg()[0]:.2f}"
                )
    finally:
        if process is not None:
            stop_server(process)


if __name__ == "__main__":
    main()
