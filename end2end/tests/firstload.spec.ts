import { expect, test, type Browser, type Page } from "@playwright/test";
import * as fs from "node:fs";
import * as path from "node:path";
import { hydrated, newDevice } from "./helpers";

// What a tablet on 4G downloads before a page works. The sign-in page, the shell and a
// rep's Today are in the main wasm module; every other page's code is in a chunk,
// fetched when that page is first opened (`lazy_groups!` in src/app.rs), as are Today's customer card
// and record forms. The server sends the brotli copies the build made
// (tools/precompress.sh).
//
// The target is 350 KB (issue 20). Splitting took the first load from 954 KiB to 407 KB,
// the browser's build without the language-cookie code and chrono's formatter to 375 KB,
// the parts of answers only a chunk reads kept as JSON text until it does
// (`wire::Deferred`) and chrono's parser replaced to 350.1 KB (341.9 KiB), and leptos_meta
// left to the server (the browser sets the title itself) to 343.6 KB. Later features took
// it to 347.9 KB, and making the sign-in page and Today routes hydrated after a pause
// (`main_module_routes!`) to 349.2 KB; the sparse offline bundle to 350.0 KB, and keeping
// the bundle on the device as the text the server sent (no encoder of it in the browser)
// to 346.4 KB; the offline bundle's customers as columns (their decoder in Today's card
// chunk) to 348.6 KB. Two builds of the same code differ by up to ~700 bytes here (the same
// size raw, the bytes in another order). The ceiling is the target itself.
const FIRST_LOAD_WASM_BUDGET = 350_000;

/** The wasm bytes that travel (as encoded on the wire) during `load`, and their URLs. */
async function wasmTransferred(page: Page, load: () => Promise<void>) {
  const seen: { url: string; bytes: Promise<number>; encoding: string | undefined }[] = [];
  const onResponse = (res: import("@playwright/test").Response) => {
    if (!new URL(res.url()).pathname.endsWith(".wasm")) return;
    seen.push({
      url: new URL(res.url()).pathname,
      bytes: res.request().sizes().then((s) => s.responseBodySize),
      encoding: res.headers()["content-encoding"],
    });
  };
  page.on("response", onResponse);
  await load();
  page.off("response", onResponse);
  const sizes = await Promise.all(seen.map((s) => s.bytes));
  return {
    urls: seen.map((s) => s.url),
    encodings: seen.map((s) => s.encoding),
    bytes: sizes.reduce((a, b) => a + b, 0),
  };
}

/** The bytes each of `urls` took on the wire (as encoded), as the page's resource timing
 * saw them; -1 for one it did not fetch. */
async function encodedSizes(page: Page, urls: string[]) {
  return page.evaluate(
    (urls) => urls.map((u) => performance.getEntriesByName(new URL(u, location.href).href)[0]?.encodedBodySize ?? -1),
    urls,
  );
}

test("the sign-in page works after a bounded first load of wasm, sent as brotli", async ({ page }) => {
  const loaded = await wasmTransferred(page, async () => {
    await page.goto("/login");
    await hydrated(page);
  });
  expect(loaded.urls).toHaveLength(1);
  expect(loaded.encodings).toEqual(["br"]);
  expect(loaded.bytes).toBeGreaterThan(10_000);
  expect(loaded.bytes).toBeLessThanOrEqual(FIRST_LOAD_WASM_BUDGET);
  // the page is painted before its code is asked for: on a slow line the wasm does not
  // hold back the stylesheet and images of the first paint (src/app.rs, HydrateAfterPaint)
  // (the paint's own time: its entry's start is when the frame was shown, which a busy
  // machine may report after the script already asked)
  const order = await page.evaluate(() => {
    const paint = performance.getEntriesByName("first-contentful-paint")[0] as PerformanceEntry & { paintTime?: number };
    return {
      paint: paint?.paintTime ?? paint?.startTime,
      wasm: performance.getEntriesByType("resource").find((r) => r.name.endsWith(".wasm"))?.startTime,
      // the chunk loader, which the main module's JS imports
      loader: performance.getEntriesByType("resource").find((r) => /\/__wasm_split\.[^/]*js$/.test(r.name))?.startTime,
    };
  });
  expect(order.paint).toBeDefined();
  expect(order.wasm).toBeGreaterThan(order.paint!);
  // the wasm, the largest download, is asked for with its JS, not two round trips later
  // once that JS and the loader it imports have come
  expect(order.loader).toBeDefined();
  expect(order.wasm).toBeLessThan(order.loader!);
});

