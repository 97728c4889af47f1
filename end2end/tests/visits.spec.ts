import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { expectNoHorizontalScroll, expectTouchTargets, hydrated, signIn, signedIn } from "./helpers";

const shots = process.env.QUDAO_SHOTS;

// The smallest valid PNG: a "camera photo" for the visit.
const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63f80f00000101000518d84e0000000049454e44ae426082",
  "hex",
);

test.use({
  geolocation: { latitude: 29.563, longitude: 106.551, accuracy: 20 },
  permissions: ["geolocation"],
});

/** Visits the signed-in user can read whose notes are `notes`. */
async function visitsWithNotes(request: APIRequestContext, notes: string): Promise<number> {
  const r = await request.post("/api/visits/list", { data: {} });
  expect(r.ok()).toBeTruthy();
  const list = (await r.json()) as Array<{ notes: string }>;
  return list.filter((v) => v.notes === notes).length;
}

/** Open objections on the board whose summary mentions `text`. */
async function objectionsWith(request: APIRequestContext, text: string): Promise<number> {
  const r = await request.post("/api/tickets/board", { data: { rep: "", tier: "", standard: "" } });
  expect(r.ok()).toBeTruthy();
  const board = (await r.json()) as { items: Array<{ summary: string }> };
  return board.items.filter((i) => i.summary.includes(text)).length;
}

async function indicator(page: Page) {
  return page.locator(".sync-indicator");
}

/** `login`'s Today, synced, with the service worker in control of the page. */
async function todaySynced(page: Page, login: string) {
  await signedIn(page, login);
  await page.goto("/today");
  await hydrated(page);
  await expect(await indicator(page)).toHaveAttribute("data-state", "synced");
  await page.waitForFunction(async () => {
    const reg = await navigator.serviceWorker.ready;
    return reg.active !== null && navigator.serviceWorker.controller !== null;
  }, null, { timeout: 20_000 });
}

