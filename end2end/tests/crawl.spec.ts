// The crawl: every page of the router's route table, loaded afresh (a full page load, as
// a bookmark, a reload or a tablet waking up does), as every role, in both languages, at
// tablet and phone width. It fails on a console error, a page error, a page that never
// hydrates, a window title the browser changes, program text on screen, an HTTP error
// the role should not meet, sideways scrolling, a tap target under 44 px in a table, and
// on any paged list whose "next" and "previous" do not work. Routes come from the server
// binary itself (`qudao routes`), ids from the links the role is shown, so a new page is
// crawled without a new test.
import { expect, test, type Browser, type Page } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { serverBin } from "../playwright.config";
import { PASSWORD } from "./helpers";

const routes: string[] = execFileSync(serverBin, ["routes"], {
  encoding: "utf8",
  env: { ...process.env, RUST_LOG: "error" },
})
  .split("\n")
  .map((l) => l.trim())
  .filter((l) => l.startsWith("/"))
  // axum writes parameters as {id}; the page code as :id
  .map((l) => l.replace(/\{([a-z_]+)\}/g, ":$1"));

type Role = "owner" | "manager" | "rep" | "driver";
const logins: Record<Role, string> = { owner: "laoban", manager: "liumin", rep: "zhangwei", driver: "wugang" };

// Pages the design closes to a role (answered 403 with the "no permission" page).
const driverOpen = ["/deliveries", "/handbook", "/development", "/development/:id", "/tickets/deliveries/:id"];
function expectedStatus(role: Role, route: string, borrowedId: boolean): number[] {
  if (route === "/login") return [200];
  if (role === "driver") {
    if (route === "/") return [200]; // sent on to their deliveries
    if (!driverOpen.includes(route)) return [403];
  }
  if (role === "rep" && ["/staff", "/customers/import"].includes(route)) return [403];
  // an id this role was never shown (another role's customer, ticket, employee)
  if (borrowedId) return [200, 403, 404];
  return [200];
}

// Rust or view! source that leaked into the page's text (rstml spaces its tokens:
// "= pages on : click = move | _ | goto (current + 1) >").
const programText = /(\bmove\s*\||\|\s*_\s*\||\bon\s*:\s*[a-z]+\s*=|\bEither\s*::|\.\s*get\s*\(\s*\)|::\s*[a-z_]+\s*\(|=>\s*\{)/;

const viewports = [
  { name: "tablet", width: 1024, height: 768 },
  { name: "phone", width: 390, height: 844 },
] as const;
const locales = ["zh-CN", "en"] as const;

function pattern(route: string): RegExp {
  const re = route.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/:[a-z_]+/g, "[^/?#]+");
  return new RegExp(`^${re}$`);
}

/** Every same-site link on the page, as a path. */
async function links(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLAnchorElement>("a[href]"))
      .map((a) => new URL(a.href, location.href))
      .filter((u) => u.origin === location.origin)
      .map((u) => u.pathname),
  );
}

/** Problems a loaded page shows: program text, sideways scroll, small tap targets. */
async function looks(page: Page): Promise<string[]> {
  return page.evaluate((source) => {
    const out: string[] = [];
    const text = document.body.innerText;
    const m = text.match(new RegExp(source));
    if (m) out.push(`program text on screen: "${text.slice(Math.max(0, m.index! - 30), m.index! + 50)}"`);
    const over = document.documentElement.scrollWidth - window.innerWidth;
    if (over > 0) out.push(`scrolls sideways by ${over}px`);
    const small = Array.from(
      document.querySelectorAll<HTMLElement>(
        "table a, button, a.button, .mainnav a, select, input:not([type=checkbox]):not([type=radio]):not([type=hidden]):not([type=file])",
      ),
    )
      .filter((el) => el.offsetParent !== null && !el.closest("[aria-hidden=true]"))
      .filter((el) => el.getBoundingClientRect().height < 43.5)
      .map((el) => el.outerHTML.slice(0, 90));
    if (small.length) out.push(`${small.length} tap targets under 44 px, e.g. ${small.slice(0, 3).join(" | ")}`);
    return out;
  }, programText.source);
}

async function signedInContext(browser: Browser, role: Role, locale: string, vp: { width: number; height: number }) {
  const context = await browser.newContext({ locale, viewport: vp, hasTouch: true });
  const r = await context.request.post("/api/login", { data: { login: logins[role], password: PASSWORD } });
  expect(r.status(), `sign-in as ${logins[role]}`).toBe(200);
  return context;
}

