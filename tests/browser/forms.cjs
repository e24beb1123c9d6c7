// An editor's first profile through the preview's form, in Chromium: fill it in on a
// phone-sized screen, get a mistake back inline, fix it, send a photo, and find the
// person in the hall of fame. Prints what it saw as JSON; tests/browser.rs decides.
//
// Input: a JSON file named by argv[2]: { base, chromium, modules, photo, screenshots }
"use strict";
const fs = require("fs");
const path = require("path");

const input = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const { chromium } = require(path.join(input.modules, "playwright-core"));
const axeSource = fs.readFileSync(path.join(input.modules, "axe-core", "axe.min.js"), "utf8");

async function axe(page) {
  await page.addScriptTag({ content: axeSource });
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
  });
}

async function submit(page) {
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click("button[type=submit]")]);
}

async function main() {
  const browser = await chromium.launch({
    executablePath: input.chromium,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true });
  const page = await context.newPage();
  const report = {};
  fs.mkdirSync(input.screenshots, { recursive: true });

  await page.goto(input.base + "__laomo/new/profile", { waitUntil: "load" });
  report.form_axe = await axe(page);
  report.form_overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  await page.fill("input[name=name]", "钱塘");
  await page.locator("select[name=honor]").first().selectOption("浙江省劳动模范");
  await page.locator("input[name=year]").first().fill("去年");
  await page.selectOption("select[name=region]", "安吉县");
  await page.setInputFiles("input[name=portrait]", input.photo);
  await page.fill("textarea[name=body]", "钱塘在**茶场**干了三十年。");
  // The body as the site shows it, beside (on a phone: under) the form, as it is typed.
  report.preview = await page
    .frameLocator(".preview iframe")
    .locator("article .content strong")
    .textContent({ timeout: 5000 })
    .catch(() => "");
  await submit(page);
  report.error = (await page.locator(".errors").textContent()) || "";
  report.kept_name = await page.inputValue("input[name=name]");
  report.kept_body = await page.inputValue("textarea[name=body]");
  report.error_axe = await axe(page);
  await page.screenshot({ path: path.join(input.screenshots, "form-error-390.png"), fullPage: true });

  // Fixed; a browser never fills a file field again, so the photo is chosen again.
  await page.locator("input[name=year]").first().fill("2020");
  await page.setInputFiles("input[name=portrait]", input.photo);
  await submit(page);
  report.url = page.url();
  report.h1 = (await page.locator("h1").first().textContent()) || "";
  await page
    .waitForFunction(
      () => Array.from(document.images).some((i) => i.currentSrc.includes("/portrait-") && i.complete && i.naturalWidth > 0),
      null,
      { timeout: 10000 },
    )
    .catch(() => {});
  report.portrait = await page.evaluate(() => {
    const i = Array.from(document.images).find((i) => i.currentSrc.includes("/portrait-"));
    return i ? { src: i.currentSrc, natural: i.naturalWidth, drawn: Math.round(i.getBoundingClientRect().width) } : null;
  });
  await page.screenshot({ path: path.join(input.screenshots, "form-saved-390.png") });

  await page.goto(input.base + "profiles/", { waitUntil: "load" });
  report.hall = await page.evaluate(() => document.querySelector("main").innerText);
  console.log(JSON.stringify(report));
  await browser.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
