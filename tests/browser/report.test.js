// Browser tests of the HTML report: headless Chromium (the Debian package,
// /usr/bin/chromium) driven by playwright-core, which downloads no browser.
// Each bundled book's report is loaded from disk with the network off and
// compared with the JSON report of the same run; then the search box, a
// filter and a column sort are used as a person would. Screenshots and pages
// go to a temporary folder, never into the repository, removed at the end
// unless ELIGO_KEEP_SCREENSHOTS is set (then its path is printed, to look at).
//
// Run: `node --test tests/browser/` after `cargo build` (see .ci/run).
// ELIGO_BIN and CHROMIUM override the binary paths.
"use strict";
const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { spawnSync } = require("node:child_process");
const { pathToFileURL } = require("node:url");
const { chromium } = require("playwright-core");

const ROOT = path.resolve(__dirname, "..", "..");
const ELIGO = process.env.ELIGO_BIN || path.join(ROOT, "target", "debug", "eligo");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const OUT = fs.mkdtempSync(path.join(os.tmpdir(), "eligo-browser-"));
const PAGE_SIZE = 100;

/**
 * Runs eligo from the crate root. Exit 0 or 1 (findings) gives a report, and
 * so does 2 (input errors) for `check`, whose report lists them.
 */
function eligo(args) {
  const run = spawnSync(ELIGO, args, { cwd: ROOT, maxBuffer: 1 << 30, encoding: "utf8" });
  const reported = run.status === 0 || run.status === 1 || (run.status === 2 && run.stdout !== "");
  assert.ok(reported, `eligo ${args.join(" ")}: ${run.status} ${run.stderr}`);
  return run.stdout;
}

/** The JSON report and the HTML file of one `eligo check` run. */
function reports(name, args) {
  const json = JSON.parse(eligo(["check", "--format", "json", ...args]));
  const file = path.join(OUT, `${name}.html`);
  fs.writeFileSync(file, eligo(["check", "--format", "html", ...args]));
  return { json, file };
}

function findings(report) {
  return report.files.flatMap((f) => f.findings.map((x) => ({ ...x, file: f.path })));
}

/** Readiness per file and customer, as the JSON report implies it. */
function readiness(report) {
  const out = [];
  for (const file of report.files) {
    for (const c of file.customers || []) {
      const errors = file.findings.filter(
        (f) => f.customer === c.id && f.severity === "error" && !f.waived
      ).length;
      const state = errors > 0 ? "blocked" : c.subscriptions === 0 ? "nothing" : "ready";
      out.push(`${file.path}\t${c.id}\t${state}`);
    }
  }
  return out.sort();
}

/** What the search box matches in, as report.js builds it. */
function haystack(f) {
  const fix = f.fix || "";
  const message = fix && f.message.endsWith("; " + fix) ? f.message.slice(0, -fix.length - 2) : f.message;
  const status = f.waived ? "waived" : f.baseline || "";
  const waiver = f.waived ? `${f.waived.reason} (${f.waived.owner}, until ${f.waived.expires})` : "";
  const place = `${f.location.path}:${f.location.line}:${f.location.column}`;
  return [f.rule, f.severity, f.subject, f.customer || "", message, fix, place, status, waiver]
    .join("\n")
    .toLowerCase();
}

let browser;
before(async () => {
  assert.ok(fs.existsSync(ELIGO), `${ELIGO} is missing: run cargo build first`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
});
after(async () => {
  await browser?.close();
  if (process.env.ELIGO_KEEP_SCREENSHOTS) {
    console.log(`screenshots and pages: ${OUT}`);
  } else {
    fs.rmSync(OUT, { recursive: true, force: true });
  }
});

/**
 * Opens a report file offline; every request the page makes is recorded and
 * every one but the page itself is aborted. Console errors and warnings and
 * uncaught exceptions are collected.
 */
async function open(file, { javaScript = true } = {}) {
  const url = pathToFileURL(file).href;
  const context = await browser.newContext({
    offline: true,
    javaScriptEnabled: javaScript,
    viewport: { width: 1400, height: 1000 },
  });
  const requests = [];
  const problems = [];
  context.on("request", (r) => requests.push(r.url()));
  await context.route("**/*", (route) =>
    route.request().url() === url ? route.continue() : route.abort()
  );
  const page = await context.newPage();
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`exception: ${e.message}`));
  const started = Date.now();
  await page.goto(url, { waitUntil: "load" });
  const loadMs = Date.now() - started;
  return { url, context, page, requests, problems, loadMs };
}

