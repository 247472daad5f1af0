#!/usr/bin/env python3
"""The home page's web vitals on a throttled phone: largest contentful paint (LCP), cumulative layout shift
(CLS) and the JavaScript the first screen needs, gzipped.

    .venv/bin/python bench/ui_vitals.py [--path /] [--width 375] [--runs 3] [--dist frontend/dist] [--verbose]
                                        [--trace /tmp/vitals]

Serves --dist (build it first: make ui) and the API with the demo catalogue (loaded once into --data-dir) from a
local server, as bench/first_load.py does, and opens the page in headless Chromium at 375 x 812 with an empty
cache and no service worker, the CPU slowed 4x (Emulation.setCPUThrottlingRate) and the network shaped like
Lighthouse's "slow 4G" (Network.emulateNetworkConditions: 562.5 ms round trip, 1.47 Mbit/s down, 675 kbit/s
up). PerformanceObservers registered before any script of the page runs collect largest-contentful-paint and
layout-shift entries (CLS here sums every shift without recent input, as the page load's one session window
does); the reading is taken once the network has been quiet for 2 s. "Initial JS" is every script the page
loaded by then, gzipped at level 9 from the files in --dist (the wire bytes are Brotli and are printed too).
Prints the median of --runs runs and each run; --verbose adds each LCP candidate (the element, its area, its
image), each layout shift and each request (sent, first byte, end in ms from navigation, and its size on the
wire), to read the chain of round trips before the paint. --trace FILE records each run's Chrome trace (FILE.<n>.json,
for chrome://tracing or DevTools) and prints where the main thread's time went until the LCP: busy time, and
the thread's CPU time (steadier than wall time on a shared machine, so the figure to compare builds on), the
CPU from the first script's evaluation to the LCP (the part of the LCP the CPU decides), work by kind (script, style, layout, paint) in both, the layout passes and their layout objects, the font look-ups,
new font strikes and fallback searches, self time per trace event, the long tasks, and the JavaScript functions
with the most self time (the V8 profiler's samples; recording costs some CPU, so take the LCP figures without
it).
docs/benchmarks.md records the figures.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
import logging
import statistics
import sys
import threading
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "backend")]

from playwright.sync_api import sync_playwright  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from ticketshow import create_app  # noqa: E402
from ticketshow.config import Settings  # noqa: E402

# Lighthouse's simulated "slow 4G" as DevTools applies it (bytes per second for the throughputs).
SLOW_4G = {
    "offline": False,
    "latency": 562.5,
    "downloadThroughput": 1474.56 * 1024 / 8,
    "uploadThroughput": 675 * 1024 / 8,
}
CPU_SLOWDOWN = 4

OBSERVERS = """
window.__vitals = { lcp: 0, cls: 0, shifts: [], candidates: [] };
const describe = (node) => {
  if (!node) return '(removed)';
  const classes = typeof node.className === 'string' && node.className ? '.' + node.className.trim().split(/\\s+/).join('.') : '';
  return node.nodeName.toLowerCase() + classes;
};
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    window.__vitals.lcp = entry.renderTime || entry.loadTime || entry.startTime;
    window.__vitals.candidates.push({
      at: window.__vitals.lcp,
      size: entry.size,
      element: describe(entry.element),
      url: entry.url ? new URL(entry.url).pathname : '',
      loaded: entry.loadTime || 0,
    });
  }
}).observe({ type: 'largest-contentful-paint', buffered: true });
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (entry.hadRecentInput) continue;
    window.__vitals.cls += entry.value;
    window.__vitals.shifts.push({
      value: entry.value,
      at: entry.startTime,
      nodes: (entry.sources || []).map((s) => s.node ? (s.node.className || s.node.nodeName) + '' : '?'),
    });
  }
}).observe({ type: 'layout-shift', buffered: true });
"""


def serve(data_dir: Path, redis_url: str, dist: Path):
    settings = dataclasses.replace(
        Settings.from_env(data_dir=data_dir, redis_url=redis_url, demo_data=True, admin_password="bench-Passw0rd-1st"),
        ui_dist=dist,
    )
    app = create_app(settings)
    # the figures, not a line per request
    logging.getLogger("ticketshow.access").setLevel(logging.WARNING)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    if not (data_dir / "ticketshow.sqlite3").exists():
        result = app.test_cli_runner().invoke(args=["prepare"])
        assert result.exit_code == 0, result.output
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


# What the renderer's main thread did (Chrome trace categories): tasks, script, style, layout, paint, and the
# JavaScript profiler's samples, to say where the time between the data's arrival and the paint goes.
TRACE_CATEGORIES = [
    "devtools.timeline",
    "disabled-by-default-devtools.timeline",
    "v8.execute",
    "blink.user_timing",
    "loading",
    "toplevel",
    "disabled-by-default-v8.cpu_profiler",
    "fonts",
]


# Trace events by the kind of work (self time), for a line that two builds can be compared on.
WORK_GROUPS = {
    "script": {
        "v8.evaluateModule",
        "EvaluateScript",
        "FunctionCall",
        "RunMicrotasks",
        "V8.BytecodeBudgetInterrupt",
        "V8.BytecodeBudgetInterruptWithStackCheck",
        "V8.HandleInterrupts",
        "V8.StackGuard",
        "EventDispatch",
        "TimerFire",
        "FireAnimationFrame",
        "v8.compile",
        "v8.compileModule",
        "V8.GC_SCAVENGER",
        "MinorGC",
        "MajorGC",
        "V8.GC_SCAVENGER_SCAVENGE_PARALLEL_PHASE",
        "BlinkScheduler_PerformMicrotaskCheckpoint",
    },
    "style": {"UpdateLayoutTree", "ParseAuthorStyleSheet", "RecalculateStyles"},
    "layout": {"Layout", "FontCache::GetFontPlatformData", "FontCache::FallbackFontForCharacter"},
    "paint": {"Paint", "PrePaint", "Commit", "PaintImage", "Decode Image", "Layerize", "UpdateLayer"},
}
# The renderer's font work (category "fonts"): each look-up of a family at a size and style, each new strike's
# rendering settings asked of the browser process (Linux), and each search for a font holding a character.
FONT_EVENTS = {
    "FontCache::GetFontPlatformData": "look-ups",
    "WebSandboxSupportLinux::GetWebFontRenderStyleForStrike": "strikes",
    "FontCache::FallbackFontForCharacter": "fallbacks",
}


def measure(browser, url: str, width: int, dist: Path, trace: Path | None = None) -> dict:
    context = browser.new_context(
        viewport={"width": width, "height": 812}, is_mobile=True, has_touch=True, service_workers="block"
    )
    page = context.new_page()
    page.add_init_script(OBSERVERS)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", SLOW_4G)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    scripts: dict[str, str] = {}
    wire: dict[str, int] = {}
    cdp.on(
        "Network.responseReceived",
        lambda e: e["type"] == "Script" and scripts.__setitem__(e["requestId"], e["response"]["url"]),
    )
    cdp.on(
        "Network.loadingFinished",
        lambda e: e["requestId"] in scripts and wire.__setitem__(e["requestId"], e["encodedDataLength"]),
    )
    requests: dict[str, dict] = {}
    cdp.on(
        "Network.requestWillBeSent",
        lambda e: requests.setdefault(e["requestId"], {"url": e["request"]["url"], "sent": e["timestamp"]}),
    )
    cdp.on(
        "Network.responseReceived",
        lambda e: e["requestId"] in requests and requests[e["requestId"]].update(first_byte=e["timestamp"]),
    )
    cdp.on(
        "Network.loadingFinished",
        lambda e: (
            e["requestId"] in requests
            and requests[e["requestId"]].update(done=e["timestamp"], bytes=e["encodedDataLength"])
        ),
    )
    if trace:
        browser.start_tracing(page=page, categories=TRACE_CATEGORIES)
    page.goto(url, wait_until="networkidle", timeout=120_000)
    # On a loaded machine the network can go quiet before the first paint: wait for one (polled from here:
    # wait_for_function evaluates a string, which the page's CSP forbids).
    for _ in range(240):
        if page.evaluate("window.__vitals.lcp") > 0:
            break
        page.wait_for_timeout(250)
    page.wait_for_timeout(2000)
    vitals = page.evaluate("window.__vitals")
    if trace:
        trace.parent.mkdir(parents=True, exist_ok=True)
        trace.write_bytes(browser.stop_tracing())
    # CDP timestamps are seconds on a monotonic clock; the page's own clock starts at navigation.
    start = min((r["sent"] for r in requests.values()), default=0)
    timeline = [
        {
            "path": urlparse(r["url"]).path + (f"?{urlparse(r['url']).query}" if urlparse(r["url"]).query else ""),
            "sent_ms": (r["sent"] - start) * 1000,
            "first_byte_ms": (r.get("first_byte", r["sent"]) - start) * 1000,
            "done_ms": (r.get("done", r["sent"]) - start) * 1000,
            "bytes": r.get("bytes", 0),
        }
        for r in sorted(requests.values(), key=lambda r: r["sent"])
        if not r["url"].startswith("data:")
    ]
    context.close()
    gzipped = 0
    for script_url in scripts.values():
        file = dist / urlparse(script_url).path.lstrip("/")
        if file.is_file():
            gzipped += len(gzip.compress(file.read_bytes(), compresslevel=9))
    return {
        "lcp_ms": vitals["lcp"],
        "cls": vitals["cls"],
        "shifts": vitals["shifts"],
        "candidates": vitals["candidates"],
        "js_gzip": gzipped,
        "js_wire": sum(wire.values()),
        "scripts": len(scripts),
        "timeline": timeline,
    }


def trace_summary(trace_bytes: bytes, until_ms: float, top: int = 20) -> list[str]:
    """Lines telling where the page's main thread spent its time from navigation to `until_ms` (the LCP): busy
    time, self time per trace event name (script evaluation, style, layout, paint...), the long tasks, and the
    JavaScript functions with the most self time from the profiler's samples. All in the throttled CPU's ms."""
    events = json.loads(trace_bytes)
    events = events["traceEvents"] if isinstance(events, dict) else events
    navigations = [
        e
        for e in events
        if e.get("name") == "navigationStart"
        and str(e.get("args", {}).get("data", {}).get("documentLoaderURL", "")).startswith("http")
    ]
    if not navigations:
        return ["  (no navigation in the trace)"]
    nav = navigations[-1]
    pid, start = nav["pid"], nav["ts"]
    end = start + until_ms * 1000
    mains = [
        e["tid"]
        for e in events
        if e.get("ph") == "M"
        and e.get("name") == "thread_name"
        and e["pid"] == pid
        and e["args"].get("name") == "CrRendererMain"
    ]
    tid = mains[0] if mains else nav["tid"]
    spans = sorted(
        (e for e in events if e.get("ph") == "X" and e["pid"] == pid and e["tid"] == tid and "dur" in e),
        key=lambda e: (e["ts"], -e["dur"]),
    )
    self_time: dict[str, float] = defaultdict(float)
    # The same in the thread's CPU time ("tdur"): what the work itself cost, without the time the thread waited
    # for a core (the machine's load) or was paused by the CPU throttling; steadier between runs than wall time.
    self_cpu: dict[str, float] = defaultdict(float)
    tasks = []
    stack: list[list] = []  # [event, wall time taken by its children, CPU time taken by its children]

    def close(until: float) -> None:
        while stack and stack[-1][0]["ts"] + stack[-1][0]["dur"] <= until:
            event, children, children_cpu = stack.pop()
            own = max(0.0, event["dur"] - children)
            own_cpu = max(0.0, event.get("tdur", 0) - children_cpu)
            lo, hi = max(event["ts"], start), min(event["ts"] + event["dur"], end)
            if hi > lo and event["dur"]:
                self_time[event["name"]] += own * (hi - lo) / event["dur"]
                self_cpu[event["name"]] += own_cpu * (hi - lo) / event["dur"]
            if stack:
                stack[-1][1] += event["dur"]
                stack[-1][2] += event.get("tdur", 0)
            else:
                tasks.append(event)

    for event in spans:
        close(event["ts"])
        stack.append([event, 0.0, 0.0])
    close(float("inf"))
    busy = sum(max(0.0, min(t["ts"] + t["dur"], end) - max(t["ts"], start)) for t in tasks)
    lines = [
        f"  main thread busy {busy / 1000:.0f} ms of the first {until_ms:.0f} ms "
        f"({sum(self_cpu.values()) / 1000:.0f} ms of its CPU time)"
    ]
    for label, table in (("wall", self_time), ("CPU", self_cpu)):
        groups: dict[str, float] = defaultdict(float)
        for name, micros in table.items():
            groups[next((group for group, names in WORK_GROUPS.items() if name in names), "other")] += micros
        lines.append(
            f"  by kind ({label}): "
            + ", ".join(f"{group} {groups[group] / 1000:.0f} ms" for group in [*WORK_GROUPS, "other"])
        )
    # The window the LCP waits on once the network is done: from the first script's evaluation to the paint.
    evaluations = [e["ts"] for e in spans if e["name"] == "v8.evaluateModule" and e["dur"] >= 20_000]
    if evaluations:
        script_at = min(evaluations)
        window_cpu = sum(
            t.get("tdur", 0) * (min(t["ts"] + t["dur"], end) - max(t["ts"], script_at)) / t["dur"]
            for t in tasks
            if t["dur"] and t["ts"] + t["dur"] > script_at and t["ts"] < end
        )
        lines.append(
            f"  from the first script's evaluation ({(script_at - start) / 1000:.0f} ms) to the LCP: "
            f"{(end - script_at) / 1000:.0f} ms, {window_cpu / 1000:.0f} ms of CPU"
        )
    layouts = [e for e in spans if e["name"] == "Layout" and start <= e["ts"] < end]
    lines.append(
        f"  layout: {len(layouts)} passes, {sum(e.get('tdur', 0) for e in layouts) / 1000:.0f} ms CPU, "
        f"{max((e['args'].get('beginData', {}).get('totalObjects', 0) for e in layouts), default=0)} layout "
        "objects at the most"
    )
    fonts = [e for e in spans if e["name"] in FONT_EVENTS and start <= e["ts"] < end]
    lines.append(
        "  fonts: "
        + ", ".join(
            f"{sum(1 for e in fonts if e['name'] == name)} {label} "
            f"({sum(e['dur'] for e in fonts if e['name'] == name) / 1000:.0f} ms wall, "
            f"{sum(e.get('tdur', 0) for e in fonts if e['name'] == name) / 1000:.0f} ms CPU)"
            for name, label in FONT_EVENTS.items()
        )
    )
    lines.append("  self time by event:")
    for name, micros in sorted(self_time.items(), key=lambda kv: -kv[1])[:top]:
        if micros >= 1000:
            lines.append(f"    {micros / 1000:7.1f} ms  {name}")
    lines.append("  tasks over 30 ms (start → end, ms from navigation):")
    for task in tasks:
        if task["dur"] >= 30_000 and task["ts"] < end:
            lines.append(
                f"    {(task['ts'] - start) / 1000:7.0f} → {(task['ts'] + task['dur'] - start) / 1000:7.0f}"
                f"  {task['dur'] / 1000:6.1f} ms"
            )
    lines.extend(_profile_lines(events, pid, start, end, top))
    return lines


def _profile_lines(events: list, pid: int, start: float, end: float, top: int) -> list[str]:
    """Self time per JavaScript function (the V8 sampling profiler's chunks in the trace) in [start, end)."""
    profiles: dict[str, dict] = {}
    for e in events:
        if e.get("pid") != pid or e.get("name") not in ("Profile", "ProfileChunk"):
            continue
        profile = profiles.setdefault(e["id"], {"start": None, "nodes": {}, "samples": [], "deltas": []})
        data = e.get("args", {}).get("data", {})
        if e["name"] == "Profile":
            profile["start"] = data.get("startTime")
            continue
        cpu = data.get("cpuProfile", {})
        for node in cpu.get("nodes", []):
            profile["nodes"][node["id"]] = node["callFrame"]
        profile["samples"].extend(cpu.get("samples", []))
        profile["deltas"].extend(data.get("timeDeltas", []))
    per_function: dict[str, float] = defaultdict(float)
    for profile in profiles.values():
        if profile["start"] is None:
            continue
        at = profile["start"]
        samples, deltas = profile["samples"], profile["deltas"]
        for n, node_id in enumerate(samples):
            at += deltas[n]
            took = deltas[n + 1] if n + 1 < len(deltas) else 0
            if not start <= at < end:
                continue
            frame = profile["nodes"].get(node_id, {})
            url = frame.get("url", "").rsplit("/", 1)[-1]
            where = f"{url}:{frame.get('lineNumber', 0) + 1}:{frame.get('columnNumber', 0) + 1}" if url else ""
            per_function[f"{frame.get('functionName') or '(anonymous)'} {where}".strip()] += took
    if not per_function:
        return []
    lines = ["  JavaScript self time by function (profiler samples):"]
    for name, micros in sorted(per_function.items(), key=lambda kv: -kv[1])[:top]:
        lines.append(f"    {micros / 1000:7.1f} ms  {name[:110]}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--path", default="/")
    parser.add_argument("--width", type=int, default=375)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dist", type=Path, default=ROOT / "frontend" / "dist")
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/ticketshow-ui-vitals"))
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--verbose", action="store_true", help="list each layout shift and each request's timing")
    parser.add_argument(
        "--trace",
        type=Path,
        help="write each run's Chrome trace as TRACE.<n>.json and print where the main thread's time went",
    )
    args = parser.parse_args()
    args.data_dir.mkdir(parents=True, exist_ok=True)
    server = serve(args.data_dir, args.redis_url, args.dist.resolve())
    runs = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            url = f"http://127.0.0.1:{server.server_port}{args.path}"
            for n in range(1, args.runs + 1):
                trace = args.trace.with_suffix(f".{n}.json") if args.trace else None
                runs.append(measure(browser, url, args.width, args.dist.resolve(), trace))
                if trace:
                    runs[-1]["trace"] = trace_summary(trace.read_bytes(), runs[-1]["lcp_ms"])
            browser.close()
    finally:
        server.shutdown()
    for n, run in enumerate(runs, 1):
        print(f"run {n}: LCP {run['lcp_ms']:7.0f} ms  CLS {run['cls']:.3f}  JS {run['js_gzip'] / 1024:.1f} KB gzip")
        if args.verbose:
            for candidate in run["candidates"]:
                print(
                    f"    LCP candidate at {candidate['at']:.0f} ms: {candidate['element']} "
                    f"{candidate['size']:.0f} px² {candidate['url']}"
                    + (f" (loaded at {candidate['loaded']:.0f} ms)" if candidate["loaded"] else "")
                )
            for shift in run["shifts"]:
                print(f"    shift {shift['value']:.4f} at {shift['at']:.0f} ms: {shift['nodes']}")
            for r in run["timeline"]:
                print(
                    f"    {r['sent_ms']:6.0f} → {r['first_byte_ms']:6.0f} → {r['done_ms']:6.0f} ms "
                    f"{r['bytes'] / 1024:6.1f} KB  {r['path'][:90]}"
                )
        for line in run.get("trace", []):
            print(line)
    print(
        f"median of {len(runs)} at {args.width} px, CPU {CPU_SLOWDOWN}x, slow 4G, {args.path}:\n"
        f"  LCP        {statistics.median(r['lcp_ms'] for r in runs):8.0f} ms\n"
        f"  CLS        {statistics.median(r['cls'] for r in runs):8.3f}\n"
        f"  initial JS {statistics.median(r['js_gzip'] for r in runs) / 1024:8.1f} KB gzipped "
        f"({statistics.median(r['scripts'] for r in runs):.0f} scripts, "
        f"{statistics.median(r['js_wire'] for r in runs) / 1024:.1f} KB on the wire)"
    )


if __name__ == "__main__":
    main()
