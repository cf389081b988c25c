#!/usr/bin/env python3
"""Endpoint benchmarks on loopback, against the release binary. Prints `name value unit` lines.

  bench/endpoint.py throughput [--seconds 10]
      Durable submissions per second and latency (p50, p99) with wrk (Debian) at 1, 16 and 64
      concurrent clients, for: SQLite with group commit (the default), SQLite with one commit
      per request (`--commit each`, the naive baseline), and PostgreSQL (when --postgres-url or
      XIANGQIN_BENCH_POSTGRES_URL names a server; bench/run starts a throwaway one). Each run
      starts on a fresh database; afterwards the rows are counted, so "durable" is checked, not
      assumed: every 201 is a row.

  bench/endpoint.py crash [--kills 5] [--clients 16]
      Sends declarations from many clients, kills the server with SIGKILL at random moments and
      restarts it on the same database; a client whose request failed retries it with the same
      Idempotency-Key until it gets an answer. Then checks that every receipt a client got back
      is in the database exactly once and that no key made two rows. Exits 1 if anything is lost
      or duplicated.

  bench/endpoint.py faults [--seconds 5] [--clients 16]
      Storage faults under a steady stream of declarations from many clients: before the fault,
      while it lasts (--seconds), and after it is undone (without a restart); then SIGKILL and a
      restart, and every receipt answered 201 is looked up. Faults: SQLite with its disk full (a
      64 MB tmpfs filled up; group commit and one commit each), its file made read-only (chattr +i), locked
      by another process (the sqlite3 shell) past the busy timeout, moved away and back;
      PostgreSQL stopped and started (the cluster of --postgres-url, paused with
      scripts/postgres-test-server), and two endpoints on it, one killed with SIGKILL. Prints per
      fault: acknowledged, found, lost (must be 0), the answers seen during the fault, and the
      seconds from undoing it to the first 201. Needs root (mount, chattr); exits 1 on a loss.

Every declaration is distinct and valid (its own name, ID number with a correct check digit and
phone). Nothing here is printed about them.
"""
import argparse, hashlib, http.client, json, os, random, signal, socket, sqlite3, subprocess, sys
import tempfile, threading, time, uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = json.loads((ROOT / "endpoint/examples/declaration.json").read_text(encoding="utf-8"))
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = "建国秀英桂兰明华玉梅海军文静志强红霞德福春生"


def log(*args):
    print("==>", *args, file=sys.stderr, flush=True)


def with_check_digits(first17s: list) -> list:
    """The ID numbers with their check digits, from the rules' own table (`xiangqin-rules id-number`)."""
    out = subprocess.run([str(release_bin("xiangqin-rules")), "id-number"], input="\n".join(first17s) + "\n",
                         capture_output=True, text=True, check=True).stdout
    return out.split()


def declarations(n: int, seed: int = 1):
    rng = random.Random(seed)
    first17s = ["350821" + f"{rng.randint(1950, 2005)}{rng.randint(1, 12):02}{rng.randint(1, 28):02}" + f"{rng.randint(0, 999):03}"
                for _ in range(n)]
    ids = with_check_digits(first17s)
    out = []
    for id_number in ids:
        d = json.loads(json.dumps(EXAMPLE))
        d["applicant"] = {
            "name": rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
            "id_number": id_number,
            "phone": "139" + f"{rng.randint(0, 99_999_999):08}",
        }
        d["household_size"] = rng.randint(1, 8)
        out.append(json.dumps(d, ensure_ascii=False))
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def release_bin(package: str) -> Path:
    """The release build of `package`'s binary of the same name, built if it is not there."""
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    binary = target / "release" / package
    if not binary.exists():
        log(f"cargo build --release -p {package}")
        subprocess.run(["cargo", "build", "--release", "--locked", "-p", package], cwd=ROOT, check=True)
    return binary


def endpoint_bin() -> Path:
    return release_bin("xiangqin-endpoint")


