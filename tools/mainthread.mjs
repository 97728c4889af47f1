// The browser's main thread on a page's first load, as a slow tablet would spend it:
// Debian's Chromium with its CPU slowed down (4× by default, as Lighthouse's mobile
// profile), a fresh profile each run (nothing cached), signed in as LOGIN if given.
// Prints, per run and as medians: first contentful paint, when the page said it was
// hydrated (`data-hydrated` on <body>), every long task (> 50 ms) and their blocking time
// after the first paint (what Lighthouse's TBT sums). Steadier than Lighthouse's score
// for comparing two builds of the same page.
//   node tools/mainthread.mjs http://127.0.0.1:3000 /customers laoban
//   RUNS=7 CPU=4 WIDTH=412 HEIGHT=823 NET=slow4g node tools/mainthread.mjs BASE PATH [LOGIN]
//   NET=line …     the same line, but one the page and its service worker share (a proxy)
//   PROFILE=30 …   also the 30 functions with the most time of their own, up to hydration
//   (wasm functions are named only in a build whose wasm-opt keeps names: build the
//   front end with QUDAO_WASM_NAMES=1, see tools/bin/wasm-opt)
// (Playwright comes from end2end/: tools/setup.sh playwright browser)
import net from "node:net";
import { chromium } from "../end2end/node_modules/playwright-core/index.mjs";

const [given, path, login] = process.argv.slice(2);
if (!given || !path) {
  console.error("usage: node tools/mainthread.mjs BASE_URL PATH [LOGIN]");
  process.exit(2);
}
const runs = Number(process.env.RUNS ?? 5);
const cpu = Number(process.env.CPU ?? 4);
// the tablet in landscape by default; WIDTH=412 HEIGHT=823 is Lighthouse's phone
const width = Number(process.env.WIDTH ?? 1024);
const height = Number(process.env.HEIGHT ?? 768);
// NET=slow4g: the network slowed down as well; NET=line: slowed down by a proxy
const slow4g = process.env.NET === "slow4g";
const line = process.env.NET === "line";
const profileTop = Number(process.env.PROFILE ?? 0);
const selfTimes = new Map();

// Adds a CPU profile's time per function (its own time, not its callees') to `selfTimes`.
function addProfile(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const deltas = profile.timeDeltas;
  profile.samples.forEach((id, i) => {
    const f = byId.get(id).callFrame;
    const file = f.url.split("/").pop() || "";
    const key = `${f.functionName || "(anonymous)"} ${file}${f.url ? `:${f.lineNumber}` : ""}`;
    selfTimes.set(key, (selfTimes.get(key) ?? 0) + (deltas[i + 1] ?? 0) / 1000);
  });
}

// Recorded from the page's first script on: long tasks, paints and the hydrated mark.
const recorder = () => {
  const w = window;
  w.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) w.__longTasks.push([e.startTime, e.duration]);
  }).observe({ type: "longtask", buffered: true });
  new MutationObserver((_, o) => {
    if (document.body?.hasAttribute("data-hydrated")) {
      w.__hydratedAt = performance.now();
      o.disconnect();
    }
  }).observe(document, { attributes: true, subtree: true, attributeFilter: ["data-hydrated"] });
};

// of the runs that measured it
const median = (xs) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length ? (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2 : NaN;
};

