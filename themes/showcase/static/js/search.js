/* laomo search: runs in the browser over the static index in search/. No other host. */
(function () {
  "use strict";
  var root = document.getElementById("search");
  if (!root) return;
  var base = root.getAttribute("data-base") || "/";
  var form = root.querySelector("form");
  var input = root.querySelector("input[name=q]");
  var list = root.querySelector(".results");
  var status = root.querySelector(".status");
  var labels = { profile: "劳模", story: "事迹", exhibition: "展览", collection: "文集", association: "协会" };
  var cache = {};

  function get(path) {
    if (!cache[path]) {
      cache[path] = fetch(base + path).then(function (r) { return r.ok ? r.json() : null; }).catch(function () { return null; });
    }
    return cache[path];
  }
  function isHan(c) {
    var n = c.codePointAt(0);
    return (n >= 0x3400 && n <= 0x4dbf) || (n >= 0x4e00 && n <= 0x9fff) || (n >= 0xf900 && n <= 0xfaff) || (n >= 0x20000 && n <= 0x2ffff);
  }
  // The same cut as the index (src/search/mod.rs): Han bigrams, lower-case ASCII words.
  function tokens(text) {
    var out = [], han = [], word = "";
    function flushHan() {
      if (han.length === 1) out.push(han[0]);
      for (var i = 0; i + 1 < han.length; i++) out.push(han[i] + han[i + 1]);
      han = [];
    }
    function flushWord() { if (word) { out.push(word); word = ""; } }
    Array.from(text).forEach(function (c) {
      if (isHan(c)) { flushWord(); han.push(c); }
      else if (/[A-Za-z0-9]/.test(c)) { flushHan(); word += c.toLowerCase(); }
      else { flushHan(); flushWord(); }
    });
    flushHan(); flushWord();
    return out;
  }
  function shard(t, n) {
    var h = 0x811c9dc5, bytes = new TextEncoder().encode(t);
    for (var i = 0; i < bytes.length; i++) { h ^= bytes[i]; h = Math.imul(h, 0x01000193) >>> 0; }
    return h % n;
  }
  // Posting lists are strings of variable-length numbers (src/search/mod.rs): five bits a
  // digit, low bits first, the sixth bit set when another digit follows; pairs of
  // (gap to the previous document id, score).
  var DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  var VALUE = {};
  for (var v = 0; v < 64; v++) VALUE[DIGITS.charCodeAt(v)] = v;
  function decode(s) {
    var m = {}, doc = 0, i = 0;
    function number() {
      var n = 0, scale = 1, d;
      do { d = VALUE[s.charCodeAt(i++)]; n += (d & 31) * scale; scale *= 32; } while (d & 32 && i < s.length);
      return n;
    }
    while (i < s.length) { doc += number(); m[doc] = number(); }
    return m;
  }
  function hex(n) { return ("00" + n.toString(16)).slice(-3); }
  function escapeHtml(s) {
    return s.replace(/[&<>"']/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]; });
  }
  // About 70 characters of the page's text around the first match (its start when the
  // match is only in the title).
  function snippet(text, q) {
    var lower = text.toLowerCase(), at = -1;
    q.toLowerCase().split(/\s+/).filter(Boolean).forEach(function (p) {
      var i = lower.indexOf(p);
      if (i >= 0 && (at < 0 || i < at)) at = i;
    });
    var start = at > 20 ? at - 20 : 0, end = Math.min(text.length, start + 70);
    return (start > 0 ? "…" : "") + text.slice(start, end) + (end < text.length ? "…" : "");
  }

  // Marks every occurrence of each word of `q` (any case) on the plain text, then
  // escapes: overlapping pairs merge into one mark and no word can match inside a tag.
  function highlight(text, q) {
    var lower = text.toLowerCase(), marked = [];
    q.toLowerCase().split(/\s+/).filter(Boolean).forEach(function (p) {
      for (var at = lower.indexOf(p); at >= 0; at = lower.indexOf(p, at + 1)) {
        for (var k = at; k < at + p.length; k++) marked[k] = true;
      }
    });
    var out = "", open = false;
    for (var i = 0; i < text.length; i++) {
      if (!!marked[i] !== open) { out += open ? "</mark>" : "<mark>"; open = !open; }
      out += escapeHtml(text[i]);
    }
    return open ? out + "</mark>" : out;
  }

  async function find(q, kinds) {
    var meta = await get("search/meta.json");
    if (!meta) return [];
    var scores = null;
    var toks = tokens(q);
    // All postings files at once: on a phone each request is a round trip.
    var files = await Promise.all(toks.map(function (t) { return get("search/t/" + hex(shard(t, meta.shards)) + ".json"); }));
    var maps = toks.map(function (t, i) { return decode((files[i] || {})[t] || ""); });
    maps.forEach(function (m) {
      if (scores === null) { scores = m; return; }
      var next = {};
      Object.keys(scores).forEach(function (d) { if (d in m) next[d] = scores[d] + m[d]; });
      scores = next;
    });
    scores = scores || {};
    // No page holds every pair (数控车工 where no page says 控车): rank the pages holding
    // most of them, at least half, and say the match is partial.
    var partial = false;
    if (Object.keys(scores).length === 0 && maps.length > 1) {
      var need = Math.ceil(maps.length / 2), hits = {}, sum = {};
      maps.forEach(function (m) {
        Object.keys(m).forEach(function (d) { hits[d] = (hits[d] || 0) + 1; sum[d] = (sum[d] || 0) + m[d]; });
      });
      Object.keys(hits).forEach(function (d) { if (hits[d] >= need) scores[d] = hits[d] * 1000 + sum[d]; });
      partial = Object.keys(scores).length > 0;
    }
    // Letters only: also a name in pinyin (dingweisong) or by initials (dws).
    var letters = q.trim().toLowerCase().replace(/\s+/g, ""), named = {};
    if (/^[a-z]+$/.test(letters)) {
      var names = (await get("search/p/" + letters[0] + ".json")) || [];
      names.forEach(function (n) {
        var exact = n[0] === letters || n[1] === letters;
        if (exact || n[0].indexOf(letters) === 0 || (letters.length > 1 && n[1].indexOf(letters) === 0)) {
          scores[n[2]] = (scores[n[2]] || 0) + (exact ? 60 : 40);
          named[n[2]] = true;
        }
      });
    }
    // A kind is a range of ids: filter before ranking, so every match of that kind counts.
    var ids = Object.keys(scores).map(Number);
    if (kinds.length) {
      var ranges = (meta.kinds || []).filter(function (r) { return kinds.indexOf(r[0]) >= 0; });
      ids = ids.filter(function (id) { return ranges.some(function (r) { return id >= r[1] && id < r[2]; }); });
    }
    ids.sort(function (a, b) { return scores[b] - scores[a] || a - b; });
    var total = ids.length;
    ids = ids.slice(0, 20);
    var chunks = {};
    ids.forEach(function (id) { chunks[Math.floor(id / meta.chunk)] = true; });
    await Promise.all(Object.keys(chunks).map(function (c) { return get("search/d/" + c + ".json"); }));
    var out = [];
    for (var k = 0; k < ids.length; k++) {
      var chunk = await get("search/d/" + Math.floor(ids[k] / meta.chunk) + ".json");
      var d = chunk && chunk[ids[k] % meta.chunk];
      // Found by the name's pinyin or initials: the name itself is what matched.
      if (d) out.push(named[ids[k]] ? Object.assign({ name: true }, d) : d);
    }
    out.total = total;
    out.partial = partial;
    out.terms = partial ? toks.filter(function (t, i) { return Object.keys(maps[i]).length > 0; }) : null;
    return out;
  }

  function selectedKinds() {
    var boxes = root.querySelectorAll("input[name=kind]:checked");
    return Array.prototype.map.call(boxes, function (b) { return b.value; });
  }

  var seq = 0;
  async function run() {
    var q = input.value.trim();
    var mine = ++seq;
    if (!q) { list.innerHTML = ""; status.textContent = ""; return; }
    var results = await find(q, selectedKinds());
    if (mine !== seq) return;
    var total = results.total || results.length;
    status.textContent = results.length
      ? (results.partial ? "没有完全包含“" + q + "”的内容；以下 " + total + " 条结果包含其中大部分字词" : "找到 " + total + " 条结果") +
        (total > results.length ? "，显示最相关的 " + results.length + " 条" : "")
      : "没有找到与“" + q + "”相关的内容";
    // Partial matches highlight the pairs found; full ones the query as typed.
    var hits = results.terms ? results.terms.join(" ") : q;
    list.innerHTML = results.map(function (d) {
      var marks = d.name ? q + " " + d.t : hits;
      return '<li class="result result-' + d.k + '"><span class="kind">' + (labels[d.k] || d.k) + '</span> ' +
        '<a href="' + escapeHtml(d.u) + '">' + highlight(d.t, marks) + "</a>" +
        (d.s ? '<p class="snippet">' + highlight(snippet(d.s, marks), marks) + "</p>" : "") + "</li>";
    }).join("");
  }

  // The address carries the query and the kinds, so a search can be shared or reloaded.
  function remember() {
    var url = new URL(location.href);
    if (input.value.trim()) url.searchParams.set("q", input.value.trim()); else url.searchParams.delete("q");
    url.searchParams.delete("kind");
    selectedKinds().forEach(function (k) { url.searchParams.append("kind", k); });
    history.replaceState(null, "", url);
  }
  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { remember(); run(); }, 120);
  });
  root.querySelectorAll("input[name=kind]").forEach(function (b) {
    b.addEventListener("change", function () { remember(); run(); });
  });
  form.addEventListener("submit", function (e) { e.preventDefault(); run(); });
  // A shared address: its query and kinds (the form sends both without scripts too).
  var params = new URLSearchParams(location.search);
  var wanted = params.getAll("kind");
  root.querySelectorAll("input[name=kind]").forEach(function (b) { b.checked = wanted.indexOf(b.value) >= 0; });
  var initial = params.get("q");
  if (initial) { input.value = initial; run(); }
})();