/** Screenshots of the top of the page and of the findings section. */
async function shoot(page, name) {
  await page.screenshot({ path: path.join(OUT, `${name}.png`) });
  await page.locator("#findings").screenshot({ path: path.join(OUT, `${name}-findings.png`) });
}

async function assertClean(view) {
  assert.deepEqual(view.requests, [view.url], "no request but the page itself");
  assert.deepEqual(view.problems, [], "no console error or warning");
  await view.context.close();
}

const count = (page) => page.$eval("#count", (e) => Number(e.dataset.matching));
const shownRows = (page) => page.$$eval("#findings-body tr", (rows) => rows.length);
const column = (page, i) =>
  page.$$eval("#findings-body tr", (rows, i) => rows.map((r) => r.cells[i].textContent), i);

const books = fs
  .readdirSync(path.join(ROOT, "fixtures", "books"))
  .filter((f) => f.endsWith(".yaml"))
  .sort();

for (const book of books) {
  test(`the report of ${book} equals its JSON report and filters, searches and sorts`, async () => {
    const name = path.basename(book, ".yaml");
    const { json, file } = reports(name, [`fixtures/books/${book}`]);
    const all = findings(json);
    const view = await open(file);
    const { page } = view;

    const data = await page.$eval("#eligo-data", (e) => JSON.parse(e.textContent));
    assert.deepEqual(data, json, "the embedded data is the JSON report");
    for (const key of ["errors", "warnings", "waived", "input_errors", "files"]) {
      const shown = await page.$eval(`[data-total=${key}]`, (e) => Number(e.textContent));
      assert.equal(shown, json.summary[key], key);
    }
    const shownReadiness = await page.$$eval("#customers-table tbody tr", (rows) =>
      rows.map((r) => `${r.dataset.path}\t${r.dataset.customer}\t${r.dataset.readiness}`).sort()
    );
    assert.deepEqual(shownReadiness, readiness(json));
    assert.equal(await count(page), all.length);
    assert.equal(await shownRows(page), Math.min(all.length, PAGE_SIZE));
    assert.equal(await page.isVisible("#filters"), true, "the script shows the filters");
    await shoot(page, name);

    if (all.length > 0) {
      // Search as a person types: the first finding's customer or subject.
      const term = (all[0].customer || all[0].subject).toLowerCase();
      await page.locator("#q").pressSequentially(term);
      const expected = all.filter((f) => haystack(f).includes(term));
      assert.equal(await count(page), expected.length, `search ${term}`);
      const texts = await page.$$eval("#findings-body tr", (rows) => rows.map((r) => r.textContent.toLowerCase()));
      assert.equal(texts.length, Math.min(expected.length, PAGE_SIZE));
      assert.ok(texts.every((t) => t.includes(term)), "every row shown matches");
      await page.locator("#findings").screenshot({ path: path.join(OUT, `${name}-search.png`) });
      await page.click("#clear");
      assert.equal(await count(page), all.length);

      // Filter by severity, then by customer.
      await page.selectOption("#f-severity", "warning");
      assert.equal(await count(page), all.filter((f) => f.severity === "warning").length);
      await page.selectOption("#f-severity", "");
      const customer = all.find((f) => f.customer);
      if (customer) {
        await page.selectOption("#f-customer", customer.customer);
        assert.equal(await count(page), all.filter((f) => f.customer === customer.customer).length);
        await page.click("#clear");
      }

      // Sort by subject: ascending, then descending, by keyboard.
      const subject = page.locator("#findings-table thead th:nth-child(3) button");
      await subject.focus();
      await page.keyboard.press("Enter");
      const up = await column(page, 2);
      assert.deepEqual(up, [...up].sort(), "ascending");
      assert.equal(await page.getAttribute("#findings-table thead th:nth-child(3)", "aria-sort"), "ascending");
      await page.keyboard.press("Enter");
      const down = await column(page, 2);
      assert.deepEqual(down, [...up].sort().reverse(), "descending");
    }
    await assertClean(view);
  });
}

test("without JavaScript the server-rendered report is complete", async () => {
  const { json, file } = reports("mixed-book-nojs", ["fixtures/books/mixed-book.yaml"]);
  const view = await open(file, { javaScript: false });
  const { page } = view;
  assert.equal(await shownRows(page), findings(json).length);
  assert.equal(await page.isVisible("#filters"), false, "no controls that would do nothing");
  assert.equal(await page.$eval("[data-total=errors]", (e) => Number(e.textContent)), json.summary.errors);
  await shoot(page, "mixed-book-nojs");
  await page.emulateMedia({ media: "print" });
  await shoot(page, "mixed-book-print");
  assert.deepEqual(view.requests, [view.url]);
  await view.context.close();
});

