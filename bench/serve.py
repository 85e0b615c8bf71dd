"""Serving speed: the live app under uvicorn against nginx serving the static export of the same pages.

wrk (Debian package ``wrk``) drives 127.0.0.1 for ``--duration`` seconds per
target: the front page, the hottest story page and the stories API. The
ceiling is nginx (one worker process, like the app's one uvicorn process)
serving ``export_site`` output of the same store; without nginx the ceiling
falls back to Python's ``http.server`` and says so. Both servers and wrk
share the same machine, so the numbers are a ratio, not an absolute.

The data is a store: ``--db PATH`` (e.g. the demo's SQLite file) or, by
default, the bundled sample newsroom written into a temporary store.

    python bench/serve.py [--duration 30] [--connections 32] [--threads 2] [--db data/global24.db]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
NGINX_CONF = """
worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  include /etc/nginx/mime.types;
  types {{ application/feed+json json; application/atom+xml atom; application/rss+xml rss; }}
  sendfile on; tcp_nopush on; keepalive_requests 100000;
  client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy; fastcgi_temp_path {tmp}/fcgi;
  uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
  server {{ listen 127.0.0.1:{port}; root {root}; index index.html; }}
}}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(url: str, proc: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def to_ms(value: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value.strip())
    if not m:
        raise ValueError(value)
    n, unit = float(m.group(1)), m.group(2)
    return n * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def parse_wrk(out: str) -> dict:
    """requests/s, p50/p99 latency (ms), request count and errors from ``wrk --latency`` output."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = to_ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = to_ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    errors = 0
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if sock:
        errors += sum(int(x) for x in sock.groups())
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        errors += int(non2xx.group(1))
    return {"rps": round(rps, 1), "p50_ms": round(p50, 2), "p99_ms": round(p99, 2), "requests": total,
            "errors": errors}


def run_wrk(url: str, duration: int, threads: int, connections: int) -> dict:
    subprocess.run(["wrk", "-t1", "-c4", "-d2s", url], capture_output=True, check=True)  # warm up
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", url],
                         capture_output=True, text=True, check=True).stdout
    return parse_wrk(out)


def prepare_store(db: str | None, tmp: Path):
    from global24.settings import load_settings
    from global24.store import open_store

    if db:
        settings = load_settings(env={}, db_url=f"sqlite:///{Path(db).resolve()}")
        return settings, open_store(settings), False
    from global24.publishing.sample import build_sample

    settings = load_settings(env={}, db_url=f"sqlite:///{tmp / 'bench.db'}")
    store = open_store(settings)
    build_sample(store)
    return settings, store, True


def start_app(settings, port: int, tmp: Path, cache: bool = True) -> subprocess.Popen:
    env = {**os.environ, "GLOBAL24_DB_URL": settings.db_url, "GLOBAL24_BASE_URL": f"http://127.0.0.1:{port}"}
    if not cache:
        env["GLOBAL24_WEB_CACHE_SECONDS"] = "0"  # every request renders from the store
    cmd = [sys.executable, "-m", "uvicorn", "global24.web.app:create_app", "--factory", "--host", "127.0.0.1",
           "--port", str(port), "--no-access-log", "--log-level", "warning"]
    return subprocess.Popen(cmd, env=env, cwd=tmp, stdout=subprocess.DEVNULL, stderr=open(tmp / "app.log", "w"))


def start_static(root: Path, port: int, tmp: Path) -> tuple[subprocess.Popen, str]:
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx:
        conf = tmp / "nginx.conf"
        conf.write_text(NGINX_CONF.format(tmp=tmp, port=port, root=root))
        return subprocess.Popen([nginx, "-c", str(conf), "-p", str(tmp)], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL), "nginx (1 worker)"
    cmd = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(root)]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL), "python http.server"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--duration", type=int, default=30, help="seconds of load per target (default 30)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--db", help="SQLite store to serve (default: the sample newsroom in a temp store)")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "serve.json"))
    args = ap.parse_args()
    if not shutil.which("wrk"):
        print("bench/serve: wrk is not installed (apt-get install wrk); skipping")
        return 0
    if args.db and not Path(args.db).exists():
        print(f"bench/serve: no store at {args.db} (run `make demo` first, or omit --db); skipping")
        return 0

    from global24.publishing.static import export_site

    tmp = Path(tempfile.mkdtemp(prefix="g24-bench-"))
    tmp.chmod(0o755)  # nginx workers run as an unprivileged user and must read the export
    procs: list[subprocess.Popen] = []
    try:
        settings, store, sample = prepare_store(args.db, tmp)
        hottest = next((s for s in store.list_stories(order="heat", limit=50) if store.get_article(s.id)), None)
        if hottest is None:
            print("bench/serve: the store has no written story yet; skipping")
            return 0
        app_port, static_port = free_port(), free_port()
        export_site(store, settings.replace(base_url=f"http://127.0.0.1:{static_port}"), tmp / "site")
        store.close()
        app = start_app(settings, app_port, tmp)
        procs.append(app)
        static, static_name = start_static(tmp / "site", static_port, tmp)
        procs.append(static)
        app_url, static_url = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{static_port}"
        wait_up(app_url + "/", app)
        wait_up(static_url + "/", static)
        targets = [
            ("front page", "/", "/"),
            ("story page", f"/story/{hottest.id}/", f"/story/{hottest.id}/"),
            ("stories API", "/api/stories?limit=100", "/api/stories.json"),
        ]
        rows = []
        for name, app_path, static_path in targets:
            size_app = len(httpx.get(app_url + app_path).content)
            size_static = len(httpx.get(static_url + static_path).content)
            a = run_wrk(app_url + app_path, args.duration, args.threads, args.connections)
            s = run_wrk(static_url + static_path, args.duration, args.threads, args.connections)
            rows.append({"target": name, "app_path": app_path, "static_path": static_path, "bytes_app": size_app,
                         "bytes_static": size_static, "app": a, "static": s,
                         "ratio": round(a["rps"] / s["rps"], 3) if s["rps"] else None})
        stop(app)
        # the worst case: the page cache off, so every request renders the front page from the store
        cold_port = free_port()
        cold = start_app(settings, cold_port, tmp, cache=False)
        procs.append(cold)
        wait_up(f"http://127.0.0.1:{cold_port}/", cold)
        uncached = run_wrk(f"http://127.0.0.1:{cold_port}/", args.duration, args.threads, args.connections)
    finally:
        for p in procs:
            stop(p)

    print(f"\nbench/serve — wrk -t{args.threads} -c{args.connections} -d{args.duration}s on 127.0.0.1, "
          f"{os.cpu_count()} cores; data: {'sample newsroom' if sample else args.db}")
    print(f"app: uvicorn (1 process) + page cache; ceiling: {static_name} serving the static export\n")
    head = f"{'target':<12} {'server':<8} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'bytes':>7}"
    print(head)
    print("-" * len(head))
    for r in rows:
        for who in ("app", "static"):
            m = r[who]
            print(f"{r['target']:<12} {who:<8} {m['rps']:>9.0f} {m['p50_ms']:>8.2f} {m['p99_ms']:>8.2f} "
                  f"{m['errors']:>7} {r['bytes_' + who]:>7}")
        print(f"{'':<12} {'app/ceiling':<8} {r['ratio']:>7.0%}")
    m = uncached
    print(f"{'front page':<12} {'no cache':<8} {m['rps']:>9.0f} {m['p50_ms']:>8.2f} {m['p99_ms']:>8.2f} "
          f"{m['errors']:>7} {rows[0]['bytes_app']:>7}   (renders every request)")
    front = rows[0]["app"]
    ok = front["rps"] >= 500 and front["p99_ms"] < 50 and front["errors"] == 0
    print(f"\ntarget (front page >= 500 req/s, p99 < 50 ms, no errors): {'met' if ok else 'NOT met'}")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({
        "duration_s": args.duration, "threads": args.threads, "connections": args.connections,
        "cores": os.cpu_count(), "data": "sample" if sample else str(args.db), "static_server": static_name,
        "app_server": "uvicorn, 1 process", "rows": rows, "front_page_uncached": uncached,
        "front_page_target_met": ok,
    }, indent=2) + "\n")
    print(f"wrote {out}")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