test("a rep records a visit with a photo and an objection offline; both reach the server once and another rep never sees them", async ({ page, context, browser }) => {
  const stamp = `离线拜访 ${Date.now()}`;
  const complaint = `瓶盖漏气 ${Date.now()}`;
  await todaySynced(page, "zhangwei");
  await page.reload();
  await hydrated(page);
  await expect(await indicator(page)).toHaveAttribute("data-state", "synced");
  const first = page.locator(".plan-list .plan-pick").first();
  await expect(first).toBeVisible();
  const name = ((await first.locator(".plan-title").textContent()) ?? "").trim();
  if (shots) await page.screenshot({ path: `${shots}/today-online.png` });
  // the copy kept for offline use is the page's frame: nobody's customers in it (whoever
  // holds the tablet may open it offline)
  const kept = await page.waitForFunction(async () => {
    for (const key of await caches.keys()) {
      if (!key.startsWith("qudao-pages-")) continue;
      const hit = await (await caches.open(key)).match("/today");
      if (hit) return await hit.text();
    }
    return null;
  }, null, { timeout: 20_000 });
  const keptHtml = (await kept.jsonValue()) as string;
  expect(keptHtml).toContain("today-tabs");
  expect(keptHtml).not.toContain("plan-pick");
  expect(keptHtml).not.toContain(name);

  // no network: the page comes from the service worker, the data from the device
  await context.setOffline(true);
  await page.reload();
  await hydrated(page);
  await expect(await indicator(page)).toHaveAttribute("data-state", "offline");
  await expect(page.locator(".device-copy")).toBeVisible();
  await page.locator(".plan-pick", { hasText: name }).first().click();
  await expect(page.getByRole("heading", { name: new RegExp(name) })).toBeVisible();

  // the visit, with the tablet's location and a photo from the camera
  await page.getByRole("button", { name: "签到并记录拜访" }).click();
  await expect(page.locator(".today-form")).toContainText("29.56300, 106.55100");
  await page.locator('select[name="purpose"]').selectOption("display");
  await page.locator('textarea[name="notes"]').fill(stamp);
  await page.getByLabel("生动化陈列").check();
  await page.locator('input[name="competitors"]').fill("农夫山泉");
  await page.locator('input[name="photos"]').setInputFiles({ name: "shelf.png", mimeType: "image/png", buffer: PNG });
  await expect(page.locator(".today-form")).toContainText("已选 1 张");
  await expectNoHorizontalScroll(page);
  if (shots) await page.screenshot({ path: `${shots}/today-visit-form.png`, fullPage: true });
  await page.getByRole("button", { name: "保存（无网络时先存在本机）" }).click();
  await expect(page.locator(".outbox")).toContainText(name);
  await expect(await indicator(page)).toContainText("1 条待同步");

  // an objection: checked on the device first (a description is required)
  // back on the customer's card, which now says it was visited
  await expect(page.locator(".today-card")).toContainText("已拜访（待同步）");
  await page.getByRole("button", { name: "登记异议" }).click();
  await page.locator('select[name="category"]').selectOption("quality");
  await page.getByRole("button", { name: "保存（无网络时先存在本机）" }).click();
  await expect(page.locator(".today-form .field-error").filter({ hasText: "请填写此项" })).toBeVisible();
  await page.locator('textarea[name="description"]').fill(complaint);
  await page.getByRole("button", { name: "保存（无网络时先存在本机）" }).click();
  await expect(await indicator(page)).toContainText("2 条待同步");
  await expect(await indicator(page)).toHaveAttribute("data-state", "offline");
  if (shots) await page.screenshot({ path: `${shots}/today-offline.png`, fullPage: true });

  // the network returns: everything goes out, once
  await context.setOffline(false);
  await expect(await indicator(page)).toHaveAttribute("data-state", "synced", { timeout: 20_000 });
  await expect(page.locator(".outbox")).toHaveCount(0);
  expect(await visitsWithNotes(page.request, stamp)).toBe(1);
  expect(await objectionsWith(page.request, complaint)).toBe(1);
  // a second start (another sync round) sends nothing again
  await page.reload();
  await hydrated(page);
  await expect(await indicator(page)).toHaveAttribute("data-state", "synced");
  expect(await visitsWithNotes(page.request, stamp)).toBe(1);
  expect(await objectionsWith(page.request, complaint)).toBe(1);
  if (shots) await page.screenshot({ path: `${shots}/today-synced.png` });

  // another rep sees neither the records nor the customer
  const other = await browser.newContext();
  const lina = await other.newPage();
  await signedIn(lina, "lina");
  expect(await visitsWithNotes(lina.request, stamp)).toBe(0);
  expect(await objectionsWith(lina.request, complaint)).toBe(0);
  await lina.goto("/today");
  await hydrated(lina);
  await expect(await indicator(lina)).toHaveAttribute("data-state", "synced");
  await lina.getByRole("button", { name: "我的客户" }).click();
  await expect(lina.locator(".plan-list .plan-pick").first()).toBeVisible();
  await lina.getByRole("searchbox", { name: "搜索" }).fill(name);
  await expect(lina.getByText("没有符合条件的客户。")).toBeVisible();
  await expect(lina.locator(".plan-list")).not.toContainText(name);
  await other.close();
});

/** The customer ids of the plan list shown. */
const ids = (p: Page) => p.locator(".plan-list .plan-pick").evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.id ?? ""));
/** What the device keeps of a user's: the plan in IndexedDB, the page in the worker's cache. */
const deviceHolds = (p: Page) => p.evaluate(async () => {
  const plan = await new Promise<boolean>((resolve) => {
    const open = indexedDB.open("qudao");
    open.onsuccess = () => {
      try {
        const get = open.result.transaction("kv").objectStore("kv").get("bundle");
        get.onsuccess = () => { resolve(get.result !== undefined); open.result.close(); };
        get.onerror = () => resolve(true);
      } catch {
        resolve(true);
      }
    };
    open.onerror = () => resolve(true);
  });
  let page = false;
  for (const key of await caches.keys()) {
    if (key.startsWith("qudao-pages-") && (await (await caches.open(key)).match("/today"))) page = true;
  }
  return { plan, page };
});