test("input errors come first, waived findings are marked", async () => {
  const { json, file } = reports("errors-and-waivers", [
    "fixtures/books/mixed-book.yaml",
    "fixtures/invalid/bad-enum.yaml",
    "--waivers",
    "fixtures/waivers/mixed-book.yaml",
  ]);
  const view = await open(file);
  const { page } = view;
  const first = await page.$eval("main > section", (s) => s.id);
  assert.equal(first, "input-errors");
  assert.equal(await page.$$eval("#input-errors-table tbody tr", (r) => r.length), json.errors.length);
  await page.selectOption("#f-status", "waived");
  const waived = findings(json).filter((f) => f.waived).length;
  assert.ok(waived > 0);
  assert.equal(await count(page), waived);
  assert.equal(await page.$$eval("#findings-body .st-waived", (r) => r.length), waived);
  await shoot(page, "errors-and-waivers");
  await assertClean(view);
});

test("a report of 100k subscriptions opens and filters without freezing", async () => {
  const book = path.join(OUT, "book-100000.yaml");
  eligo(["generate", "--subscriptions", "100000", "--seed", "1", "--out", book]);
  const { json, file } = reports("book-100000", [book]);
  const all = findings(json);
  const bytes = fs.statSync(file).size;
  const view = await open(file);
  const { page } = view;
  const timing = await page.evaluate(() => {
    const nav = performance.getEntriesByType("navigation")[0];
    return { domContentLoaded: nav.domContentLoadedEventEnd, load: nav.loadEventEnd };
  });
  assert.equal(await count(page), all.length);
  assert.equal(await shownRows(page), PAGE_SIZE);
  // One keystroke's filtering and rendering, timed inside the page.
  const filterMs = await page.evaluate(() => {
    const q = document.getElementById("q");
    const t = performance.now();
    q.value = "mca";
    q.dispatchEvent(new Event("input"));
    return performance.now() - t;
  });
  const expected = all.filter((f) => haystack(f).includes("mca")).length;
  assert.equal(await count(page), expected);
  const sortMs = await page.evaluate(() => {
    const t = performance.now();
    document.querySelector("#findings-table thead th:nth-child(7) button").click();
    return performance.now() - t;
  });
  await shoot(page, "book-100000");
  console.log(
    `100k subscriptions: ${all.length} findings, ${bytes} bytes; ` +
      `load ${Math.round(timing.load)} ms (DOMContentLoaded ${Math.round(timing.domContentLoaded)} ms, ` +
      `goto ${view.loadMs} ms); one search keystroke ${filterMs.toFixed(1)} ms; sort by location ${sortMs.toFixed(1)} ms`
  );
  // Generous bounds: the machine is shared; a freeze would take far longer.
  assert.ok(timing.load < 15000, `load took ${timing.load} ms`);
  assert.ok(filterMs < 2000, `a keystroke took ${filterMs} ms`);
  assert.ok(sortMs < 2000, `sorting took ${sortMs} ms`);
  await assertClean(view);
});

test("axe-core finds no WCAG 2 A or AA violation (contrast, labels, headings)", async () => {
  const axe = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
  const pages = [
    reports("axe-errors-and-waivers", [
      "fixtures/books/mixed-book.yaml",
      "fixtures/invalid/bad-enum.yaml",
      "--waivers",
      "fixtures/waivers/mixed-book.yaml",
    ]).file,
  ];
  for (const file of pages) {
    const view = await open(file);
    // Evaluated through the DevTools protocol, which the page's policy does
    // not govern: the page itself still allows no other script.
    await view.page.evaluate(axe);
    for (const media of ["screen", "print"]) {
      await view.page.emulateMedia({ media });
      const result = await view.page.evaluate(() =>
        window.axe.run(document, { runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] })
      );
      const found = result.violations.map(
        (v) => `${v.id}: ${v.help} (${v.nodes.length}) ${v.nodes[0].html.slice(0, 120)}`
      );
      assert.deepEqual(found, [], `${media}: ${found.join("\n")}`);
      assert.ok(result.passes.some((p) => p.id === "color-contrast"), "contrast was checked");
    }
    await assertClean(view);
  }
});