class Server:
    """The release endpoint on 127.0.0.1:port; stdout's one line says it is listening."""

    def __init__(self, database_url: str, port: int, static_dir: str, extra=()):
        self.args = [str(endpoint_bin()), "--listen", f"127.0.0.1:{port}", "--database-url", database_url,
                     "--static-dir", static_dir, "--rate-limit", "4000000000", *extra]
        self.port = port
        self.proc = None

    def start(self):
        env = dict(os.environ, RUST_LOG="warn")
        for attempt in range(50):
            self.proc = subprocess.Popen(self.args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
            line = self.proc.stdout.readline().decode()
            if "listening" in line:
                return self
            self.proc.wait()
            time.sleep(0.1)  # the port may still be held for a moment after a kill
        raise RuntimeError(f"the endpoint did not start: {' '.join(self.args)}")

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=30)


class Postgres:
    """Fresh databases on a PostgreSQL server (psql on PATH or in Debian's folder)."""

    def __init__(self, url: str):
        self.url = url.rstrip("/")
        base = self.url.rsplit("/", 1)[0]
        self.base = base
        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin/psql"))
        self.psql = "psql" if subprocess.run(["which", "psql"], capture_output=True).returncode == 0 else str(bins[-1])

    def query(self, url: str, sql: str) -> list:
        out = subprocess.run([self.psql, url, "-At", "-F", "\t", "-c", sql], check=True, capture_output=True, text=True)
        return [line.split("\t") for line in out.stdout.splitlines() if line]

    def fresh(self, name: str) -> str:
        self.query(self.url, f"DROP DATABASE IF EXISTS {name}")
        self.query(self.url, f"CREATE DATABASE {name}")
        return f"{self.base}/{name}"


def count_rows(database_url: str, pg: Postgres | None) -> int:
    if database_url.startswith("sqlite://"):
        with sqlite3.connect(database_url.removeprefix("sqlite://")) as db:
            return db.execute("SELECT count(*) FROM declarations").fetchone()[0]
    return int(pg.query(database_url, "SELECT count(*) FROM declarations")[0][0])


def throughput(args):
    work = Path(tempfile.mkdtemp(prefix="xiangqin-bench-"))
    bodies = work / "bodies.jsonl"
    bodies.write_text("\n".join(declarations(20_000)) + "\n", encoding="utf-8")
    pg_url = args.postgres_url or os.environ.get("XIANGQIN_BENCH_POSTGRES_URL")
    pg = Postgres(pg_url) if pg_url else None
    setups = [("sqlite_group", []), ("sqlite_each", ["--commit", "each"])]
    if pg:
        setups.append(("postgres", []))
    else:
        log("PostgreSQL skipped: no --postgres-url or XIANGQIN_BENCH_POSTGRES_URL")
    for name, extra in setups:
        for clients in args.clients:
            if name == "postgres":
                db_url = pg.fresh(f"xiangqin_bench_c{clients}")
            else:
                db_url = f"sqlite://{work}/{name}_c{clients}.db"
            server = Server(db_url, free_port(), str(work), extra).start()
            try:
                out = subprocess.run(
                    ["wrk", "-t", str(min(2, clients)), "-c", str(clients), "-d", f"{args.seconds}s",
                     "--timeout", "10s", "-s", str(ROOT / "bench/wrk/declarations.lua"),
                     f"http://127.0.0.1:{server.port}/api/v1/declarations"],
                    env=dict(os.environ, XQ_BODIES=str(bodies)), check=True, capture_output=True, text=True,
                ).stdout
            finally:
                server.stop()
            figures = dict(line.split() for line in out.splitlines() if line.startswith("wrk_"))
            created = int(figures["wrk_created"])
            rows = count_rows(db_url, pg)
            seconds = int(figures["wrk_duration_us"]) / 1e6
            prefix = f"endpoint_{name}_c{clients}"
            print(f"{prefix}_durable_submissions_per_s {created / seconds:.0f} req/s")
            print(f"{prefix}_latency_p50 {int(figures['wrk_p50_us']) / 1000:.2f} ms")
            print(f"{prefix}_latency_p99 {int(figures['wrk_p99_us']) / 1000:.2f} ms")
            print(f"{prefix}_acknowledged {created} count")
            print(f"{prefix}_rows_found {rows} count")
            print(f"{prefix}_other_answers {int(figures['wrk_other']) + int(figures['wrk_socket_errors'])} count", flush=True)
            if rows < created:
                sys.exit(f"{prefix}: {created} acknowledged but only {rows} rows")


