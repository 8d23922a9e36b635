#!/usr/bin/env python3
"""Register benchmarks on a synthetic commune (stdlib only; run from the repository root).

    cargo build --release
    python3 benches/register.py --children 1000000

Measures: demo generation rate, CSV import rate, search latency through the API (p50/p99),
the register search page's server time (p50/p99), page weight, and the serving process's RSS.
Latency is measured from a client on the same machine over loopback with keep-alive.
"""
import argparse, csv, http.client, json, os, re, signal, sqlite3, subprocess, sys, time, urllib.parse

TREEM = os.path.abspath(os.path.join(os.environ.get("CARGO_TARGET_DIR", "target"), "release", "treem"))
QUERIES = ["giang a pao", "sung thi", "vang a chu", "ly thi my", "thao a su", "dang van duc",
           "lo van an", "nguyen thi anh", "mua a", "trieu thi mai", "cu a dinh", "hang thi pa",
           "lau a", "quang thi on", "ban van", "chang a lu", "ho thi dua", "tráng a", "giàng thị", "páo"]


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def run(cmd, **kw):
    t = time.time()
    out = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if out.returncode != 0:
        sys.exit(f"{cmd} failed: {out.stderr}")
    return time.time() - t, out


def rss_kb(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field):
                return int(line.split()[1])
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--children", type=int, default=1_000_000)
    ap.add_argument("--dir", default="bench-out")
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--port", type=int, default=18080)
    ap.add_argument("--skip-import", action="store_true")
    ap.add_argument("--import-only", action="store_true", help="stop after the CSV import")
    ap.add_argument("--repeat", type=int, default=1, help="import this many times (median reported)")
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    db = os.path.join(a.dir, f"demo-{a.children}.db")
    res = {}
    if not os.path.exists(db):
        secs, _ = run([TREEM, "demo", "--db", db, "--children", str(a.children), "--no-serve"])
        res["demo_generation_s"] = round(secs, 1)
        res["demo_generation_children_per_s"] = round(a.children / secs)
    # CSV import: the register of the demo written as the import template's columns.
    csv_path = os.path.join(a.dir, f"children-{a.children}.csv")
    if not os.path.exists(csv_path):
        con = sqlite3.connect(db)
        codes = dict(con.execute("select id, code from village"))
        with open(csv_path, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["Họ và tên", "Tên gọi khác", "Giới tính", "Ngày sinh", "Mã định danh", "Dân tộc",
                        "Mã thôn", "Ngày đăng ký khai sinh", "Cấp học"])
            for data, vid in con.execute("select v.data, v.village_id from child_version v join child c on c.id = v.child_id and c.version = v.version"):
                d = json.loads(data)
                dob, p = d.get("date_of_birth") or "", d.get("dob_precision")
                dob = dob[:4] if p == "year" else dob[5:7] + "/" + dob[:4] if p == "month" else "" if p in ("estimated", "unknown") else dob
                w.writerow([d["full_name"], "; ".join(d.get("aliases") or []), d["sex"], dob, d.get("personal_id") or "",
                            d.get("ethnicity") or "", codes[vid], d.get("birth_registered_on") or "", d.get("school_level") or ""])
    target = os.path.join(a.dir, "import.db")
    if a.skip_import:
        target = None
    if target:
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(target + suffix):
                os.remove(target + suffix)
        totals, writing = [], []
        for _ in range(a.repeat):
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(target + suffix):
                    os.remove(target + suffix)
            run([TREEM, "demo", "--db", target, "--children", "0", "--no-serve"])
            secs, out = run([TREEM, "import", "children", csv_path, "--db", target])
            totals.append(secs)
            m = re.search(r"trong ([0-9.]+) giây", out.stdout)
            if m:
                writing.append(float(m.group(1)))
        secs = pct(totals, 50)
        res["csv_import_s_total"] = round(secs, 1)
        res["csv_import_rows_per_s_total"] = round(a.children / secs)
        if a.repeat > 1:
            res["csv_import_s_total_all"] = [round(t, 1) for t in totals]
        if writing:
            res["csv_import_rows_per_s_writing"] = round(a.children / pct(writing, 50))
    if a.import_only:
        res["children"] = a.children
        print(json.dumps(res, indent=2, ensure_ascii=False))
        return
    # Name queries: the full names of 1,000 children picked at random, typed without accents
    # half of the time; then short prefixes that match tens of thousands (reported apart).
    con = sqlite3.connect(db)
    names = [r[0] for r in con.execute("SELECT full_name FROM child ORDER BY (id * 7919) % 1000003 LIMIT ?", (a.queries,))]
    folded = [r[0] for r in con.execute("SELECT search_text FROM child ORDER BY (id * 7919) % 1000003 LIMIT ?", (a.queries,))]
    name_queries = [n if i % 2 else f.split("  ")[0] for i, (n, f) in enumerate(zip(names, folded))]
    con.close()

    server = subprocess.Popen([TREEM, "serve", "--db", db, "--listen", f"127.0.0.1:{a.port}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                c = http.client.HTTPConnection("127.0.0.1", a.port, timeout=5)
                c.request("GET", "/healthz"); c.getresponse().read(); break
            except OSError:
                time.sleep(0.1)
        res["serve_rss_idle_kb"] = rss_kb(server.pid, "VmRSS")
        c = http.client.HTTPConnection("127.0.0.1", a.port, timeout=30)
        c.request("POST", "/api/v1/session", json.dumps({"username": "officer", "password": "demo-officer"}),
                  {"content-type": "application/json"})
        token = json.loads(c.getresponse().read())["token"]
        for label, qs in (("api_name_search", name_queries), ("api_broad_prefix", QUERIES * (a.queries // len(QUERIES)))):
            api, totals = [], []
            for q in qs:
                t = time.perf_counter()
                c.request("GET", f"/api/v1/children?q={urllib.parse.quote(q)}&per_page=50", headers={"authorization": f"Bearer {token}"})
                body = c.getresponse().read()
                api.append((time.perf_counter() - t) * 1000)
                totals.append(json.loads(body)["total"])
            res[f"{label}_ms_p50"] = round(pct(api, 50), 2)
            res[f"{label}_ms_p99"] = round(pct(api, 99), 2)
            res[f"{label}_mean_hits"] = round(sum(totals) / len(totals))
        # The web page: log in through the form, then the register search page.
        c.request("GET", "/login"); r = c.getresponse(); html = r.read().decode()
        pre = [h for h in r.getheaders() if h[0].lower() == "set-cookie" and h[1].startswith("treem_pre=")][0][1].split(";")[0]
        csrf = re.search(r'name="_csrf" value="([0-9a-f]+)"', html).group(1)
        form = urllib.parse.urlencode({"username": "officer", "password": "demo-officer", "_csrf": csrf, "next": "/"})
        c.request("POST", "/login", form, {"content-type": "application/x-www-form-urlencoded", "cookie": pre})
        r = c.getresponse(); r.read()
        cookie = [h for h in r.getheaders() if h[0].lower() == "set-cookie" and h[1].startswith("treem_session=")][0][1].split(";")[0]
        page, size = [], 0
        for q in name_queries:
            t = time.perf_counter()
            c.request("GET", f"/children?q={urllib.parse.quote(q)}", headers={"cookie": cookie})
            body = c.getresponse().read()
            page.append((time.perf_counter() - t) * 1000)
            size = max(size, len(body))
        for path in ("/children", "/"):
            t = time.perf_counter()
            c.request("GET", path, headers={"cookie": cookie}); c.getresponse().read()
            res[f"page_ms{path.replace('/', '_') or '_home'}"] = round((time.perf_counter() - t) * 1000, 1)
        c.request("GET", "/static/app.css"); css = len(c.getresponse().read())
        c.request("GET", "/static/app.js"); js = len(c.getresponse().read())
        res["register_page_ms_p50"] = round(pct(page, 50), 2)
        res["register_page_ms_p99"] = round(pct(page, 99), 2)
        res["register_page_bytes_max_html"] = size
        res["register_page_bytes_with_assets"] = size + css + js
        res["serve_rss_after_kb"] = rss_kb(server.pid, "VmRSS")
        res["serve_rss_peak_kb"] = rss_kb(server.pid, "VmHWM")
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=10)
    res["children"] = a.children
    print(json.dumps(res, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
