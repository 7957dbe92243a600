#!/usr/bin/env python3
"""Peak memory of gatewayd with a large knowledge base.

Generates synthetic content in a temporary folder - BENCH_RSS_PROGRAMS
programs (default 10,000) and BENCH_RSS_JOBS job offers (default 10,000),
clones of the sample records in data/ with unique codes, titles and one
extra keyword each - imports them with gatewayctl (timed), then runs the
optimised gatewayd on the dummy phone answering BENCH_RSS_MESSAGES
(default 300) two-part UCS-2 questions and a tenth as many job questions
(workload.JOB_QUESTIONS: lists, filters, pages) written before it starts, and
reads its peak resident set size (VmHWM, see benchlib.Child) once every
question has a reply. The same run on the sample content (30 programs,
15 jobs) is the baseline.

Prints a table and writes bench/results/rss_load.json.
"""
import copy
import json
import os
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402
import workload  # noqa: E402
from benchlib import fmt  # noqa: E402


def synthetic(n_programs, n_jobs, outdir):
    with open(os.path.join(benchlib.TOP, "data", "programs.json")) as f:
        progs = json.load(f)
    with open(os.path.join(benchlib.TOP, "data", "jobs.json")) as f:
        jobs = json.load(f)
    base_p, base_j = progs["programs"], jobs["jobs"]
    out_p = []
    for i in range(n_programs):
        p = copy.deepcopy(base_p[i % len(base_p)])
        p["code"] = "SYN-%05d" % i
        p["title_vi"] = "%s (bản %d)" % (p["title_vi"], i)
        if "title_en" in p:
            p["title_en"] = "%s (copy %d)" % (p["title_en"], i)
        p["keywords"] = list(p.get("keywords", [])) + ["ma so %d" % i]
        out_p.append(p)
    out_j = []
    for i in range(n_jobs):
        j = copy.deepcopy(base_j[i % len(base_j)])
        j["id"] = "JOB-SYN-%05d" % i
        j["title"] = "%s (đợt %d)" % (j["title"], i)
        j["keywords"] = list(j.get("keywords", [])) + ["dot %d" % i]
        out_j.append(j)
    progs = dict(progs, programs=out_p)
    jobs = dict(jobs, jobs=out_j)
    pp, jp = os.path.join(outdir, "programs.json"), os.path.join(outdir, "jobs.json")
    with open(pp, "w") as f:
        json.dump(progs, f, ensure_ascii=False)
    with open(jp, "w") as f:
        json.dump(jobs, f, ensure_ascii=False)
    return pp, jp


def one(label, n_programs, n_jobs, n_msgs, timeout):
    wd = benchlib.new_workdir("bench-rss-")
    try:
        g = benchlib.make_gateway(wd, content=(n_programs == 0))
        res = {"content": label}
        if n_programs:
            pp, jp = synthetic(n_programs, n_jobs, wd)
            t = time.monotonic()
            benchlib.ctl(g["conf"], "import", "programs", pp, timeout=3600)
            res["import_programs_s"] = round(time.monotonic() - t, 2)
            t = time.monotonic()
            benchlib.ctl(g["conf"], "import", "jobs", jp, timeout=3600)
            res["import_jobs_s"] = round(time.monotonic() - t, 2)
        c = benchlib.sqlite3.connect(g["db"])
        try:
            res["programs"] = c.execute("SELECT count(*) FROM programs").fetchone()[0]
            res["jobs"] = c.execute("SELECT count(*) FROM jobs").fetchone()[0]
        finally:
            c.close()
        res["db_mib"] = round(os.path.getsize(g["db"]) / 1048576, 1)
        msgs = workload.messages(n_msgs, seed=77) + workload.job_messages(n_msgs // 10)
        n_msgs = len(msgs)
        written = workload.inject_all(g["phone"], msgs)
        child = benchlib.Child([benchlib.GATEWAYD, "-f", "-c", g["conf"]],
                               benchlib.capture_env(g["capture"]), os.path.join(wd, "daemon.log"))
        fol = benchlib.CaptureFollower(g["capture"])
        end = time.monotonic() + timeout
        while time.monotonic() < end and child.alive():
            fol.poll()
            if len({m["to"] for m in fol.done} & set(written)) >= n_msgs:
                break
            time.sleep(0.05)
        res.update(child.stop())
        fol.poll()
        got = {m["to"]: m for m in fol.done if m["to"] in written}
        res["messages"] = n_msgs
        res["replies"] = len(got)
        last = max((m["sent_at_ns"] for m in got.values()), default=None)
        res["total_s"] = round((last - child.started_ns) / 1e9, 2) if last else None
        res.update(benchlib.inbox_outcome(g["db"]))
        return res
    finally:
        benchlib.remove_workdir(wd)


def main():
    n_p = benchlib.env_int("BENCH_RSS_PROGRAMS", 10000)
    n_j = benchlib.env_int("BENCH_RSS_JOBS", 10000)
    n_m = benchlib.env_int("BENCH_RSS_MESSAGES", 300)
    timeout = benchlib.env_int("BENCH_TIMEOUT", 300)
    benchlib.need([benchlib.GATEWAYD, benchlib.GATEWAYCTL, benchlib.CAPTURE])
    rows, out = [], []
    for label, p, j in (("sample (data/)", 0, 0), ("%d programs + %d jobs" % (n_p, n_j), n_p, n_j)):
        benchlib.log("rss: %s" % label)
        r = one(label, p, j, n_m, timeout)
        benchlib.log("  %s" % json.dumps({k: v for k, v in r.items() if k != "content"}))
        out.append(r)
        rows.append([label, r.get("programs"), r.get("jobs"), fmt(r.get("db_mib"), "%.1f"),
                     fmt(r.get("import_programs_s"), "%.1f"), fmt(r.get("import_jobs_s"), "%.1f"),
                     "%d/%d" % (r["replies"], r["messages"]), fmt(r.get("max_rss_kib") and r["max_rss_kib"] / 1024,
                                                      "%.1f")])
    benchlib.print_table("gatewayd peak memory answering %d questions and %d job questions"
                         % (n_m, n_m // 10),
                         ["content", "programs", "jobs", "db MiB", "import programs s",
                          "import jobs s", "replies", "max RSS MiB"], rows)
    path = benchlib.write_result("rss_load", {"messages": n_m, "runs": out})
    print("  -> %s" % os.path.relpath(path, benchlib.TOP))
    return 0


if __name__ == "__main__":
    sys.exit(main())