test("on a shared tablet the next rep never sees what the last one left on it: not offline, not before the fresh plan comes", async ({ page, context }) => {
  // 张伟 uses the tablet; his plan and the page are kept on it for offline use
  await signedIn(page, "zhangwei");
  await page.goto("/today");
  await hydrated(page);
  await expect(await indicator(page)).toHaveAttribute("data-state", "synced");
  await page.getByRole("button", { name: "我的客户" }).click();
  const his = await ids(page);
  expect(his.length).toBeGreaterThan(0);
  await expect.poll(() => deviceHolds(page), { timeout: 20_000 }).toEqual({ plan: true, page: true });
  // his session ends without signing out (expired, revoked), and 李娜 signs in before the
  // page's script has run (the form posts by itself): the device still holds his things
  await context.clearCookies();
  const posted = await page.request.post("/api/login", {
    data: { login: "lina", password: "qudao2026" },
    headers: { origin: new URL(page.url()).origin },
  });
  expect(posted.ok()).toBeTruthy();
  // her first page forgets them
  await page.goto("/");
  await hydrated(page);
  await expect.poll(() => deviceHolds(page), { timeout: 20_000 }).toEqual({ plan: false, page: false });
  // so offline, Today is not his page with his customers
  await context.setOffline(true);
  await page.goto("/today").catch(() => {});
  await expect(page.locator("body")).not.toContainText("张伟");
  expect(await ids(page)).toEqual([]);
  await context.setOffline(false);
  // online, with her own plan held back (a slow or lost network), the tabs hold nobody
  await page.route("**/api/visits/offline_bundle", (route) => route.abort("internetdisconnected"));
  await page.goto("/today");
  await hydrated(page);
  await expect(await indicator(page)).toHaveAttribute("data-state", "offline");
  for (const tab of ["本周", "我的客户"]) {
    await page.getByRole("button", { name: tab }).click();
    await expect(page.getByRole("alert")).toContainText("这台设备上还没有客户资料");
    expect(await ids(page)).toEqual([]);
  }
  // once her plan comes, the tabs show her customers, none of his
  await page.unroute("**/api/visits/offline_bundle");
  await page.reload();
  await hydrated(page);
  await expect(await indicator(page)).toHaveAttribute("data-state", "synced");
  await page.getByRole("button", { name: "我的客户" }).click();
  const hers = await ids(page);
  expect(hers.length).toBeGreaterThan(0);
  expect(hers.filter((id) => his.includes(id))).toEqual([]);
});

test("signing out leaves none of the user's customers on the tablet: neither the plan nor the kept page", async ({ page }) => {
  await signedIn(page, "zhangwei");
  await page.goto("/today");
  await hydrated(page);
  await expect(await indicator(page)).toHaveAttribute("data-state", "synced");
  await expect.poll(() => deviceHolds(page), { timeout: 20_000 }).toEqual({ plan: true, page: true });
  await page.getByRole("button", { name: "退出登录" }).click();
  await expect(page).toHaveURL(/\/login/);
  await hydrated(page);
  await expect.poll(() => deviceHolds(page), { timeout: 20_000 }).toEqual({ plan: false, page: false });
});

test("a form being filled in keeps what the rep typed when the tablet syncs and a fresh plan arrives", async ({ page, context }) => {
  const sent = `先存的拜访 ${Date.now()}`;
  const typing = `正在填写的异议 ${Date.now()}`;
  await signedIn(page, "zhangwei");
  await page.goto("/today");
  await hydrated(page);
  await expect(await indicator(page)).toHaveAttribute("data-state", "synced");
  // offline, a visit waits to go out
  await context.setOffline(true);
  await page.locator(".plan-list .plan-pick").nth(3).click();
  await page.getByRole("button", { name: "签到并记录拜访" }).click();
  await page.locator('textarea[name="notes"]').fill(sent);
  await page.getByRole("button", { name: "保存（无网络时先存在本机）" }).click();
  await expect(await indicator(page)).toContainText("1 条待同步");
  // an objection half typed in when the network returns: the visit goes out and a fresh
  // plan comes (the customer now visited), the form stays as it was
  await page.getByRole("button", { name: "登记异议" }).click();
  await page.locator('select[name="category"]').selectOption("quality");
  await page.locator('textarea[name="description"]').fill(typing);
  await context.setOffline(false);
  await expect(await indicator(page)).toHaveAttribute("data-state", "synced", { timeout: 20_000 });
  expect(await visitsWithNotes(page.request, sent)).toBe(1);
  await expect(page.locator('textarea[name="description"]')).toHaveValue(typing);
  await expect(page.locator('select[name="category"]')).toHaveValue("quality");
});

