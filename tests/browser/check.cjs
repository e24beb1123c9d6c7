// Drives Debian's Chromium through playwright-core over the built example site and prints
// what it saw as JSON; tests/browser.rs decides what passes. Run by the Rust test only.
//
// Input: a JSON file named by argv[2]:
//   { base, chromium, modules, screenshots, pages: [{name, path}], hall, gallery, home }
"use strict";
const fs = require("fs");
const path = require("path");

const input = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const { chromium } = require(path.join(input.modules, "playwright-core"));
const axeSource = fs.readFileSync(path.join(input.modules, "axe-core", "axe.min.js"), "utf8");
const origin = new URL(input.base).origin;
const WIDTHS = [
  { width: 390, height: 844, label: "390" },
  { width: 1280, height: 800, label: "1280" },
];

async function watch(context) {
  const page = await context.newPage();
  const seen = { console: [], failed: [], foreign: [], bytes: {} };
  page.on("console", (m) => {
    if (m.type() === "error") seen.console.push(m.text());
  });
  page.on("pageerror", (e) => seen.console.push("uncaught: " + e.message));
  page.on("request", (r) => {
    const u = r.url();
    if (!u.startsWith("data:") && !u.startsWith("blob:") && new URL(u).origin !== origin) {
      seen.foreign.push(u);
    }
  });
  // ERR_ABORTED is the browser dropping a request because the test moved on (a new
  // address, a reload): not a failure of the site. A missing file is an HTTP 404 below.
  page.on("requestfailed", (r) => {
    const why = (r.failure() || {}).errorText || "";
    if (why !== "net::ERR_ABORTED") seen.failed.push(r.url() + " " + why);
  });
  page.on("response", async (r) => {
    if (r.status() >= 400) seen.failed.push(r.url() + " HTTP " + r.status());
    const type = r.request().resourceType();
    try {
      const body = await r.body();
      seen.bytes[type] = (seen.bytes[type] || 0) + body.length;
    } catch (_) {
      /* redirects have no body */
    }
  });
  return { page, seen };
}

// Scrolls to the end so lazy images load (and would fail) like a reader's would.
async function settle(page) {
  await page.evaluate(async () => {
    for (let y = 0; y < document.body.scrollHeight; y += window.innerHeight) {
      window.scrollTo(0, y);
      await new Promise((r) => setTimeout(r, 30));
    }
    window.scrollTo(0, 0);
  });
  await page.waitForLoadState("networkidle");
}

async function axe(page, rules) {
  await page.addScriptTag({ content: axeSource });
  return page.evaluate(async (only) => {
    const options = { resultTypes: ["violations"] };
    if (only) options.runOnly = { type: "rule", values: only };
    const r = await window.axe.run(document, options);
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ") + " :: " + n.failureSummary),
    }));
  }, rules || null);
}

