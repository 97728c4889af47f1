// Before the page's script has run — on a slow tablet it takes seconds — or with scripts
// off, the forms still work: the browser posts them itself (never as GET), and no
// password or field ever appears in an address.
import { expect, test, type Page } from "@playwright/test";
import { hydrated, PASSWORD } from "./helpers";

/** Every request the page makes, to check that no posted value travels in an address. */
function requests(page: Page): string[] {
  const seen: string[] = [];
  page.on("request", (r) => seen.push(`${r.method()} ${decodeURIComponent(r.url())}`));
  return seen;
}

test.describe("with scripts off", () => {
  test.use({ javaScriptEnabled: false });

  test("a rep signs in and saves a profile edit", async ({ page }) => {
    const seen = requests(page);
    await page.goto("/login");
    await page.locator("#login").fill("zhangwei");
    await page.locator("#password").fill("not-the-password");
    await page.locator("form.login-card button[type=submit]").click();
    await expect(page.getByRole("alert")).toHaveText("账号或密码不正确。");
    await expect(page).toHaveURL(/\/login/);
    await page.locator("#login").fill("zhangwei");
    await page.locator("#password").fill(PASSWORD);
    await page.locator("form.login-card button[type=submit]").click();
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByRole("heading", { name: "工作台" })).toBeVisible();

    // the customer list: search and paging are links and a GET search (they belong in the address)
    await page.getByRole("navigation").getByRole("link", { name: "客户" }).click();
    await page.locator("[data-pager=next]").click();
    await expect(page).toHaveURL(/page=2/);
    await page.locator("tr[data-code] a.cust-name").first().click();
    await expect(page.locator(".cust-head h1")).toBeVisible();
    // edit the basic group: the link opens the form drawn by the server, fields filled
    await page.locator("section[data-group=basic]").getByRole("link", { name: "编辑" }).click();
    await expect(page).toHaveURL(/edit=basic/);
    await expect(page.locator("#f-name")).not.toHaveValue("");
    await page.locator("#f-contact").fill("无脚本联系人");
    await page.locator("section[data-group=basic] button[type=submit]").click();
    await expect(page.getByRole("status").filter({ hasText: "已保存" })).toBeVisible();
    await expect(page.locator('[data-field="contact"] dd')).toHaveText("无脚本联系人");
    // a required field emptied comes back with its message, nothing saved
    await page.locator("section[data-group=basic]").getByRole("link", { name: "编辑" }).click();
    const name = await page.locator("#f-name").inputValue();
    await page.locator("#f-name").fill("");
    await page.locator("section[data-group=basic] button[type=submit]").click();
    await expect(page.locator("#f-name-error")).toHaveText("请填写此项");
    await page.goto(page.url().split("?")[0]);
    await expect(page.locator(".cust-head h1")).toHaveText(name);

    for (const r of seen) {
      expect(r).not.toContain(PASSWORD);
      expect(r).not.toContain("not-the-password");
      expect(r).not.toContain("无脚本联系人");
      if (r.startsWith("GET") && new URL(r.slice(4)).pathname.startsWith("/api/")) throw new Error(`a GET to a server function: ${r}`);
    }
    // and signing out works the same way
    await page.getByRole("button", { name: "退出登录" }).click();
    await expect(page).toHaveURL(/\/login$/);
  });

  test("a rep's Today shows the day's customers before any script has run", async ({ page }) => {
    await page.goto("/login");
    await page.locator("#login").fill("zhangwei");
    await page.locator("#password").fill(PASSWORD);
    await page.locator("form.login-card button[type=submit]").click();
    await expect(page).toHaveURL(/\/$/);
    await page.goto("/today");
    // the customers the server plans for the rep today, drawn in the page in route order
    const r = await page.request.post("/api/visits/today", { data: { rep: "" } });
    expect(r.ok()).toBeTruthy();
    const plan = (await r.json()) as { due: Array<{ id: string; name: string }> };
    expect(plan.due.length).toBeGreaterThan(0);
    const rows = page.locator(".plan-list .plan-pick");
    await expect(rows).toHaveCount(plan.due.length);
    expect(await rows.evaluateAll((bs) => bs.map((b) => b.getAttribute("data-id")))).toEqual(plan.due.map((c) => c.id));
    await expect(page.locator(".plan-list .plan-title").first()).toHaveText(plan.due[0].name);
    await expect(page.getByText("正在读取本机数据")).toHaveCount(0);
  });

  test("the language switch works too, and keeps the page the user was on", async ({ page }) => {
    const seen = requests(page);
    await page.goto("/login");
    await page.getByRole("button", { name: "切换为英文界面" }).click();
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByRole("heading", { name: "Sign in to Qudao" })).toBeVisible();
    await page.locator("#login").fill("liumin");
    await page.locator("#password").fill(PASSWORD);
    await page.locator("form.login-card button[type=submit]").click();
    await expect(page).toHaveURL(/\/$/);
    await page.goto("/customers?page=2");
    await expect(page.locator("td[data-label='Rep']").first()).toBeVisible();
    await page.getByRole("button", { name: "Switch to Chinese" }).click();
    await expect(page).toHaveURL(/\/customers\?page=2$/);
    await expect(page.locator("td[data-label='业务员']").first()).toBeVisible();
    await expect(page.getByRole("heading", { name: "客户档案" })).toBeVisible();
    expect(seen.filter((r) => r.startsWith("GET") && r.includes("/api/"))).toEqual([]);
  });
});