test("a visit for a customer reassigned while the tablet was offline comes back refused, with the reason, and is discarded only when the rep says so", async ({ page, context, browser }) => {
  const stamp = `改派冲突 ${Date.now()}`;
  await signedIn(page, "zhangwei");
  await page.goto("/today");
  await hydrated(page);
  await expect(await indicator(page)).toHaveAttribute("data-state", "synced");
  const me = ((await (await page.request.post("/api/visits/offline_bundle", { data: {} })).json()) as { user_id: string }).user_id;
  const pick = page.locator(".plan-list .plan-pick").nth(1);
  const customerId = (await pick.getAttribute("data-id"))!;
  const name = ((await pick.locator(".plan-title").textContent()) ?? "").trim();

  await context.setOffline(true);
  await pick.click();
  await page.getByRole("button", { name: "签到并记录拜访" }).click();
  await page.locator('textarea[name="notes"]').fill(stamp);
  await page.getByRole("button", { name: "保存（无网络时先存在本机）" }).click();
  await expect(await indicator(page)).toContainText("1 条待同步");

  // meanwhile the owner takes the customer off this rep
  const office = await browser.newContext();
  const owner = await office.newPage();
  await signedIn(owner, "laoban");
  const moved = await owner.request.post("/api/customers/assign", { data: { ids: [customerId], rep: null } });
  expect(moved.ok()).toBeTruthy();

  await context.setOffline(false);
  await expect(await indicator(page)).toHaveAttribute("data-state", "refused", { timeout: 20_000 });
  const refused = page.locator(".outbox-refused");
  await expect(refused).toContainText(name);
  await expect(refused).toContainText("这位客户已转给其他业务员");
  if (shots) await page.screenshot({ path: `${shots}/today-refused.png` });
  expect(await visitsWithNotes(owner.request, stamp)).toBe(0);

  // a dismissed question keeps the record; a confirmed one discards it
  page.once("dialog", (d) => d.dismiss());
  await refused.getByRole("button", { name: "放弃这条记录" }).click();
  await expect(refused).toBeVisible();
  page.once("dialog", (d) => d.accept());
  await refused.getByRole("button", { name: "放弃这条记录" }).click();
  await expect(page.locator(".outbox")).toHaveCount(0);
  expect(await visitsWithNotes(owner.request, stamp)).toBe(0);

  // the demo data is shared by the other journeys: give the customer back
  const back = await owner.request.post("/api/customers/assign", { data: { ids: [customerId], rep: me } });
  expect(back.ok()).toBeTruthy();
  await office.close();
});

test("records made while the session ends stay on the tablet and go out once the rep signs in again", async ({ page, context }) => {
  const stamp = `登录失效 ${Date.now()}`;
  await signedIn(page, "zhangwei");
  await page.goto("/today");
  await hydrated(page);
  await expect(await indicator(page)).toHaveAttribute("data-state", "synced");
  await context.setOffline(true);
  await page.locator(".plan-list .plan-pick").nth(2).click();
  await page.getByRole("button", { name: "签到并记录拜访" }).click();
  await page.locator('textarea[name="notes"]').fill(stamp);
  await page.getByRole("button", { name: "保存（无网络时先存在本机）" }).click();
  await expect(await indicator(page)).toContainText("1 条待同步");

  // the session is gone (revoked, expired) while the tablet was away
  await context.clearCookies();
  // the radio is back but the first request still meets the network down (as it often
  // does right after the "online" event): the tablet tries again within seconds (2 s,
  // then 4 s …), not on its half-minute round
  await page.route("**/api/visits/sync", (route) => route.abort("internetdisconnected"), { times: 1 });
  await context.setOffline(false);
  await expect(await indicator(page)).toHaveAttribute("data-state", "signed-out", { timeout: 10_000 });
  await expect(await indicator(page)).toContainText("1 条待同步");
  await expect(page.locator(".outbox")).toContainText("待同步");

  await signIn(page, "zhangwei");
  await expect(page).toHaveURL(/\/$/);
  await page.goto("/today");
  await hydrated(page);
  await expect(await indicator(page)).toHaveAttribute("data-state", "synced", { timeout: 20_000 });
  await expect(page.locator(".outbox")).toHaveCount(0);
  expect(await visitsWithNotes(page.request, stamp)).toBe(1);
});