def post(port: int, body: str, key: str):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("POST", "/api/v1/declarations", body=body.encode(),
                     headers={"Content-Type": "application/json", "Idempotency-Key": key})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def crash(args):
    work = Path(tempfile.mkdtemp(prefix="xiangqin-crash-"))
    pg_url = args.postgres_url or os.environ.get("XIANGQIN_BENCH_POSTGRES_URL")
    pg = Postgres(pg_url) if pg_url else None
    targets = [("sqlite", f"sqlite://{work}/crash.db")]
    if pg:
        targets.append(("postgres", pg.fresh("xiangqin_crash")))
    else:
        log("PostgreSQL skipped: no --postgres-url or XIANGQIN_BENCH_POSTGRES_URL")
    failed = False
    for name, db_url in targets:
        failed |= crash_one(name, db_url, work, args, pg)
    if failed:
        sys.exit(1)


def crash_one(name, db_url, work, args, pg) -> bool:
    # Distinct declarations, so that a row stored twice shows up by its body as well as its key.
    bodies = list(dict.fromkeys(declarations(100_000, seed=7)))
    port = free_port()
    deadline = time.monotonic() + 300  # bounded: no client retries past this
    server = Server(db_url, port, str(work)).start()
    lock = threading.Lock()
    acknowledged = {}  # Idempotency-Key -> receipt
    counts = {"sent": 0, "requests": 0, "failed_requests": 0, "replayed": 0, "unexpected": 0}
    stop_new = threading.Event()
    next_body = iter(bodies)

    def client():
        while not stop_new.is_set():
            with lock:
                body = next(next_body)
                counts["sent"] += 1
            key = str(uuid.uuid4())
            while time.monotonic() < deadline:  # retry with the same key until answered
                with lock:
                    counts["requests"] += 1
                try:
                    status, data = post(port, body, key)
                except (OSError, http.client.HTTPException):
                    with lock:
                        counts["failed_requests"] += 1
                    time.sleep(0.05)
                    continue
                if status in (200, 201):
                    with lock:
                        acknowledged[key] = json.loads(data)["receipt"]
                        counts["replayed"] += status == 200
                    break
                if status in (429, 503):
                    time.sleep(0.05)
                    continue
                with lock:
                    counts["unexpected"] += 1
                log(f"unexpected answer {status}")
                break

    threads = [threading.Thread(target=client, daemon=True) for _ in range(args.clients)]
    for t in threads:
        t.start()
    seed = args.seed if args.seed is not None else random.randrange(1 << 32)
    log(f"kill times drawn with --seed {seed}")
    rng = random.Random(seed)
    for _ in range(args.kills):
        time.sleep(rng.uniform(0.3, 2.0))
        server.kill()
        server.start()
    time.sleep(1.0)
    stop_new.set()
    for t in threads:
        t.join(timeout=max(1.0, deadline - time.monotonic()))
    server.stop()

    if db_url.startswith("sqlite://"):
        with sqlite3.connect(db_url.removeprefix("sqlite://")) as db:
            rows = db.execute("SELECT receipt, idempotency_key_hash, body_sha256 FROM declarations").fetchall()
    else:
        rows = [tuple(r) for r in pg.query(db_url, "SELECT receipt, idempotency_key_hash, body_sha256 FROM declarations")]
    by_receipt = {}
    by_key = {}
    by_body = {}
    for receipt, key_hash, body_sha in rows:
        by_receipt[receipt] = by_receipt.get(receipt, 0) + 1
        by_key[key_hash] = by_key.get(key_hash, 0) + 1
        by_body[body_sha] = by_body.get(body_sha, 0) + 1
    key_hash = lambda k: hashlib.sha256(k.encode()).hexdigest()
    found = sum(1 for k, r in acknowledged.items() if by_receipt.get(r) == 1 and by_key.get(key_hash(k)) == 1)
    lost = sum(1 for r in acknowledged.values() if r not in by_receipt)
    # Receipts and key hashes are UNIQUE columns, so the body is the check that can fail: the same
    # declaration stored twice under two keys (a retry that lost its key) would show here.
    duplicated = sum(n - 1 for n in by_body.values() if n > 1) + sum(n - 1 for n in by_key.values() if n > 1) + sum(n - 1 for n in by_receipt.values() if n > 1)
    unacknowledged_rows = len({h for h in by_key} - {key_hash(k) for k in acknowledged})
    p = f"crash_{name}"
    print(f"{p}_kills {args.kills} count")
    print(f"{p}_seed {seed} seed")
    print(f"{p}_sent {counts['sent']} count")
    print(f"{p}_requests {counts['requests']} count")
    print(f"{p}_failed_requests_retried {counts['failed_requests']} count")
    print(f"{p}_acknowledged {len(acknowledged)} count")
    print(f"{p}_acknowledged_as_replay {counts['replayed']} count")
    print(f"{p}_found {found} count")
    print(f"{p}_lost {lost} count")
    print(f"{p}_duplicated {duplicated} count")
    print(f"{p}_rows_never_acknowledged {unacknowledged_rows} count")
    print(f"{p}_unexpected_answers {counts['unexpected']} count", flush=True)
    return lost > 0 or duplicated > 0 or found != len(acknowledged) or counts["unexpected"] > 0