// A slow line shared by everything the browser fetches from the server, the service
// worker's downloads included (the browser's own throttling slows one page's requests,
// each on a line of its own): a TCP proxy with Lighthouse's mobile figures, 150 ms round
// trip, 1.6 Mbit/s down and 750 kbit/s up. Each direction's bandwidth is shared fairly by
// the connections with data waiting (1 KB each in turn, as TCP flows share a link); a
// connection holds at most 64 KB in the proxy before its sender is paused; a new
// connection's requests wait one round trip more (its handshake); what a closed
// connection still held is dropped. One proxy per run: nothing of a run outlasts it.
function slowLine(host, port) {
  const rtt = 150;
  const rate = { down: 1_638_400 / 8000, up: 768_000 / 8000 }; // bytes per ms
  const lines = { down: new Set(), up: new Set() }; // the flows with bytes waiting
  const turn = { down: 0, up: 0 }; // bytes of bandwidth not used yet
  let last = Date.now();
  const sockets = new Set();
  // every 5 ms: the bandwidth of the time passed, handed out 1 KB at a time in turn (a
  // flow served goes to the back); a line with no flow ready banks nothing
  const tick = setInterval(() => {
    const now = Date.now();
    for (const dir of ["down", "up"]) {
      turn[dir] += (now - last) * rate[dir];
      for (;;) {
        const ready = [...lines[dir]].filter((f) => f.from <= now);
        if (!ready.length) {
          turn[dir] = 0;
          break;
        }
        for (const flow of ready) {
          if (turn[dir] < 1) break;
          const n = Math.min(1024, Math.floor(turn[dir]), flow.waiting[0].length);
          turn[dir] -= n;
          flow.take(n, now + rtt / 2);
          if (lines[dir].delete(flow)) lines[dir].add(flow);
        }
        if (turn[dir] < 1) break;
      }
    }
    last = now;
  }, 5);
  const server = net.createServer((client) => {
    const upstream = net.connect(port, host);
    sockets.add(client).add(upstream);
    const opened = Date.now() + rtt;
    const flow = (src, dst, dir) => {
      const f = { waiting: [], held: 0, from: dir === "up" ? opened : 0, ended: false, closed: false };
      const out = []; // [deliver at, bytes or null for the end], in order
      let timer = null;
      const flush = () => {
        timer = null;
        while (out.length && out[0][0] <= Date.now()) {
          const [, buf] = out.shift();
          if (f.closed) return;
          if (buf) dst.write(buf);
          else dst.end();
        }
        if (out.length) timer = setTimeout(flush, out[0][0] - Date.now());
      };
      const deliver = (at, buf) => {
        out.push([at, buf]);
        timer ??= setTimeout(flush, Math.max(0, at - Date.now()));
      };
      f.take = (n, at) => {
        const head = f.waiting[0];
        const piece = head.subarray(0, n);
        if (n === head.length) f.waiting.shift();
        else f.waiting[0] = head.subarray(n);
        f.held -= n;
        deliver(at, piece);
        if (f.held < 16 * 1024) src.resume();
        if (!f.waiting.length) {
          lines[dir].delete(f);
          if (f.ended) deliver(at, null);
        }
      };
      src.on("data", (buf) => {
        f.waiting.push(buf);
        f.held += buf.length;
        lines[dir].add(f);
        if (f.held > 64 * 1024) src.pause();
      });
      src.on("end", () => {
        f.ended = true;
        if (!f.waiting.length) deliver(Date.now() + rtt / 2, null);
      });
      src.on("close", () => {
        if (f.ended) return;
        f.closed = true;
        lines[dir].delete(f);
        dst.destroy();
      });
      src.on("error", () => {});
    };
    flow(client, upstream, "up");
    flow(upstream, client, "down");
    client.on("close", () => sockets.delete(client));
    upstream.on("close", () => sockets.delete(upstream));
  });
  const stop = () => {
    clearInterval(tick);
    for (const s of sockets) s.destroy();
    server.close();
  };
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, stop })));
}