test("with the device's storage full the visit is not queued, the form keeps what was typed, and saving works once there is room", async ({ page, context }) => {
  const stamp = `存储已满 ${Date.now()}`;
  await signedIn(page, "zhangwei");
  await page.goto("/today");
  await hydrated(page);
  await expect(await indicator(page)).toHaveAttribute("data-state", "synced");
  await context.setOffline(true);
  await page.locator(".plan-list .plan-pick").nth(3).click();
  await page.getByRole("button", { name: "签到并记录拜访" }).click();
  await page.locator('textarea[name="notes"]').fill(stamp);

  // the browser refuses every write as it does when the device is full (Chromium's
  // quota override does not bite on writes this small)
  await page.evaluate(() => {
    const w = window as unknown as { realPut: typeof IDBObjectStore.prototype.put };
    w.realPut = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function () {
      throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
    };
  });
  await page.getByRole("button", { name: "保存（无网络时先存在本机）" }).click();
  await expect(page.locator(".today-form .banner-error")).toContainText("设备存储已满");
  await expect(page.locator('textarea[name="notes"]')).toHaveValue(stamp);
  await expect(page.locator(".outbox")).toHaveCount(0);

  await page.evaluate(() => {
    IDBObjectStore.prototype.put = (window as unknown as { realPut: typeof IDBObjectStore.prototype.put }).realPut;
  });
  await page.getByRole("button", { name: "保存（无网络时先存在本机）" }).click();
  await expect(await indicator(page)).toContainText("1 条待同步");
  await context.setOffline(false);
  await expect(await indicator(page)).toHaveAttribute("data-state", "synced", { timeout: 20_000 });
  expect(await visitsWithNotes(page.request, stamp)).toBe(1);
});

test("a visit refused for its check-in time (the tablet's clock ran ahead) is corrected on the tablet and resent under the same id", async ({ page }) => {
  const stamp = `改正重发 ${Date.now()}`;
  // from here the tablet's clock runs two hours ahead of the server's
  await page.clock.install({ time: new Date(Date.now() + 2 * 3600_000) });
  await signedIn(page, "zhangwei");
  await page.goto("/today");
  await hydrated(page);
  await expect(await indicator(page)).toHaveAttribute("data-state", "synced");
  await page.locator(".plan-list .plan-pick").nth(4).click();
  await page.getByRole("button", { name: "签到并记录拜访" }).click();
  await page.locator('textarea[name="notes"]').fill(stamp);
  await page.getByRole("button", { name: "保存（无网络时先存在本机）" }).click();

  const refused = page.locator(".outbox-refused");
  await expect(refused).toContainText("签到时间", { timeout: 20_000 });
  await expect(await indicator(page)).toHaveAttribute("data-state", "refused");
  expect(await visitsWithNotes(page.request, stamp)).toBe(0);

  // the rep sets the real time; the record keeps its id and goes out once
  await refused.getByRole("button", { name: "修改后重新提交" }).click();
  await expect(page.locator('textarea[name="notes"]')).toHaveValue(stamp);
  const beijing = new Date(Date.now() - 10 * 60_000 + 8 * 3600_000).toISOString().slice(0, 16);
  await page.locator('input[name="checked_in_at"]').fill(beijing);
  // a photo taken while correcting goes out with the corrected record
  await page.locator('input[name="photos"]').setInputFiles({ name: "shelf.png", mimeType: "image/png", buffer: PNG });
  await expect(page.locator(".today-form")).toContainText("已选 1 张");
  await page.getByRole("button", { name: "保存（无网络时先存在本机）" }).click();
  await expect(await indicator(page)).toHaveAttribute("data-state", "synced", { timeout: 20_000 });
  await expect(page.locator(".outbox")).toHaveCount(0);
  expect(await visitsWithNotes(page.request, stamp)).toBe(1);
  const r = await page.request.post("/api/visits/list", { data: {} });
  const visit = ((await r.json()) as Array<{ notes: string; photos: string[] }>).find((v) => v.notes === stamp);
  expect(visit?.photos.length).toBe(1);
});