test("a rep's Today works after the same first load; its card and forms then work offline", async ({ page, browser }) => {
  const { context: fresh, tab: tablet } = await newDevice(page, browser, "zhangwei");
  const today = await wasmTransferred(tablet, async () => {
    await tablet.goto("/today");
    await hydrated(tablet);
    await expect(tablet.locator(".plan-list .plan-pick").first()).toBeVisible();
  });
  // the main module; then, fetched once the page is drawn while the network is there,
  // the chunk of the customer card and the record forms and what it shares
  const main = today.urls.filter((u) => /\/qudao\.[^/]*wasm$/.test(u));
  expect(main).toHaveLength(1);
  expect(today.encodings.every((e) => e === "br")).toBe(true);
  const [mainBytes] = await encodedSizes(tablet, main);
  expect(mainBytes).toBeGreaterThan(10_000);
  expect(mainBytes).toBeLessThanOrEqual(FIRST_LOAD_WASM_BUDGET);
  await expect(tablet.locator("h1")).toBeVisible();

  // the customer card and the visit form then need nothing from the network (once the
  // day's data is on the device, and Today's card chunk with what it shares has come)
  await expect(tablet.locator(".sync-indicator")).toHaveAttribute("data-state", "synced", { timeout: 20_000 });
  await tablet.waitForLoadState("networkidle");
  const card = await wasmTransferred(tablet, async () => {
    await fresh.setOffline(true);
    await tablet.locator(".plan-list .plan-pick").first().click();
    await expect(tablet.locator(".today-card h2")).toBeVisible();
    await tablet.getByRole("button", { name: "签到并记录拜访" }).click();
    await expect(tablet.locator("form.today-form")).toBeVisible();
    await fresh.setOffline(false);
  });
  expect(card.urls).toEqual([]);

  // an in-app link to a page in a chunk: its chunk comes, the page works
  const customers = await wasmTransferred(tablet, async () => {
    await tablet.locator(".mainnav a[href='/customers']").click();
    await expect(tablet).toHaveURL(/\/customers$/);
    await expect(tablet.locator("main table").first()).toBeVisible();
  });
  expect(customers.urls.length).toBeGreaterThan(0);
  expect(customers.urls).not.toContain(main[0]);
  await fresh.close();
});

/** zhangwei's tablet without the service worker's copies (a chunk comes from the network
 * only), and the page errors it reports. */
async function tabletWithoutServiceWorker(page: Page, browser: Browser) {
  const { context: fresh, tab: tablet } = await newDevice(page, browser, "zhangwei", { serviceWorkers: "block" });
  const errors: string[] = [];
  tablet.on("pageerror", (e) => errors.push(e.message));
  return { fresh, tablet, errors };
}

// The customer list is the office's most opened page and has a chunk of its own: its first
// load fetches the list's code and what it shares (110.6 KB brotli when it was split off),
// not every office page's (592 KB with the office group's, 6.4 → 4.4 s to hydrated at
// slow 4G and a 4× slower CPU).
const CUSTOMER_LIST_CHUNKS_BUDGET = 150_000;