// Links the owner is shown (read from the server-drawn pages): ids for the pages another
// role is shown no link to.
const ownerLinks: string[] = [];
test.beforeAll(async ({ playwright, baseURL }) => {
  const request = await playwright.request.newContext({ baseURL });
  const r = await request.post("/api/login", { data: { login: logins.owner, password: PASSWORD } });
  expect(r.status()).toBe(200);
  for (const route of routes.filter((r) => !r.includes(":"))) {
    const html = await (await request.get(route, { headers: { accept: "text/html" } })).text();
    for (const m of html.matchAll(/href="(\/[^"?#]*)/g)) if (!ownerLinks.includes(m[1])) ownerLinks.push(m[1]);
  }
  await request.dispose();
});

for (const vp of viewports) {
  for (const locale of locales) {
    for (const role of Object.keys(logins) as Role[]) {
      test(`every page loads clean: ${role}, ${locale}, ${vp.name}`, async ({ browser }) => {
        test.setTimeout(240_000);
        expect(routes.length, "qudao routes lists the pages").toBeGreaterThan(20);
        const context = await signedInContext(browser, role, locale, vp);
        const page = await context.newPage();
        let errors: string[] = [];
        page.on("console", (m) => {
          if (m.type() === "error" || (m.type() === "warning" && /hydrat/i.test(m.text()))) errors.push(m.text());
        });
        page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
        const problems: string[] = [];
        const seen: string[] = [];
        let pagersTried = 0;
        // routes without parameters first: their links give the ids of the others
        const ordered = [...routes.filter((r) => !r.includes(":")), ...routes.filter((r) => r.includes(":"))];
        for (const route of ordered) {
          let url = route;
          let borrowed = false;
          if (route.includes(":")) {
            const matches = (p: string) => pattern(route).test(p) && !routes.includes(p);
            const found = seen.find(matches);
            const theirs = ownerLinks.find(matches);
            if (found) {
              url = found;
            } else if (theirs) {
              // the role is shown no such link: try the owner's, which it may not open
              url = theirs;
              borrowed = true;
            } else {
              problems.push(`${route}: no page shown to ${role} links to it, and no id to try`);
              continue;
            }
          }
          errors = [];
          const response = await page.goto(url);
          const status = response?.status() ?? 0;
          const allowed = expectedStatus(role, route, borrowed);
          if (!allowed.includes(status)) problems.push(`${url}: HTTP ${status}, expected ${allowed.join("/")}`);
          const hydrated = await page
            .locator("body[data-hydrated]")
            .waitFor({ timeout: 20_000 })
            .then(() => true)
            .catch(() => false);
          if (!hydrated) problems.push(`${url}: never hydrated`);
          await page.waitForLoadState("networkidle", { timeout: 10_000 }).catch(() => {});
          // the browser reports the page's own error status once; anything else is a bug
          const unexpected = errors.filter(
            (e) => !(status >= 400 && allowed.includes(status) && /Failed to load resource.*(403|404)/.test(e)),
          );
          for (const e of unexpected) problems.push(`${url}: console: ${e.slice(0, 300)}`);
          for (const p of await looks(page)) problems.push(`${url}: ${p}`);
          // the app names the window itself once it runs: the name it gives is the one
          // the server wrote, and it carries the app's name
          const written = await page.evaluate(
            (html) => new DOMParser().parseFromString(html, "text/html").title,
            (await response?.text()) ?? "",
          );
          const shown = await page.title();
          if (shown !== written) problems.push(`${url}: the title "${written}" became "${shown}" in the browser`);
          if (!/(渠道|Qudao)$/.test(shown)) problems.push(`${url}: the title "${shown}" does not name the app`);
          // a page the role may open names itself first (the app's name alone is for a
          // refusal drawn in a page's place, which answers 403 or 404)
          if (status === 200 && !/\S · (渠道|Qudao)$/.test(shown)) problems.push(`${url}: the title "${shown}" does not name the page`);
          if (status === 200 && !borrowed) {
            for (const l of await links(page)) if (!seen.includes(l)) seen.push(l);
            // every pager on the page goes forward and back; one that says there are more
            // pages has a working "next" (a list that could not page passed every test)
            const pagers = page.locator("nav.pager");
            for (let i = 0; i < (await pagers.count()); i++) {
              const pager = pagers.nth(i);
              const [now, of] = [await pager.getAttribute("data-page"), await pager.getAttribute("data-pages")];
              if (now === null) {
                problems.push(`${url}: a pager without data-page, which this crawl cannot check`);
                continue;
              }
              const next = pager.locator('[data-pager="next"]:not([aria-disabled="true"]):not([disabled])');
              if ((await next.count()) === 0) {
                if (of !== null && Number(of) > Number(now)) problems.push(`${url}: page ${now} of ${of} and no way to the next`);
                continue;
              }
              pagersTried += 1;
              errors = [];
              const at = async () => (await pager.getAttribute("data-page")) ?? (await pager.innerText());
              const first = await at();
              await next.first().click();
              await expect.poll(at, { message: `${url}: page 2 of the list` }).not.toBe(first);
              await pager.locator('[data-pager="prev"]:not([aria-disabled="true"]):not([disabled])').first().click();
              await expect.poll(at, { message: `${url}: back to page 1` }).toBe(first);
              for (const e of errors) problems.push(`${url} paging: console: ${e.slice(0, 300)}`);
            }
          }
        }
        expect(problems, problems.join("\n")).toEqual([]);
        // the customer list alone has several pages for everyone but a driver
        if (role !== "driver") expect(pagersTried, "lists were paged").toBeGreaterThan(0);
        await context.close();
      });
    }
  }
}