test("on a day off in the company calendar a rep's Today plans nobody, says where the due customers went, and still lets the rep visit one", async ({ page, browser }) => {
  // the suite's company works every day (global-setup.ts); the owner makes today a holiday
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
  const owner = await browser.newPage();
  await signedIn(owner, "laoban");
  const calendar = (days: string[][]) =>
    owner.request.post("/api/standards/calendar", {
      data: { input: { open: "09:00", close: "18:00", weekdays: "1234567", days } },
    });
  expect((await calendar([[today, "holiday", "盘点日"]])).ok()).toBeTruthy();
  try {
    await signedIn(page, "zhangwei");
    await page.goto("/today");
    await hydrated(page);
    await expect(await indicator(page)).toHaveAttribute("data-state", "synced");
    await expect(page.getByTestId("plan-moved")).toContainText("今天是公司日历的休息日");
    await expect(page.locator("p.muted").first()).toContainText(`${today}：0 家客户应拜访`);
    await expect(page.locator(".plan-list .plan-pick")).toHaveCount(0);
    // the week holds working days only: the due customers are on the next one
    await page.getByRole("button", { name: "本周", exact: true }).click();
    const first = page.locator(".plan-week .plan-day").first();
    await expect(first.locator(".plan-pick").first()).toBeVisible();
    expect(((await first.locator("h2").textContent()) ?? "") > today).toBeTruthy();
    await expect(page.locator(".plan-week h2", { hasText: today })).toHaveCount(0);
    // a rep who works anyway still has every customer of theirs at hand
    await page.getByRole("button", { name: "我的客户", exact: true }).click();
    await page.locator(".plan-list .plan-pick").first().click();
    await expect(page.getByRole("button", { name: "签到并记录拜访" })).toBeVisible();
    await expectNoHorizontalScroll(page);
  } finally {
    expect((await calendar([])).ok()).toBeTruthy();
    await owner.close();
  }
});

test("a waiting record this version cannot read is refused alone and can only be discarded; the rep's other records still go out", async ({ page }) => {
  await signedIn(page, "zhangwei");
  await page.goto("/today");
  await hydrated(page);
  await expect(await indicator(page)).toHaveAttribute("data-state", "synced");
  const me = ((await (await page.request.post("/api/visits/offline_bundle", { data: {} })).json()) as { user_id: string }).user_id;
  // a record another version of the app left in the device's outbox
  await page.evaluate(async (userId) => {
    const entry = {
      id: "gift-1", user_id: userId, made_at: "2026-12-05T09:30", customer_name: "某店",
      item: { kind: "gift", input: { client_id: "gift-1" } }, photos: [], refused: null,
    };
    await new Promise<void>((done, fail) => {
      const open = indexedDB.open("qudao", 1);
      open.onerror = () => fail(open.error);
      open.onsuccess = () => {
        const tx = open.result.transaction("outbox", "readwrite");
        tx.objectStore("outbox").put(JSON.stringify(entry), "gift-1");
        tx.oncomplete = () => { open.result.close(); done(); };
        tx.onerror = () => fail(tx.error);
      };
    });
  }, me);
  await page.reload();
  await hydrated(page);
  const refused = page.locator(".outbox-refused");
  await expect(refused).toContainText("某店", { timeout: 20_000 });
  await expect(refused.getByRole("button", { name: "修改后重新提交" })).toHaveCount(0);

  // a visit made now is not held back by it
  const stamp = `读不懂的记录之后 ${Date.now()}`;
  await page.locator(".plan-list .plan-pick").first().click();
  await page.getByRole("button", { name: "签到并记录拜访" }).click();
  await page.locator('textarea[name="notes"]').fill(stamp);
  await page.getByRole("button", { name: "保存（无网络时先存在本机）" }).click();
  await expect.poll(() => visitsWithNotes(page.request, stamp), { timeout: 20_000 }).toBe(1);

  page.once("dialog", (d) => d.accept());
  await refused.getByRole("button", { name: "放弃这条记录" }).click();
  await expect(page.locator(".outbox")).toHaveCount(0);
  await expect(await indicator(page)).toHaveAttribute("data-state", "synced");
});