test("the customer list's first load fetches its own chunk, not every office page's", async ({ page, browser }) => {
  const { context: fresh, tab: office } = await newDevice(page, browser, "laoban", { serviceWorkers: "block" });
  const loaded = await wasmTransferred(office, async () => {
    await office.goto("/customers");
    await hydrated(office);
    await expect(office.locator("tbody tr").first()).toBeVisible();
  });
  const chunks = loaded.urls.filter((u) => !/\/qudao\.[^/]*wasm$/.test(u));
  expect(chunks.some((u) => /\/split_customer_list\./.test(u))).toBe(true);
  expect(chunks.some((u) => /\/split_office\./.test(u))).toBe(false);
  const sizes = await encodedSizes(office, chunks);
  expect(sizes.every((n) => n > 0)).toBe(true);
  expect(sizes.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(CUSTOMER_LIST_CHUNKS_BUDGET);
  // the rest of the office's pages come when one is opened
  await office.locator("tbody tr a.cust-name").first().click();
  await expect(office.locator(".cust-head h1")).toBeVisible();
  await fresh.close();
});

test("the customer list's chunk comes while the main module still does, each file once", async ({ page, browser }) => {
  const { context: fresh, tab: office } = await newDevice(page, browser, "laoban", { serviceWorkers: "block" });
  // the main module held back a second, as a slow line would: asked for by the chunk
  // loader alone, the list's files would be asked for only after it had come and started
  let mainCame = Number.POSITIVE_INFINITY;
  await office.route(/\/pkg\/qudao\.[^/]*\.wasm$/, async (route) => {
    await new Promise((r) => setTimeout(r, 1000));
    await route.continue();
  });
  const asked: { path: string; at: number }[] = [];
  office.on("request", (r) => asked.push({ path: new URL(r.url()).pathname, at: Date.now() }));
  office.on("requestfinished", (r) => {
    if (/\/qudao\.[^/]*\.wasm$/.test(r.url())) mainCame = Math.min(mainCame, Date.now());
  });
  const warnings: string[] = [];
  office.on("console", (m) => {
    if (m.type() === "warning" || m.type() === "error") warnings.push(m.text());
  });
  await office.goto("/customers");
  await hydrated(office);
  await expect(office.locator("tbody tr").first()).toBeVisible();
  // the page names its files (the loader and the group's wasm) and they were asked for
  // before the main module had come
  const named = (await office.locator('meta[name="qudao-chunks"]').getAttribute("content"))!.split(" ");
  expect(named.some((u) => /\/split_customer_list\.[^/]*\.wasm$/.test(u))).toBe(true);
  expect(named[0]).toMatch(/\/__wasm_split\.[^/]*\.js$/);
  expect(Number.isFinite(mainCame)).toBe(true);
  for (const u of named) {
    const at = asked.filter((a) => a.path === u).map((a) => a.at);
    expect(at, u).toHaveLength(1);
    expect(at[0], u).toBeLessThan(mainCame);
  }
  // the loader took the preloaded files: no second download
  const fetched = await office.evaluate(() =>
    performance.getEntriesByType("resource").map((r) => new URL(r.name).pathname).filter((p) => p.endsWith(".wasm")),
  );
  for (const u of named.filter((u) => u.endsWith(".wasm"))) expect(fetched.filter((p) => p === u), u).toHaveLength(1);
  expect(warnings.filter((w) => !/Service Worker registration blocked/.test(w))).toEqual([]);
  // and the list works
  await office.locator("tbody tr a.cust-name").first().click();
  await expect(office.locator(".cust-head h1")).toBeVisible();
  await fresh.close();
});

test("a part of the app whose code cannot be fetched says so and offers a retry, instead of a dead page", async ({ page, browser }) => {
  // on a line that drops every chunk
  const { fresh, tablet, errors } = await tabletWithoutServiceWorker(page, browser);
  await tablet.route(/\/pkg\/(split_|chunk_)[^/]*\.wasm$/, (route) => route.abort("internetdisconnected"));
  await tablet.goto("/today");
  await hydrated(tablet);

  // Today's customer card
  await tablet.locator(".plan-list .plan-pick").first().click();
  await expect(tablet.locator(".chunk-failed")).toContainText("这部分页面未能加载");
  await expect(tablet.locator(".chunk-failed button")).toBeVisible();
  // all the rep's customers come as columns, read by that chunk's code: said too
  await tablet.getByRole("button", { name: "我的客户" }).click();
  await expect(tablet.locator(".chunk-failed")).toContainText("这部分页面未能加载");

  // another page by an in-app link: the shell stays, the page says what happened
  await tablet.locator(".mainnav a[href='/customers']").click();
  await expect(tablet).toHaveURL(/\/customers$/);
  await expect(tablet.locator(".chunk-failed")).toBeVisible();
  await expect(tablet.locator(".mainnav")).toBeVisible();

  // the line is back: retry loads the page
  await tablet.unroute(/\/pkg\/(split_|chunk_)[^/]*\.wasm$/);
  await tablet.locator(".chunk-failed button").click();
  await hydrated(tablet);
  await expect(tablet.locator("main table").first()).toBeVisible();
  // only the failed fetches we caused (the chunk loader reports them): no panic, no
  // "unreachable"
  expect(errors.filter((e) => e !== "Failed to fetch")).toEqual([]);
  await fresh.close();
});

// Chromium compiles a wasm function the first time it runs, whole, on the main thread,
// while the page waits. When every page of a chunk's group was inlined into one function
// (each page has one caller), opening any page of the office group compiled it all: one
// compilation of ~40 ms on a slow tablet, ~6 ms for the largest since (`draw` in
// `lazy_groups!`). Those functions were 91 KB (office), 62 KB (service) and 50 KB
// (analysis); the largest of any module is now one view of Today's chunk, 51 KB.
const LARGEST_FUNCTION_BYTES = 56 * 1024;

/** The size of each function body in a wasm module (its code section). */
function functionSizes(wasm: Buffer): number[] {
  const leb = (at: number): [number, number] => {
    let value = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = wasm[at++];
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    return [value, at];
  };
  expect(wasm.readUInt32LE(0), "a wasm module").toBe(0x6d736100);
  const sizes: number[] = [];
  let at = 8; // magic and version
  while (at < wasm.length) {
    const id = wasm[at++];
    let length: number;
    [length, at] = leb(at);
    const end = at + length;
    if (id === 10) {
      let count: number;
      [count, at] = leb(at);
      for (let i = 0; i < count; i++) {
        let size: number;
        [size, at] = leb(at);
        sizes.push(size);
        at += size;
      }
    }
    at = end;
  }
  return sizes;
}

test("no page's code is one function the browser must compile whole", async () => {
  const pkg = path.resolve(__dirname, "../../target/site/pkg");
  const modules = fs.readdirSync(pkg).filter((f) => f.endsWith(".wasm"));
  expect(modules.some((f) => f.startsWith("split_office"))).toBe(true);
  for (const file of modules) {
    const sizes = functionSizes(fs.readFileSync(path.join(pkg, file)));
    expect(sizes.length, file).toBeGreaterThan(0);
    expect(sizes.reduce((a, b) => Math.max(a, b), 0), `the largest function of ${file}`).toBeLessThanOrEqual(LARGEST_FUNCTION_BYTES);
  }
});

test("offline with the plan on the device but Today's chunk not fetched, the plan still shows and its customers' cards and 'my customers' say their code is missing", async ({ page, browser }) => {
  const { fresh, tablet, errors } = await tabletWithoutServiceWorker(page, browser);
  await tablet.goto("/today");
  await hydrated(tablet);
  await expect(tablet.locator(".sync-indicator")).toHaveAttribute("data-state", "synced");
  await tablet.getByRole("button", { name: "我的客户" }).click();
  await expect(tablet.locator(".plan-list .plan-pick").first()).toBeVisible();

  // the line drops: the bundle and every chunk fail, the page reads the device's copy
  await tablet.route(/\/pkg\/(split_|chunk_)[^/]*\.wasm$/, (route) => route.abort("internetdisconnected"));
  await tablet.route("**/api/visits/offline_bundle", (route) => route.abort("internetdisconnected"));
  await tablet.reload();
  await hydrated(tablet);
  await expect(tablet.locator(".device-copy")).toBeVisible();
  await tablet.getByRole("button", { name: "我的客户" }).click();
  await expect(tablet.locator(".chunk-failed")).toContainText("这部分页面未能加载");
  await tablet.getByRole("button", { name: "今天" }).click();
  await tablet.locator(".plan-list .plan-pick").first().click();
  await expect(tablet.locator(".chunk-failed")).toContainText("这部分页面未能加载");
  // only the failed fetches we caused: no panic
  expect(errors.filter((e) => e !== "Failed to fetch")).toEqual([]);
  await fresh.close();
});