const target = new URL(given);
const direct = given.replace(/\/+$/, "");

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const results = [];
try {
  for (let run = 1; run <= runs; run++) {
    const proxy = line ? await slowLine(target.hostname, Number(target.port || 80)) : null;
    const base = proxy ? `http://127.0.0.1:${proxy.server.address().port}` : direct;
    const context = await browser.newContext({ viewport: { width, height }, locale: "zh-CN" });
    let workerAt = NaN;
    // when the service worker's first download began (a first visit: it precaches the app)
    context.on("request", (r) => {
      if (r.serviceWorker() && !Number.isFinite(workerAt)) workerAt = Date.now();
    });
    if (login) {
      // the sign-in limiter may ask to wait after many sign-ins
      for (let i = 0; ; i++) {
        const r = await context.request.post(`${base}/api/login`, {
          data: { login, password: process.env.PASSWORD ?? "qudao2026" },
          headers: { origin: base },
        });
        if (r.ok()) break;
        if (i === 30) throw new Error(`sign-in as ${login}: HTTP ${r.status()}`);
        await new Promise((res) => setTimeout(res, 1000));
      }
    }
    const page = await context.newPage();
    await page.addInitScript(recorder);
    const cdp = await context.newCDPSession(page);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: cpu });
    if (slow4g) {
      // the line Lighthouse's mobile profile simulates (150 ms round trip, 1.6 Mbit/s
      // down, 750 kbit/s up), here applied to each of the page's requests (Lighthouse's
      // own applied preset adds 562.5 ms a request instead, standing for connection
      // set-up this does not model; the service worker's downloads are not slowed: NET=line)
      await cdp.send("Network.enable");
      await cdp.send("Network.emulateNetworkConditions", {
        offline: false, latency: 150, downloadThroughput: 1_638_400 / 8, uploadThroughput: 768_000 / 8,
      });
    }
    if (profileTop) {
      await cdp.send("Profiler.enable");
      await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
      await cdp.send("Profiler.start");
    }
    const startedAt = Date.now();
    await page.goto(`${base}${path}`);
    await page.locator("body[data-hydrated]").waitFor({ timeout: 60_000 });
    if (profileTop) addProfile((await cdp.send("Profiler.stop")).profile);
    await page.waitForLoadState("networkidle");
    await page.waitForTimeout(1000);
    const r = await page.evaluate(() => ({
      fcp: performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? NaN,
      hydrated: window.__hydratedAt ?? NaN,
      tasks: window.__longTasks,
    }));
    // as Lighthouse counts it: a task running when the first paint came counts from there
    const blocking = Number.isFinite(r.fcp)
      ? r.tasks.reduce((sum, [start, d]) => sum + Math.max(0, start + d - Math.max(start, r.fcp) - 50), 0)
      : NaN;
    results.push({ ...r, blocking, worker: workerAt - startedAt });
    const tasks = r.tasks.map(([s, d]) => `${Math.round(s)}+${Math.round(d)}`).join(" ");
    console.log(`run ${run}: FCP ${Math.round(r.fcp)} ms, hydrated ${Math.round(r.hydrated)} ms, blocking ${Math.round(blocking)} ms, service worker's first download ${Math.round(workerAt - startedAt)} ms; long tasks (start+ms): ${tasks}`);
    await context.close();
    proxy?.stop();
  }
} finally {
  await browser.close();
}
console.log(
  `${path} (CPU ${cpu}×${slow4g ? ", slow 4G" : line ? ", slow 4G line shared with the service worker" : ""}, median of ${runs}): FCP ${Math.round(median(results.map((r) => r.fcp)))} ms, ` +
    `hydrated ${Math.round(median(results.map((r) => r.hydrated)))} ms, ` +
    `blocking ${Math.round(median(results.map((r) => r.blocking)))} ms, ` +
    `longest task ${Math.round(median(results.map((r) => Math.max(0, ...r.tasks.map(([, d]) => d)))))} ms`,
);
if (profileTop) {
  console.log(`time of their own up to hydration, ms per run (${runs} runs):`);
  selfTimes.delete("(idle) ");
  const total = [...selfTimes.values()].reduce((a, b) => a + b, 0);
  for (const [name, ms] of [...selfTimes].sort((a, b) => b[1] - a[1]).slice(0, profileTop)) {
    console.log(`${(ms / runs).toFixed(1).padStart(8)}  ${name}`);
  }
  console.log(`${(total / runs).toFixed(1).padStart(8)}  (all but idle)`);
}