test("a tap on 登录 before the app has loaded posts the form, and the password stays out of the address", async ({ page }) => {
  const seen = requests(page);
  // the app's script never arrives (a tablet on a slow line): the page stays as drawn
  await page.route("**/*.wasm", (route) => route.abort());
  await page.goto("/login");
  await page.locator("#login").fill("laoban");
  await page.locator("#password").fill(PASSWORD);
  await page.locator("form.login-card button[type=submit]").click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByText("您好，陈建国")).toBeVisible();
  expect(seen.filter((r) => r.includes(PASSWORD))).toEqual([]);
  expect(seen.some((r) => r.startsWith("POST") && r.endsWith("/api/login"))).toBe(true);
});

test.describe("on a slow line", () => {
  // The wasm is held back by routing its requests; a service worker that already keeps
  // it (installed by the first page) would answer from its cache, past the route, and
  // the page could start before anything is typed.
  test.use({ serviceWorkers: "block" });

  test("what is typed while the app is still loading is kept when it starts, and is what it sends", async ({ page }) => {
    // a slow line: the page is drawn and used for two seconds before its code arrives
    await page.route("**/*.wasm", async (route) => {
      await new Promise((done) => setTimeout(done, 2000));
      await route.continue();
    });
    await page.goto("/login");
    await page.locator("#login").fill("laoban");
    await page.locator("#password").fill(PASSWORD);
    await expect(page.locator("body[data-hydrated]")).toHaveCount(0);
    await hydrated(page);
    // hydrating the bound inputs must not wipe them …
    await expect(page.locator("#login")).toHaveValue("laoban");
    await expect(page.locator("#password")).toHaveValue(PASSWORD);
    // … and the app sends what they show (an empty signal would answer 请填写此项)
    await page.locator("form.login-card button[type=submit]").click();
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByText("您好，陈建国")).toBeVisible();

    // a page whose code is a chunk of its own: typed before the chunk came, then searched
    await page.goto("/customers");
    await page.locator("#cust-q").fill("CUST-NOT-THERE");
    await expect(page.locator("body[data-hydrated]")).toHaveCount(0);
    await hydrated(page);
    await expect(page.locator("#cust-q")).toHaveValue("CUST-NOT-THERE");
    await page.locator("#cust-q").press("Enter");
    await expect(page).toHaveURL(/[?&]q=CUST-NOT-THERE/);
  });
});
