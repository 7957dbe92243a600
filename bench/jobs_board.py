#!/usr/bin/env python3
"""Job questions with 15, 1,000 and 10,000 offers (the job board, issue 21).

For each size (BENCH_JOBS_SIZES, default "15,1000,10000": 15 is the
sample data/jobs.json, the others rss_load.py's synthetic offers), a
gateway with the sample programmes and that many offers, then:

- the whole `gatewayctl simulate` of each job question in
  workload.JOB_QUESTIONS (lists, filters, pages, DK VIEC, UT by
  description), BENCH_JOBS_RUNS times each (default 5): wall time and CPU
  (user + system, from wait4) of the process, median per question, then
  the median over the questions; HELP the same way, a question that reads
  no offer, for what a simulate costs anyway;
- the answer alone, in one process on one core: `bench_progsearch
  --programs 0 --jobs N --intent job` (the fixture's job questions,
  handler + queueing + commit), CPU median and p95.

Prints a table and writes bench/results/jobs_board.json. Nothing is
asserted: the issue's bar (a job question's whole simulate with 10,000
offers at most twice the time with the sample) is read off the table.
"""
import os
import resource
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402
import rss_load  # noqa: E402
import workload  # noqa: E402
from benchlib import fmt  # noqa: E402

PROGSEARCH = os.path.join(benchlib.BUILD, "bin", "bench_progsearch")
AT = "2025-12-10 09:00"


def simulate(conf, text, runs):
    """Median wall and CPU ms of `gatewayctl simulate text` over runs."""
    walls, cpus = [], []
    for _ in range(runs):
        t = time.monotonic()
        p = subprocess.Popen([benchlib.GATEWAYCTL, "-c", conf, "simulate", "--from", "+84900000042",
                              "--at", AT, text], stdout=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)
        walls.append((time.monotonic() - t) * 1000)
        cpus.append((ru.ru_utime + ru.ru_stime) * 1000)
        if status != 0:
            raise RuntimeError("simulate %r failed (%d)" % (text, status))
    return benchlib.median(walls), benchlib.median(cpus)


def in_process(n):
    """bench_progsearch's answer CPU for the fixture's job questions."""
    if not os.path.exists(PROGSEARCH):
        return None
    p = subprocess.run(["taskset", "-c", "0", PROGSEARCH, "--programs", "0", "--jobs",
                        "0" if n == 15 else str(n), "--intent", "job", "--rounds", "5"],
                       cwd=benchlib.TOP, capture_output=True, text=True)
    if p.returncode != 0:
        return None
    res = {}
    for line in p.stdout.splitlines():
        if line.startswith("answer CPU ms:"):
            w = line.split()
            res = {"median": float(w[4]), "p95": float(w[6]), "max": float(w[8])}
    return res or None


def one(n, runs):
    wd = benchlib.new_workdir("bench-jobs-")
    try:
        g = benchlib.make_gateway(wd, content=(n == 15))
        if n != 15:
            benchlib.ctl(g["conf"], "import", "programs", os.path.join(benchlib.TOP, "data",
                                                                       "programs.json"))
            _, jp = rss_load.synthetic(0, n, wd)
            benchlib.ctl(g["conf"], "import", "jobs", jp, timeout=3600)
        res = {"offers": n, "questions": {}}
        for q in workload.JOB_QUESTIONS + ["HELP"]:
            w, c = simulate(g["conf"], q, runs)
            res["questions"][q] = {"wall_ms": round(w, 1), "cpu_ms": round(c, 1)}
        jq = [res["questions"][q] for q in workload.JOB_QUESTIONS]
        res["job_wall_ms"] = round(benchlib.median([x["wall_ms"] for x in jq]), 1)
        res["job_cpu_ms"] = round(benchlib.median([x["cpu_ms"] for x in jq]), 1)
        res["job_wall_ms_max"] = max(x["wall_ms"] for x in jq)
        res["answer_cpu_ms"] = in_process(n)
        return res
    finally:
        benchlib.remove_workdir(wd)


def main():
    sizes = [int(x) for x in os.environ.get("BENCH_JOBS_SIZES", "15,1000,10000").split(",")]
    runs = benchlib.env_int("BENCH_JOBS_RUNS", 5)
    benchlib.need([benchlib.GATEWAYCTL])
    out, rows = [], []
    for n in sizes:
        benchlib.log("jobs board: %d offers" % n)
        r = one(n, runs)
        out.append(r)
        a = r["answer_cpu_ms"] or {}
        rows.append([n, fmt(r["job_wall_ms"], "%.1f"), fmt(r["job_cpu_ms"], "%.1f"),
                     fmt(r["job_wall_ms_max"], "%.1f"), fmt(r["questions"]["HELP"]["wall_ms"], "%.1f"),
                     "%s / %s" % (fmt(a.get("median"), "%.2f"), fmt(a.get("p95"), "%.2f"))])
    base = out[0]["job_wall_ms"] if out else None
    for r in out:
        r["wall_vs_first"] = round(r["job_wall_ms"] / base, 2) if base else None
    benchlib.print_table("job questions (%d: %s), medians of %d runs"
                         % (len(workload.JOB_QUESTIONS), ", ".join(workload.JOB_QUESTIONS[:3]) + ", ...",
                            runs),
                         ["offers", "simulate wall ms", "simulate CPU ms", "slowest question ms",
                          "HELP wall ms", "answer alone CPU ms median / p95"], rows)
    path = benchlib.write_result("jobs_board", {"runs": runs, "sizes": out,
                                                "questions": workload.JOB_QUESTIONS})
    print("  -> %s" % os.path.relpath(path, benchlib.TOP))
    return 0


if __name__ == "__main__":
    sys.exit(main())