test("offline, the rep's customers read from the columns the tablet kept, and from the rows a tablet on the version before kept", async ({ page, context }) => {
  await todaySynced(page, "zhangwei");
  await expect.poll(() => deviceHolds(page), { timeout: 20_000 }).toEqual({ plan: true, page: true });
  // what the version before asks for and keeps: the customers as rows
  const rows = await (await page.request.post("/api/visits/offline_bundle", { data: {} })).text();
  type Row = { id: string; name: string };
  const bundle = JSON.parse(rows) as { customers: Row[]; plan: { due: Row[]; week: Array<{ customers: Row[] }> } };
  const mine = bundle.customers.map((c) => c.name);
  expect(mine.length).toBeGreaterThan(20);
  // a customer no plan list holds, whose name no other customer's contains
  const planned = new Set([...bundle.plan.due, ...bundle.plan.week.flatMap((d) => d.customers)].map((c) => c.id));
  const other = bundle.customers.find((c) => !planned.has(c.id) && mine.filter((n) => n.includes(c.name)).length === 1);
  expect(other).toBeDefined();
  const kept = () => page.evaluate(() => new Promise<string>((done, fail) => {
    const open = indexedDB.open("qudao", 1);
    open.onerror = () => fail(open.error);
    open.onsuccess = () => {
      const get = open.result.transaction("kv").objectStore("kv").get("bundle");
      get.onsuccess = () => { open.result.close(); done(get.result as string); };
      get.onerror = () => fail(get.error);
    };
  }));
  // this version keeps them as columns, smaller than the rows (and no rows: the version
  // before fails to read such a copy rather than show no customers)
  const stored = JSON.parse(await kept()) as { customers: unknown; columns: { name: string[] } };
  expect(stored.customers).toBeNull();
  expect([...stored.columns.name].sort()).toEqual([...mine].sort());
  expect((await kept()).length).toBeLessThan(rows.length);

  const allOffline = async () => {
    await context.setOffline(true);
    await page.reload();
    await hydrated(page);
    await expect(page.locator(".device-copy")).toBeVisible();
    await page.getByRole("button", { name: "我的客户" }).click();
    await expect(page.getByTestId("all-count")).toHaveText(`共 ${mine.length} 个客户`);
    await expect(page.locator(".plan-list .plan-pick")).toHaveCount(Math.min(mine.length, 50));
    // one that only the whole list holds, found by its name: the card opens
    await page.getByRole("searchbox", { name: "搜索" }).fill(other!.name);
    await expect(page.locator(".plan-list .plan-pick")).toHaveCount(1);
    await page.locator(".plan-pick", { hasText: other!.name }).click();
    await expect(page.getByRole("heading", { name: other!.name })).toBeVisible();
  };
  await allOffline();

  // a tablet updated from the version before still has its rows on the device (put
  // there offline: online, a sync would keep a fresh bundle over them)
  await page.evaluate((text) => new Promise<void>((done, fail) => {
    const open = indexedDB.open("qudao", 1);
    open.onerror = () => fail(open.error);
    open.onsuccess = () => {
      const tx = open.result.transaction("kv", "readwrite");
      tx.objectStore("kv").put(text, "bundle");
      tx.oncomplete = () => { open.result.close(); done(); };
      tx.onerror = () => fail(tx.error);
    };
  }), rows);
  expect(await kept()).toBe(rows);
  await allOffline();
  await context.setOffline(false);
});