def mount_tmpfs(size="64m") -> Path:
    path = Path(tempfile.mkdtemp(prefix="xiangqin-faults-disk-"))
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], check=True)
    return path


def fill_disk(path: Path) -> Path:
    filler = path / "filler"
    with open(filler, "wb") as f:
        try:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        except OSError:
            pass
    return filler


class Stream:
    """Clients posting declarations without pause; every answer is noted with the phase it came in."""

    def __init__(self, ports, clients, bodies):
        self.ports = ports
        self.phase = "before"
        self.lock = threading.Lock()
        self.answers = []  # (phase, status, port)
        self.acknowledged = []  # (port, receipt)
        self.first_201_after = None
        self.cleared_at = None
        self.stop = threading.Event()
        self.next_body = iter(bodies)
        self.threads = [threading.Thread(target=self.client, args=(i,), daemon=True) for i in range(clients)]

    def client(self, i):
        port = self.ports[i % len(self.ports)]
        while not self.stop.is_set():
            with self.lock:
                body = next(self.next_body)
                phase = self.phase
            try:
                status, data = post(port, body, str(uuid.uuid4()))
            except (OSError, http.client.HTTPException):
                status, data = "no answer", b""
                time.sleep(0.05)
            with self.lock:
                self.answers.append((phase, status, port))
                if status == 201:
                    self.acknowledged.append((port, json.loads(data)["receipt"]))
                    if phase == "after" and self.first_201_after is None:
                        self.first_201_after = time.monotonic() - self.cleared_at
            if status != 201:
                time.sleep(0.05)  # as a phone would wait before trying again

    def start(self):
        for t in self.threads:
            t.start()
        return self

    def set_phase(self, phase):
        with self.lock:
            self.phase = phase
            if phase == "after":
                self.cleared_at = time.monotonic()

    def finish(self):
        self.stop.set()
        for t in self.threads:
            t.join(timeout=30)


def receipts_in(db_url, pg):
    if db_url.startswith("sqlite://"):
        with sqlite3.connect(db_url.removeprefix("sqlite://")) as db:
            return {r for (r,) in db.execute("SELECT receipt FROM declarations")}
    return {r[0] for r in pg.query(db_url, "SELECT receipt FROM declarations")}


def fault_run(name, servers, db_url, inject, args, pg=None, hold=None):
    """One fault: a stream before, during (`hold` seconds, default --seconds) and after it;
    SIGKILL; every 201 looked up."""
    bodies = list(dict.fromkeys(declarations(200_000, seed=sum(map(ord, name)))))
    stream = Stream([s.port for s in servers], args.clients, bodies).start()
    time.sleep(2)
    stream.set_phase("during")
    clear = inject()
    time.sleep(hold or args.seconds)
    clear()
    stream.set_phase("after")
    time.sleep(3)
    stream.finish()
    for s in servers:
        if s.proc.poll() is None:
            s.kill()
    found = receipts_in(db_url, pg)
    acknowledged = [r for _, r in stream.acknowledged]
    lost = [r for r in acknowledged if r not in found]
    def counts(phase):
        c = {}
        for p, status, _ in stream.answers:
            if p == phase:
                c[status] = c.get(status, 0) + 1
        return " ".join(f"{k}:{v}" for k, v in sorted(c.items(), key=lambda kv: str(kv[0])))
    p = f"faults_{name}"
    print(f"{p}_acknowledged {len(acknowledged)} count")
    print(f"{p}_found {len(acknowledged) - len(lost)} count")
    print(f"{p}_lost {len(lost)} count")
    print(f"{p}_answers_during {counts('during') or '-'} status:count")
    print(f"{p}_answers_after {counts('after') or '-'} status:count")
    first = stream.first_201_after
    print(f"{p}_first_201_after_clearing {first:.2f} s" if first is not None else f"{p}_first_201_after_clearing never s", flush=True)
    return len(lost) > 0