async function main() {
  const browser = await chromium.launch({
    executablePath: input.chromium,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
  const report = { pages: [], filter: null, lightbox: null, home: null };
  fs.mkdirSync(input.screenshots, { recursive: true });
  for (const p of input.pages) {
    for (const w of WIDTHS) {
      const context = await browser.newContext({
        viewport: { width: w.width, height: w.height },
        colorScheme: "light",
        hasTouch: w.width < 500,
      });
      const { page, seen } = await watch(context);
      await page.goto(input.base + p.path.replace(/^\//, ""), { waitUntil: "load" });
      await settle(page);
      const shot = path.join(input.screenshots, `${p.name}-${w.label}.png`);
      await page.screenshot({ path: shot, fullPage: true });
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      const entry = { name: p.name, path: p.path, width: w.width, shot, overflow, ...seen };
      if (w.width === 390) {
        // The narrowest phones in use: nothing may scroll sideways at 360 px either.
        await page.setViewportSize({ width: 360, height: 740 });
        entry.overflow360 = await page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        await page.setViewportSize({ width: w.width, height: w.height });
      }
      entry.axe = (await axe(page)).filter((v) => v.impact === "serious" || v.impact === "critical");
      if (w.width === 390) {
        // The dark scheme: the same page, colour contrast only.
        await page.emulateMedia({ colorScheme: "dark" });
        entry.axe_dark = await axe(page, ["color-contrast"]);
        await page.screenshot({ path: path.join(input.screenshots, `${p.name}-${w.label}-dark.png`) });
      }
      report.pages.push(entry);
      await context.close();
    }
  }

  // Page weight of the home page: everything but images and media.
  {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const { page, seen } = await watch(context);
    await page.goto(input.base, { waitUntil: "load" });
    await page.waitForLoadState("networkidle");
    const lazy = await page.evaluate(() =>
      Array.from(document.images).map((i) => ({
        src: i.currentSrc || i.src,
        lazy: i.loading === "lazy",
        top: i.getBoundingClientRect().top + window.scrollY,
      })),
    );
    report.home = { bytes: seen.bytes, images: lazy, viewport: 844 };
    await context.close();
  }

  // The hall-of-fame filter: pick the smallest term of each facet and count the cards.
  {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const { page, seen } = await watch(context);
    await page.goto(input.base + input.hall.replace(/^\//, ""), { waitUntil: "load" });
    const before = await page.locator("#hall-list .card").count();
    // Where the first person is drawn on a phone's first screen, with the filters folded.
    const firstCardTop = await page.locator("#hall-list .card").first().evaluate((e) => e.getBoundingClientRect().top);
    const foldedVisible = await page.locator("#hall-filter").isVisible();
    await page.locator("#hall-tools > summary").click();
    const formVisible = await page.locator("#hall-filter").isVisible();
    const trials = [];
    for (const key of await page.locator("#hall-filter select").evaluateAll((s) => s.map((x) => x.name))) {
      const select = page.locator(`#hall-filter select[name="${key}"]`);
      const options = await select.locator("option").evaluateAll((os) =>
        os.filter((o) => o.value).map((o) => ({ value: o.value, label: o.textContent })),
      );
      const option = options[options.length - 1];
      await select.selectOption(option.value);
      await page.waitForSelector("#filter-results:not([hidden]) .card, #filter-results:not([hidden])");
      await page.waitForFunction(() => !/正在/.test(document.getElementById("filter-status").textContent));
      trials.push({
        key,
        value: option.value,
        chips: await page.locator("#filter-chosen .chip").allTextContents(),
        option: option.label,
        shown: await page.locator("#filter-results .card").count(),
        listHidden: await page.locator("#hall-list").isHidden(),
        status: await page.locator("#filter-status").textContent(),
        url: page.url(),
      });
      await page.screenshot({ path: path.join(input.screenshots, `filter-${key}-390.png`) });
      await page.locator('#hall-filter button[type="reset"]').click();
      await page.waitForFunction(() => !document.getElementById("hall-list").hidden);
    }
    // A shared address applies its filter on load.
    const shared = trials.length ? trials[0].url : null;
    let sharedShown = null;
    if (shared) {
      await page.goto(shared, { waitUntil: "load" });
      await page.waitForSelector("#filter-results:not([hidden])");
      sharedShown = await page.locator("#filter-results .card").count();
    }
    report.filter = { before, firstCardTop, foldedVisible, formVisible, trials, shared, sharedShown, console: seen.console, failed: seen.failed };
    await context.close();
    // Without scripts the menus would do nothing: hidden, and the term links shown.
    const plain = await browser.newContext({ viewport: { width: 390, height: 844 }, javaScriptEnabled: false });
    const page2 = await plain.newPage();
    await page2.goto(input.base + input.hall.replace(/^\//, ""), { waitUntil: "load" });
    report.filter.noScriptFormVisible = await page2.locator("#hall-filter").isVisible();
    report.filter.noScriptTermLinks = await page2.locator(".filters a").count();
    await plain.close();
  }

  // Keyboard: from the top of the hall of fame, how many Tab presses reach a person.
  {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(input.base + input.hall.replace(/^\//, ""), { waitUntil: "load" });
    const steps = [];
    let reached = null;
    for (let i = 1; i <= 12 && reached === null; i++) {
      await page.keyboard.press("Tab");
      const focus = await page.evaluate(() => {
        const a = document.activeElement;
        return { text: (a.textContent || "").trim().slice(0, 20), inCard: !!a.closest("#hall-list .card") };
      });
      steps.push(focus.text);
      if (focus.inCard) reached = { presses: i, text: focus.text };
      // A skip link to the list is followed, as a keyboard user would.
      else if (focus.text === "跳到名录") {
        await page.keyboard.press("Enter");
        steps.push("(Enter)");
      }
    }
    const first = await page.locator("#hall-list .card .card-title a").first().textContent();
    report.keyboard = { reached, steps, first };
    await context.close();
  }

  // Images sized right: at each width and pixel density, the file the browser chose for
  // each photo against the width it is drawn at.
  report.sizing = [];
  for (const vp of [
    { width: 390, height: 844, dpr: 3 },
    { width: 768, height: 1024, dpr: 2 },
    { width: 1280, height: 800, dpr: 1 },
    { width: 1280, height: 800, dpr: 2 },
  ]) {
    for (const p of input.sizing || []) {
      // A context per page: a browser may reuse a wider file it already holds.
      const context = await browser.newContext({
        viewport: { width: vp.width, height: vp.height },
        deviceScaleFactor: vp.dpr,
      });
      const page = await context.newPage();
      await page.goto(input.base + p.replace(/^\//, ""), { waitUntil: "load" });
      // Every photo loads now, not only those scrolled to.
      await page.evaluate(() => document.querySelectorAll("img[loading=lazy]").forEach((i) => (i.loading = "eager")));
      await settle(page);
      // Images not drawn (in a folded menu) never load when lazy: only drawn ones count.
      await page
        .waitForFunction(() => Array.from(document.images).every((i) => i.complete || i.getBoundingClientRect().width === 0), null, { timeout: 5000 })
        .catch(() => {});
      const images = await page.evaluate(() =>
        Array.from(document.querySelectorAll("img[srcset]")).map((img) => {
          const pic = img.closest("picture");
          const sets = [img.getAttribute("srcset")];
          if (pic) for (const s of pic.querySelectorAll("source")) sets.push(s.getAttribute("srcset"));
          const candidates = [];
          for (const set of sets) {
            for (const part of (set || "").split(",")) {
              const [url, w] = part.trim().split(/\s+/);
              if (url && w) candidates.push({ url: new URL(url, location.href).href, w: parseInt(w, 10) });
            }
          }
          const chosen = candidates.find((c) => c.url === img.currentSrc);
          const r = img.getBoundingClientRect();
          return {
            src: img.currentSrc.replace(location.origin, ""),
            sizes: img.getAttribute("sizes"),
            where: (img.closest("[class]") || img).className,
            drawn: r.width,
            chosen: chosen ? chosen.w : null,
            widest: Math.max(...candidates.map((c) => c.w)),
            narrowest: Math.min(...candidates.map((c) => c.w)),
          };
        }),
      );
      report.sizing.push({ path: p, width: vp.width, dpr: vp.dpr, images });
      await context.close();
    }
  }

  // The lightbox: open, next, caption, close with Escape, focus back on the thumbnail.
  {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true });
    const { page, seen } = await watch(context);
    await page.goto(input.base + input.gallery.replace(/^\//, ""), { waitUntil: "load" });
    const thumbs = await page.locator(".gallery a").count();
    await page.locator(".gallery a").first().click();
    const dialog = page.locator("dialog.lightbox");
    await dialog.waitFor({ state: "visible" });
    await page.waitForFunction(() => {
      const i = document.querySelector("dialog.lightbox img");
      return i && i.complete && i.naturalWidth > 0;
    });
    const opened = {
      open: await dialog.evaluate((d) => d.open),
      caption: await dialog.locator("figcaption").textContent(),
      count: await dialog.locator(".lb-count").textContent(),
      width: await dialog.locator("img").evaluate((i) => i.naturalWidth),
    };
    await page.screenshot({ path: path.join(input.screenshots, "lightbox-390.png") });
    await page.keyboard.press("ArrowRight");
    const afterNext = await dialog.locator(".lb-count").textContent();
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    const focusBack = await page.evaluate(() =>
      document.activeElement === document.querySelector(".gallery a"),
    );
    report.lightbox = {
      thumbs,
      opened,
      afterNext,
      closed: !(await dialog.evaluate((d) => d.open)),
      focusBack,
      console: seen.console,
      failed: seen.failed,
    };
    await context.close();
  }
  // Search: type each query into the page (as on a phone keyboard) and read the results.
  {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true });
    const { page, seen } = await watch(context);
    await page.goto(input.base + "search/", { waitUntil: "load" });
    const results = [];
    for (const q of input.queries || []) {
      await page.fill("#search-q", "");
      await page.waitForFunction(() => document.querySelector("#search .status").textContent === "");
      for (const box of await page.locator("#search input[name=kind]").all()) {
        const want = (await box.getAttribute("value")) === q.kind;
        if ((await box.isChecked()) !== want) await box.setChecked(want);
      }
      await page.locator("#search-q").pressSequentially(q.q, { delay: 15 });
      await page.waitForFunction(() => document.querySelector("#search .status").textContent !== "");
      results.push({
        q: q.q,
        kind: q.kind || null,
        status: await page.locator("#search .status").textContent(),
        hrefs: await page.locator("#search .results .result a").evaluateAll((as) => as.map((a) => a.getAttribute("href"))),
        kinds: await page.locator("#search .results .result").evaluateAll((ls) => ls.map((l) => l.className.replace("result result-", ""))),
        marks: await page.locator("#search .results mark").allTextContents(),
        firstMarks: await page.locator("#search .results .result:first-child mark").allTextContents(),
      });
    }
    report.search = { results, console: seen.console, failed: seen.failed };
    await context.close();
  }
  // Typography: which font draws the punctuation Chinese shares with Latin text.
  {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(input.base, { waitUntil: "load" });
    await page.evaluate(() => {
      const s = document.createElement("span");
      s.id = "laomo-punct-probe";
      s.textContent = "“”‘’—…·";
      document.querySelector("main").appendChild(s);
    });
    const client = await context.newCDPSession(page);
    await client.send("DOM.enable");
    await client.send("CSS.enable");
    const { root } = await client.send("DOM.getDocument");
    const { nodeId } = await client.send("DOM.querySelector", { nodeId: root.nodeId, selector: "#laomo-punct-probe" });
    const { fonts } = await client.send("CSS.getPlatformFontsForNode", { nodeId });
    report.punctuation = fonts.map((f) => ({ family: f.familyName, glyphs: f.glyphCount }));
    await context.close();
  }
  // Print: each profile as an A4 PDF, with its address printed on it.
  {
    const context = await browser.newContext();
    const page = await context.newPage();
    report.print = [];
    for (const p of input.print || []) {
      await page.goto(input.base + p.replace(/^\//, ""), { waitUntil: "load" });
      await page.emulateMedia({ media: "print" });
      const pdf = await page.pdf({ format: "A4" });
      report.print.push({
        path: p,
        pages: (pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) || []).length,
        url: await page.locator(".print-url").evaluate((e) => (getComputedStyle(e).display === "none" ? null : e.textContent)),
      });
    }
    await context.close();
  }
  await browser.close();
  process.stdout.write(JSON.stringify(report));
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : String(e));
  process.exit(2);
});
