// Search benchmark: laomo's own index against Pagefind, in headless Chromium.
//
//   node benches/search/compare.cjs SITE_DIR [queries.json]
//
// SITE_DIR is a `laomo build` output; if SITE_DIR/pagefind/ exists (made with
// `pagefind_extended --site SITE_DIR`), Pagefind is measured too. For every query it
// reports, per engine: the bytes fetched by a first search in a fresh browser (no
// cache), the time to results once the index files are fetched with the CPU slowed 4x
// (Chromium's throttling, a mid-range phone), and the first result's title. Needs
// LAOMO_NODE_MODULES (playwright-core) and Debian's chromium. docs/search.md has results.
"use strict";
const fs = require("fs");
const http = require("http");
const path = require("path");

const site = path.resolve(process.argv[2] || "public");
const queries = JSON.parse(
  fs.readFileSync(process.argv[3] || path.join(__dirname, "queries.json"), "utf8"),
);
const modules = process.env.LAOMO_NODE_MODULES || path.join(__dirname, "../../target/ci-tools/node_modules");
const { chromium } = require(path.join(modules, "playwright-core"));
const THROTTLE = 4;

const MIME = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css",
  ".json": "application/json", ".wasm": "application/wasm", ".svg": "image/svg+xml",
};

// The site's base path, from the search metadata: links in the output carry it.
const meta = JSON.parse(fs.readFileSync(path.join(site, "search/meta.json"), "utf8"));
const base = meta.base || "/";

function serve() {
  const server = http.createServer((req, res) => {
    let p = decodeURIComponent(new URL(req.url, "http://x").pathname);
    if (p.startsWith(base)) p = "/" + p.slice(base.length);
    let file = path.join(site, p);
    if (!file.startsWith(site)) return res.writeHead(403).end();
    if (p.endsWith("/")) file = path.join(file, "index.html");
    fs.readFile(file, (err, body) => {
      if (err) return res.writeHead(404).end("not found");
      res.writeHead(200, { "Content-Type": MIME[path.extname(file)] || "application/octet-stream" });
      res.end(body);
    });
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => ok(server)));
}

async function engineOurs(page, q) {
  // The search page's own script: submit the query, wait for the status line.
  return page.evaluate(async (q) => {
    const input = document.getElementById("search-q");
    const status = document.querySelector("#search .status");
    status.textContent = "";
    input.value = q;
    const t0 = performance.now();
    const done = new Promise((ok) => {
      const o = new MutationObserver(() => {
        if (status.textContent) {
          o.disconnect();
          ok();
        }
      });
      o.observe(status, { childList: true, characterData: true, subtree: true });
    });
    input.form.requestSubmit();
    await done;
    const ms = performance.now() - t0;
    const first = document.querySelector("#search .results .result a");
    const total = status.textContent.match(/找到 (\d+)/);
    return { ms, first: first ? first.textContent : null, count: total ? Number(total[1]) : 0 };
  }, q);
}

async function enginePagefind(page, q) {
  return page.evaluate(async (q) => {
    if (!window.__pf) {
      window.__pf = await import(document.baseURI.replace(/search\/.*$/, "") + "pagefind/pagefind.js");
      await window.__pf.init();
    }
    const t0 = performance.now();
    const r = await window.__pf.search(q);
    const top = await Promise.all(r.results.slice(0, 20).map((x) => x.data()));
    const ms = performance.now() - t0;
    return { ms, first: top.length ? top[0].meta.title : null, count: r.results.length };
  }, q);
}

async function measure(browser, origin, engine, run, q) {
  // Cold: a fresh context, count the bytes the query pulls in.
  const context = await browser.newContext();
  const page = await context.newPage();
  let bytes = 0;
  const files = new Set();
  // Bodies are read as responses arrive; all of them are awaited before counting.
  const reading = [];
  page.on("response", (r) => {
    const u = new URL(r.url());
    if (/\/(search|pagefind)\//.test(u.pathname) && !u.pathname.endsWith("/")) {
      reading.push(
        r.body().then(
          (b) => {
            bytes += b.length;
            files.add(u.pathname);
          },
          () => {},
        ),
      );
    }
  });
  await page.goto(origin + base + "search/", { waitUntil: "load" });
  const cold = await run(page, q);
  await page.waitForLoadState("networkidle");
  await Promise.all(reading);
  // Warm: the index files are fetched; slow the CPU and search again.
  const cdp = await context.newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: THROTTLE });
  const warm = [];
  for (let i = 0; i < 3; i++) warm.push((await run(page, q)).ms);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 1 });
  await context.close();
  warm.sort((a, b) => a - b);
  return { engine, q, bytes, files: files.size, first: cold.first, count: cold.count, warm_ms: warm[1] };
}

async function main() {
  const server = await serve();
  const origin = "http://127.0.0.1:" + server.address().port;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu"],
  });
  const engines = [["laomo", engineOurs]];
  if (fs.existsSync(path.join(site, "pagefind/pagefind.js"))) engines.push(["pagefind", enginePagefind]);
  const rows = [];
  for (const { q, expect } of queries) {
    for (const [name, run] of engines) {
      const r = await measure(browser, origin, name, run, q);
      r.expect = expect || null;
      r.hit = expect ? Boolean(r.first && r.first.startsWith(expect)) : null;
      rows.push(r);
      console.log(
        `${name.padEnd(8)} ${q.padEnd(14)} ${String(Math.round(r.bytes / 1024)).padStart(5)} KB ` +
          `${String(r.files).padStart(3)} files  ${r.warm_ms.toFixed(1).padStart(6)} ms  ` +
          `${String(r.count).padStart(5)} hits  first: ${r.first}${r.hit === null ? "" : r.hit ? "  ✓" : "  ✗ (" + expect + ")"}`,
      );
    }
  }
  for (const [name] of engines) {
    const mine = rows.filter((r) => r.engine === name);
    const judged = mine.filter((r) => r.hit !== null);
    const kb = mine.map((r) => r.bytes / 1024).sort((a, b) => a - b);
    const ms = mine.map((r) => r.warm_ms).sort((a, b) => a - b);
    console.log(
      `${name}: first result right ${judged.filter((r) => r.hit).length}/${judged.length}; ` +
        `KB per query median ${kb[kb.length >> 1].toFixed(0)}, max ${kb[kb.length - 1].toFixed(0)}; ` +
        `ms at ${THROTTLE}x CPU median ${ms[ms.length >> 1].toFixed(1)}, max ${ms[ms.length - 1].toFixed(1)}`,
    );
  }
  await browser.close();
  server.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
