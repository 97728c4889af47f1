import { defineConfig } from "@playwright/test";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

// A port of its own, so the suite runs beside `make run` on 3000.
const port = process.env.QUDAO_E2E_PORT ?? "3100";
export const baseURL = `http://127.0.0.1:${port}`;

// Debian's Chromium; never a downloaded browser. The flags keep it off the network.
export const chromium = {
  executablePath: "/usr/bin/chromium",
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
};

// The server binary: the debug build `make unit` made (`cargo test` builds it), serving
// the release front end `cargo leptos build --release --frontend-only` wrote to
// target/site, whose hashed file names it reads from target/release/hash.txt. A release
// server would add a quarter of an hour of compiling to a clean `make test` and test
// nothing the front end does not; `QUDAO_E2E_SERVER=target/release/qudao` runs one.
export const serverBin = path.resolve(__dirname, "..", process.env.QUDAO_E2E_SERVER ?? "target/debug/qudao");
const hashFile = path.resolve(__dirname, "../target/release/hash.txt");
if (!fs.existsSync(hashFile)) {
  throw new Error(`${hashFile} is missing: build the front end first (make e2e runs cargo leptos build --release --frontend-only)`);
}

// A fresh database for every run (the server seeds the demo company into it).
const dataDir = process.env.QUDAO_E2E_DATA ?? fs.mkdtempSync(path.join(os.tmpdir(), "qudao-e2e-"));
process.env.QUDAO_E2E_DATA = dataDir;

export default defineConfig({
  testDir: "./tests",
  // after the server starts: the suite's company works every day (see the file)
  globalSetup: "./global-setup.ts",
  timeout: 45_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  outputDir: "test-results",
  use: {
    baseURL,
    locale: "zh-CN",
    viewport: { width: 1024, height: 768 },
    hasTouch: true,
    launchOptions: chromium,
    screenshot: "only-on-failure",
  },
  webServer: {
    command: `${serverBin} serve`,
    cwd: "..",
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "ignore",
    stderr: "pipe",
    env: {
      QUDAO_ADDR: `127.0.0.1:${port}`,
      QUDAO_DATABASE_URL: `sqlite://${dataDir}/e2e.db`,
      QUDAO_PHOTO_DIR: `${dataDir}/photos`,
      LEPTOS_SITE_ROOT: "target/site",
      LEPTOS_OUTPUT_NAME: "qudao",
      // an absolute name: read from here rather than beside the binary
      LEPTOS_HASH_FILE_NAME: hashFile,
      // the demo company is only ever seeded when asked for
      QUDAO_SEED_DEMO: "true",
      RUST_LOG: "warn",
    },
  },
});