def faults(args):
    work = Path(tempfile.mkdtemp(prefix="xiangqin-faults-"))
    failed = False

    def on_tmpfs(extra=()):
        disk = mount_tmpfs()
        db = f"sqlite://{disk}/x.db"
        return disk, db, Server(db, free_port(), str(work), extra).start()

    for name, extra in [("sqlite_disk_full_group_commit", ()), ("sqlite_disk_full_commit_each", ("--commit", "each"))]:
        disk, db, server = on_tmpfs(extra)
        def inject(disk=disk):
            filler = fill_disk(disk)
            return lambda: filler.unlink()
        failed |= fault_run(name, [server], db, inject, args)
        subprocess.run(["umount", "-l", str(disk)], check=False)

    db = f"sqlite://{work}/readonly.db"
    server = Server(db, free_port(), str(work)).start()
    def read_only(path=Path(f"{work}/readonly.db")):
        files = [str(path), f"{path}-wal"]
        subprocess.run(["chattr", "+i", *files], check=True)
        return lambda: subprocess.run(["chattr", "-i", *files], check=True)
    failed |= fault_run("sqlite_read_only", [server], db, read_only, args)

    db = f"sqlite://{work}/locked.db"
    server = Server(db, free_port(), str(work)).start()
    def locked(path=f"{work}/locked.db"):
        shell = subprocess.Popen(["sqlite3", path], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        shell.stdin.write(".timeout 10000\nBEGIN IMMEDIATE;\nSELECT 'locked';\n")
        shell.stdin.flush()
        shell.stdout.readline()
        def release():
            shell.stdin.write("ROLLBACK;\n.quit\n")
            shell.stdin.close()
            shell.wait()
        return release
    # Held past the busy timeout (5 s), so that writers give up.
    failed |= fault_run("sqlite_locked_by_another_process", [server], db, locked, args, hold=max(args.seconds, 10))

    db = f"sqlite://{work}/moved.db"
    server = Server(db, free_port(), str(work)).start()
    def moved(path=Path(f"{work}/moved.db")):
        away = path.with_suffix(".away")
        path.rename(away)
        return lambda: away.rename(path)
    failed |= fault_run("sqlite_file_moved_away", [server], db, moved, args)

    pg_url = args.postgres_url or os.environ.get("XIANGQIN_BENCH_POSTGRES_URL")
    if pg_url:
        pg = Postgres(pg_url)
        db = pg.fresh("xiangqin_faults_restart")
        server = Server(db, free_port(), str(work)).start()
        script = str(ROOT / "scripts/postgres-test-server")
        def restart():
            subprocess.run([script, "pause"], check=True, capture_output=True)
            return lambda: subprocess.run([script, "resume"], check=True, capture_output=True)
        failed |= fault_run("postgres_stopped_and_started", [server], db, restart, args, pg)

        db = pg.fresh("xiangqin_faults_two")
        a = Server(db, free_port(), str(work)).start()
        b = Server(db, free_port(), str(work)).start()
        def kill_one():
            a.kill()
            return lambda: None
        failed |= fault_run("postgres_two_endpoints_one_killed", [a, b], db, kill_one, args, pg)
    else:
        log("PostgreSQL skipped: no --postgres-url or XIANGQIN_BENCH_POSTGRES_URL")
    if failed:
        sys.exit(1)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", choices=["throughput", "crash", "faults"])
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--clients", type=lambda s: [int(c) for c in s.split(",")], default=None)
    ap.add_argument("--kills", type=int, default=5)
    ap.add_argument("--seed", type=int, default=None, help="seed of the kill times (printed when drawn)")
    ap.add_argument("--postgres-url", default=None)
    args = ap.parse_args()
    if args.what == "throughput":
        args.clients = args.clients or [1, 16, 64]
        throughput(args)
    elif args.what == "faults":
        args.seconds = 5 if args.seconds == 10 else args.seconds
        args.clients = (args.clients or [16])[0]
        faults(args)
    else:
        args.clients = (args.clients or [16])[0]
        crash(args)


if __name__ == "__main__":
    main()
