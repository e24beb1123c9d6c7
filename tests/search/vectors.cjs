// Runs search.js's own `tokens` and `shard` (cut out of the script, not copied) over
// tests/search/vectors.json and prints the cases where they disagree, as JSON.
const fs = require("fs");
const path = require("path");
const root = path.join(__dirname, "..", "..");
const script = fs.readFileSync(path.join(root, "themes/showcase/static/js/search.js"), "utf8");
function cut(name) {
  const start = script.indexOf("function " + name + "(");
  if (start < 0) throw new Error("search.js has no function " + name);
  let depth = 0;
  for (let i = script.indexOf("{", start); i < script.length; i++) {
    if (script[i] === "{") depth++;
    else if (script[i] === "}" && --depth === 0) return script.slice(start, i + 1);
  }
  throw new Error("unbalanced " + name);
}
const fns = new Function(cut("isHan") + cut("tokens") + cut("shard") + "return { tokens: tokens, shard: shard };")();
const vectors = JSON.parse(fs.readFileSync(path.join(__dirname, "vectors.json"), "utf8"));
const wrong = [];
for (const c of vectors.cases) {
  const toks = fns.tokens(c.text);
  const shards = toks.map((t) => fns.shard(t, vectors.shards));
  if (JSON.stringify(toks) !== JSON.stringify(c.tokens) || JSON.stringify(shards) !== JSON.stringify(c.shards)) {
    wrong.push({ text: c.text, tokens: toks, shards: shards });
  }
}
process.stdout.write(JSON.stringify({ checked: vectors.cases.length, wrong: wrong }));