test("'my customers' finds a rep's customer by code, by a word of the name or by its pinyin initials, fifty at a time, and keeps the search while a card is open", async ({ page, browser }) => {
  await todaySynced(page, "zhangwei");
  // the rep's customers as the tablet gets them: columns, with the names' initials
  const sent = await (await page.request.post("/api/visits/offline_bundle", { data: { columns: true } })).json();
  type Coded = [string[], number[]];
  const cols = sent.columns as {
    id: string[]; code: string[]; name: string[]; initials: string[];
    address: string[]; phone: string[]; contact: Coded; region: Coded;
  };
  const decoded = (c: Coded) => c[1].map((k) => c[0][k]);
  const [contact, region] = [decoded(cols.contact), decoded(cols.region)];
  const n = cols.id.length;
  expect(n).toBeGreaterThan(0);
  expect(cols.initials).toHaveLength(n);
  const picks = page.locator(".plan-list .plan-pick");
  const count = page.getByTestId("all-count");
  const search = page.getByRole("searchbox", { name: "搜索" });
  await page.getByRole("button", { name: "我的客户", exact: true }).click();
  await expect(count).toHaveText(`共 ${n} 个客户`);
  // fifty drawn, then fifty more on each tap, until every one is there
  await expect(picks).toHaveCount(Math.min(n, 50));
  if (shots) await page.screenshot({ path: `${shots}/today-my-customers-more.png`, fullPage: true });
  for (let shown = 50; shown < n; shown += 50) {
    await page.getByRole("button", { name: `再显示 ${Math.min(50, n - shown)} 个（还有 ${n - shown} 个）` }).click();
    await expect(picks).toHaveCount(Math.min(n, shown + 50));
  }
  await expect(page.locator(".all-more")).toHaveCount(0);
  expect([...(await ids(page))].sort()).toEqual([...cols.id].sort());
  // back from the last one's card, every one is still drawn
  await picks.last().click();
  await page.getByRole("button", { name: "← 返回列表" }).click();
  await expect(picks).toHaveCount(n);

  // the last customer by code, typed in lower case: found among the first drawn
  const last = n - 1;
  await search.fill(cols.code[last].toLowerCase());
  await expect(page.locator(`.plan-pick[data-id="${cols.id[last]}"]`)).toBeVisible();
  await expect(count).toContainText("找到");
  // by its name's initials in capitals (the office list's rule), in a reading other than
  // the first when the name has several: every customer found holds them somewhere
  const expand = (pattern: string) => {
    let all = [""];
    for (const set of pattern.match(/\[[^\]]*\]|./g) ?? []) {
      const letters = set.startsWith("[") ? [...set.slice(1, -1)] : [set];
      all = all.flatMap((v) => letters.map((l) => v + l)).slice(0, 8);
    }
    return all.filter((v) => v !== "");
  };
  const several = cols.initials.findIndex((p) => p.includes("["));
  const i = several >= 0 ? several : cols.initials.findIndex((p) => p.length >= 2);
  expect(cols.initials[i].length).toBeGreaterThanOrEqual(2);
  const readings = expand(cols.initials[i]);
  const initials = readings[readings.length > 1 ? 1 : 0];
  await search.fill(initials.toUpperCase());
  await expect(page.locator(`.plan-pick[data-id="${cols.id[i]}"]`)).toBeVisible();
  const holding = cols.id.filter((_, j) =>
    [...expand(cols.initials[j]), cols.code[j], cols.name[j], cols.address[j], cols.phone[j], contact[j], region[j]]
      .some((t) => t.toLowerCase().includes(initials)));
  expect((await ids(page)).every((id) => holding.includes(id))).toBeTruthy();
  // a word of the name and a wrong one: nobody, and it says so
  await search.fill(`${cols.name[i]} 不存在的词`);
  await expect(picks).toHaveCount(0);
  await expect(page.getByText("没有符合条件的客户。")).toBeVisible();
  await expect(count).toHaveText(`找到 0 个，共 ${n} 个客户`);
  // the name alone: the card opens, and back on the list the search is as it was
  await search.fill(cols.name[i]);
  await page.locator(`.plan-pick[data-id="${cols.id[i]}"]`).click();
  await expect(page.getByRole("heading", { name: cols.name[i] })).toBeVisible();
  await page.getByRole("button", { name: "← 返回列表" }).click();
  await expect(search).toHaveValue(cols.name[i]);
  await expect(page.locator(`.plan-pick[data-id="${cols.id[i]}"]`)).toBeVisible();
  await expectNoHorizontalScroll(page);
  if (shots) await page.screenshot({ path: `${shots}/today-my-customers.png` });

  // in English, at phone width: the same, in reach of a finger
  const english = await browser.newContext({ locale: "en", viewport: { width: 390, height: 844 } });
  const phone = await english.newPage();
  await signedIn(phone, "zhangwei");
  await phone.goto("/today");
  await hydrated(phone);
  await expect(await indicator(phone)).toHaveAttribute("data-state", "synced");
  await phone.getByRole("button", { name: "My customers", exact: true }).click();
  await expect(phone.getByTestId("all-count")).toHaveText(`${n} customers`);
  if (n > 50) await expect(phone.getByRole("button", { name: `Show 50 more (${n - 50} left)` })).toBeVisible();
  await phone.getByRole("searchbox", { name: "Search" }).fill("zzzz-nobody");
  await expect(phone.getByTestId("all-count")).toHaveText(`0 found of ${n} customers`);
  await expectNoHorizontalScroll(phone);
  await expectTouchTargets(phone);
  await english.close();
});
