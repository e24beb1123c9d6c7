// Hall-of-fame filter. The hall is paginated, so the script narrows the whole list, not
// just the cards on this page: it fetches profiles/filter.json (every profile in hall
// order, and the members of each term) the first time a filter is picked. The choice is
// kept in the address so a filtered list can be shared. Without scripts, the term pages
// linked under the form list the same people.
(function () {
  "use strict";
  const form = document.getElementById("hall-filter");
  const list = document.getElementById("hall-list");
  const out = document.getElementById("filter-results");
  const status = document.getElementById("filter-status");
  if (!form || !list || !out || !status || !window.fetch) return;
  const STEP = 60;
  let data = null;
  let loading = null;
  let shown = STEP;
  form.hidden = false;

  function load() {
    if (!loading) {
      loading = fetch(form.dataset.src)
        .then((r) => {
          if (!r.ok) throw new Error(String(r.status));
          return r.json();
        })
        .then((d) => (data = d))
        .catch((e) => {
          loading = null; // the next change tries again
          throw e;
        });
    }
    return loading;
  }

  function selects() {
    return Array.from(form.querySelectorAll("select"));
  }

  function chosen() {
    return selects()
      .filter((s) => s.value)
      .map((s) => [s.name, s.value]);
  }

  // Positions in hall order of the people in every chosen term.
  function matching(choice) {
    let result = null;
    for (const [key, value] of choice) {
      const facet = data.facets.find((f) => f.key === key);
      const term = facet && facet.terms.find((t) => t[0] === value);
      const members = new Set(term ? term[2] : []);
      result = result === null ? members : new Set([...result].filter((n) => members.has(n)));
    }
    return Array.from(result || []).sort((a, b) => a - b);
  }

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  // The same markup as the theme's card component.
  function card(person) {
    const [name, url, honor, region, , organization, src, srcset] = person;
    const article = el("article", "card card-profile");
    if (src) {
      const link = el("a", "card-image");
      link.href = url;
      link.tabIndex = -1;
      link.setAttribute("aria-hidden", "true");
      const img = el("img");
      img.src = src;
      if (srcset) {
        img.srcset = srcset;
        img.sizes = "(max-width: 30rem) 50vw, 15rem";
      }
      img.alt = name;
      img.loading = "lazy";
      img.decoding = "async";
      link.append(img);
      article.append(link);
    }
    const body = el("div", "card-body");
    const title = el("h3", "card-title");
    const a = el("a", "", name);
    a.href = url;
    title.append(a);
    body.append(title);
    if (honor) {
      const p = el("p", "card-meta");
      p.append(el("span", "honor", honor));
      body.append(p);
    }
    const meta = el("p", "card-meta");
    if (region) meta.append(el("span", "region", region));
    if (organization) meta.append(document.createTextNode(organization));
    body.append(meta);
    article.append(body);
    return article;
  }

  // Draws people [from, shown) of the matches, after what is already there.
  function draw(positions, from) {
    if (from === 0) out.replaceChildren();
    const old = out.querySelector(":scope > button");
    if (old) old.remove();
    const sections = out.querySelectorAll(".level-group");
    const last = sections[sections.length - 1];
    let group = last ? last.querySelector(".cards") : null;
    let level = from > 0 ? data.people[positions[from - 1]][4] : null;
    let first = null;
    for (const n of positions.slice(from, shown)) {
      const person = data.people[n];
      if (!group || person[4] !== level) {
        level = person[4];
        const section = el("section", "level-group");
        section.append(el("h2", "", level || "其他"));
        group = el("div", "cards cards-people");
        section.append(group);
        out.append(section);
      }
      const c = card(person);
      if (!first) first = c;
      group.append(c);
    }
    if (positions.length > shown) {
      const more = el("button", "secondary", "显示更多（还有 " + (positions.length - shown) + " 位）");
      more.type = "button";
      more.addEventListener("click", () => {
        const before = shown;
        shown += STEP;
        const added = draw(positions, before);
        // The button is gone: keep keyboard focus on the first new person.
        if (added) added.querySelector(".card-title a").focus();
      });
      out.append(more);
    }
    return first;
  }

  function remember(choice) {
    const params = new URLSearchParams();
    for (const [key, value] of choice) params.set(key, value);
    const query = params.toString();
    history.replaceState(null, "", location.pathname + (query ? "?" + query : ""));
  }

  // The choices as chips beside the folded control, so they show while it is closed.
  const chips = document.getElementById("filter-chosen");
  function showChosen(choice) {
    if (!chips) return;
    chips.textContent = "";
    for (const [, value] of choice) {
      const chip = document.createElement("span");
      chip.className = "chip";
      chip.textContent = value;
      chips.appendChild(chip);
    }
  }

  function apply() {
    const choice = chosen();
    remember(choice);
    showChosen(choice);
    if (choice.length === 0) {
      out.hidden = true;
      list.hidden = false;
      status.textContent = "";
      return;
    }
    status.textContent = "正在筛选…";
    load()
      .then(() => {
        // Reset (or a change) while the data was on its way: the newest choice wins.
        if (chosen().length === 0) return;
        const positions = matching(chosen());
        shown = STEP;
        draw(positions, 0);
        list.hidden = true;
        out.hidden = false;
        status.textContent = positions.length
          ? "筛选出 " + positions.length + " 位（共 " + data.people.length + " 位）"
          : "没有符合所有条件的劳模，请减少筛选条件。";
      })
      .catch(() => {
        status.textContent = "筛选数据没能加载，请改用下面的分类链接。";
      });
  }

  form.addEventListener("change", apply);
  form.addEventListener("submit", (e) => e.preventDefault());
  // The form's own reset clears the selects; apply after it has.
  form.addEventListener("reset", () => setTimeout(apply, 0));

  // A shared address: pick the filters it names.
  const params = new URLSearchParams(location.search);
  let any = false;
  for (const s of selects()) {
    const v = params.get(s.name);
    if (v && Array.from(s.options).some((o) => o.value === v)) {
      s.value = v;
      any = true;
    }
  }
  if (any) apply();
})();
