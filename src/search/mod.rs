//! A static search index that understands Chinese, in the browser, with no server.
//!
//! Chinese has no spaces, so text is cut into overlapping character pairs (bigrams):
//! 劳模林 → 劳模, 模林. A query is cut the same way and a page matches when it holds
//! every pair. Names are also found by full pinyin (dingweisong) and initials (dws).
//! The index is split into many small files (postings by a hash of the token, page
//! details in chunks), so a query downloads only the few it needs.

use crate::link::Site;
use crate::model::{Details, Kind, PageId};
use crate::util::cjk::is_han;
use serde::Serialize;
use std::collections::BTreeMap;

/// Postings are spread over this many files.
pub const SHARDS: u32 = 1024;
/// Pages per details file.
pub const CHUNK: usize = 4;

/// Weights: a match in the title or name counts most, then the facts, then the text.
const TITLE: u32 = 20;
const FACT: u32 = 4;
const TEXT: u32 = 1;
/// Spread over a title's characters and added to its weight (see `index_part`).
const SHORT_TITLE: u32 = 60;

/// The tokens of a text: bigrams of Han runs (a lone character stands alone) and
/// lower-case ASCII words. The search page's script cuts queries the same way.
/// Bigrams are slices of the text: indexing 15,000 pages allocates almost nothing.
pub fn tokens(text: &str) -> Vec<std::borrow::Cow<'_, str>> {
    use std::borrow::Cow;
    // About one token per Han character (three bytes): no growing on the way.
    let mut out: Vec<Cow<str>> = Vec::with_capacity(text.len() / 3 + 1);
    // The current Han run: where its last character starts, and how many it has.
    let mut han: Option<usize> = None;
    let mut run = 0;
    let mut word: Option<usize> = None;
    // A run of one character is a token of its own; longer runs gave their pairs.
    fn flush_han<'a>(
        text: &'a str,
        han: &mut Option<usize>,
        run: &mut usize,
        end: usize,
        out: &mut Vec<Cow<'a, str>>,
    ) {
        if let Some(last) = han.take()
            && *run == 1
        {
            out.push(Cow::Borrowed(&text[last..end]));
        }
        *run = 0;
    }
    fn flush_word<'a>(
        text: &'a str,
        word: &mut Option<usize>,
        end: usize,
        out: &mut Vec<Cow<'a, str>>,
    ) {
        if let Some(start) = word.take() {
            let w = &text[start..end];
            out.push(if w.bytes().any(|b| b.is_ascii_uppercase()) {
                Cow::Owned(w.to_ascii_lowercase())
            } else {
                Cow::Borrowed(w)
            });
        }
    }
    for (at, c) in text.char_indices() {
        if is_han(c) {
            flush_word(text, &mut word, at, &mut out);
            if let Some(last) = han {
                out.push(Cow::Borrowed(&text[last..at + c.len_utf8()]));
            }
            han = Some(at);
            run += 1;
        } else if c.is_ascii_alphanumeric() {
            flush_han(text, &mut han, &mut run, at, &mut out);
            word.get_or_insert(at);
        } else {
            flush_han(text, &mut han, &mut run, at, &mut out);
            flush_word(text, &mut word, at, &mut out);
        }
    }
    flush_han(text, &mut han, &mut run, text.len(), &mut out);
    flush_word(text, &mut word, text.len(), &mut out);
    out
}

/// The index's digits: URL- and JSON-safe, so a posting list is a plain JSON string.
const DIGITS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Appends `v` as a variable-length number: five bits a digit, low bits first, the
/// sixth bit set when another digit follows. Posting lists store gaps between document
/// ids and small scores, nearly always one digit each: a list of 10,000 documents is
/// 20 KB, not the 90 KB of decimal pairs.
fn push_number(out: &mut String, mut v: u32) {
    loop {
        let low = v & 31;
        v >>= 5;
        out.push(DIGITS[(low | if v > 0 { 32 } else { 0 }) as usize] as char);
        if v == 0 {
            break;
        }
    }
}

/// FNV-1a: the same hash in Rust and in the search page's script.
pub fn shard_of(token: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in token.as_bytes() {
        h ^= u32::from(*b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h % SHARDS
}

#[derive(Serialize)]
struct DocOut<'a> {
    k: &'static str,
    t: &'a str,
    u: String,
    /// The text a snippet is cut from (see `snippet_source`).
    s: String,
}

/// The kinds that are searched, in id order.
const KINDS: [Kind; 5] = [
    Kind::Profile,
    Kind::Story,
    Kind::Exhibition,
    Kind::Collection,
    Kind::Association,
];

/// Characters kept per page for result snippets: the page shows about 70 of them
/// around the first match, so a match past the summary still shows in context.
const SNIPPET_CHARS: usize = 200;

/// The text a result's snippet is cut from: the body's beginning, after the summary
/// when the summary is not simply the body's first sentences.
fn snippet_source(summary: &str, text: &str) -> String {
    let head: String = summary.chars().take(16).collect();
    let joined = if text.starts_with(&head) {
        text.to_string()
    } else if text.is_empty() {
        summary.to_string()
    } else {
        format!("{summary} {text}")
    };
    joined.chars().take(SNIPPET_CHARS).collect()
}

fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::Profile => "profile",
        Kind::Story => "story",
        Kind::Exhibition => "exhibition",
        Kind::Collection => "collection",
        Kind::Association => "association",
        Kind::Page => "page",
    }
}

/// A profile's name for pinyin search: full pinyin, initials, document id.
type NameKey = (String, String, u32);

/// Token postings while indexing: tokens interned once, each with its (doc, score) list.
#[derive(Default)]
struct Postings {
    /// Fx hashing: millions of lookups of short trusted strings, where SipHash's
    /// flood resistance buys nothing and costs a third of the indexing time.
    ids: rustc_hash::FxHashMap<Box<str>, u32>,
    tokens: Vec<Box<str>>,
    lists: Vec<Vec<(u32, u32)>>,
}

impl Postings {
    fn add(&mut self, text: &str, doc: u32, weight: u32) {
        for t in tokens(text) {
            let id = match self.ids.get(&*t) {
                Some(&id) => id,
                None => {
                    let id = self.tokens.len() as u32;
                    self.ids.insert(Box::from(&*t), id);
                    self.tokens.push(Box::from(&*t));
                    self.lists.push(Vec::new());
                    id
                }
            };
            // Documents arrive in order, so a document's entries are adjacent.
            let list = &mut self.lists[id as usize];
            match list.last_mut() {
                Some((d, s)) if *d == doc => *s += weight,
                _ => list.push((doc, weight)),
            }
        }
    }
}

/// Indexes some documents: their postings and their names in pinyin.
fn index_part(site: &Site, chunk: &[(u32, PageId)]) -> (Postings, Vec<NameKey>) {
    let c = &site.config;
    let mut postings = Postings::default();
    let mut names = Vec::new();
    for &(id, i) in chunk {
        let p = &site.pages[i];
        // A match that is more of a short title ranks higher: a name before the same
        // name in a long headline.
        let title_chars = p.title.chars().count().max(1) as u32;
        postings.add(&p.title, id, TITLE + SHORT_TITLE / title_chars);
        postings.add(&p.summary, id, TEXT);
        postings.add(&p.search_text, id, TEXT);
        let mut facts: Vec<&str> = Vec::new();
        match &p.details {
            Details::Profile(pr) => {
                facts.push(&pr.region);
                facts.extend(pr.organization.as_deref());
                facts.extend(pr.occupation.as_deref());
                facts.extend(pr.industry.as_deref());
                facts.extend(pr.tags.iter().map(String::as_str));
                for h in &pr.honors {
                    if let Some(honor) = c.honors.get(h.honor) {
                        facts.push(&honor.name);
                    }
                }
                let full: String = p
                    .reading
                    .syllables
                    .iter()
                    .map(|s| s.letters.replace('ü', "v"))
                    .collect();
                let initials: String = p
                    .reading
                    .syllables
                    .iter()
                    .filter_map(|s| s.letters.chars().next())
                    .collect();
                if !full.is_empty() {
                    names.push((full, initials, id));
                }
            }
            Details::Story(s) => {
                facts.extend(s.location.as_deref());
                facts.extend(s.category.as_deref());
                facts.extend(s.tags.iter().map(String::as_str));
                facts.extend(s.date_note.as_deref());
            }
            Details::Association(a) => {
                facts.extend(a.short_name.as_deref());
                facts.extend(a.region.as_deref());
            }
            _ => {}
        }
        if let Some(a) = site.links[i].association {
            facts.push(&site.pages[a].title);
        }
        for f in facts {
            postings.add(f, id, FACT);
        }
    }
    (postings, names)
}

/// The index files: (site path, JSON text).
pub fn build(site: &Site) -> Vec<(String, String)> {
    use rayon::prelude::*;
    use std::fmt::Write as _;
    let c = &site.config;
    // Documents grouped by kind, so a kind is a range of ids and the page can filter
    // by kind before it ranks and fetches details.
    let mut docs: Vec<PageId> = site
        .pages
        .ids()
        .filter(|&i| site.pages[i].kind != Kind::Page && !site.pages[i].draft)
        .collect();
    docs.sort_by_key(|&i| KINDS.iter().position(|k| *k == site.pages[i].kind));
    let mut kinds = String::from("[");
    let mut start = 0;
    for k in KINDS {
        let n = docs.iter().filter(|&&i| site.pages[i].kind == k).count();
        if n > 0 {
            if kinds.len() > 1 {
                kinds.push(',');
            }
            let _ = write!(kinds, "[\"{}\",{start},{}]", kind_name(k), start + n);
            start += n;
        }
    }
    kinds.push(']');
    // Two halves indexed in parallel, then merged: later documents have larger ids,
    // so appending keeps every list in document order.
    let numbered: Vec<(u32, PageId)> = docs
        .iter()
        .enumerate()
        .map(|(id, &i)| (id as u32, i))
        .collect();
    let half = numbered
        .len()
        .div_ceil(rayon::current_num_threads().max(1))
        .max(1);
    let parts: Vec<(Postings, Vec<NameKey>)> = numbered
        .par_chunks(half)
        .map(|chunk| index_part(site, chunk))
        .collect();
    let mut postings = Postings::default();
    let mut names: BTreeMap<char, Vec<NameKey>> = BTreeMap::new();
    for (part, part_names) in parts {
        for (t, list) in part.tokens.into_iter().zip(part.lists) {
            let id = match postings.ids.get(&*t) {
                Some(&id) => id,
                None => {
                    let id = postings.tokens.len() as u32;
                    postings.ids.insert(t.clone(), id);
                    postings.tokens.push(t);
                    postings.lists.push(Vec::new());
                    id
                }
            };
            postings.lists[id as usize].extend(list);
        }
        for n in part_names {
            if let Some(first) = n.0.chars().next() {
                names.entry(first).or_default().push(n);
            }
        }
    }
    // Postings: {"token":"gap score gap score…",…} per shard, tokens in order.
    let mut by_shard: Vec<Vec<u32>> = vec![Vec::new(); SHARDS as usize];
    for (id, t) in postings.tokens.iter().enumerate() {
        by_shard[shard_of(t) as usize].push(id as u32);
    }
    let mut files: Vec<(String, String)> = by_shard
        .into_par_iter()
        .enumerate()
        .filter(|(_, ids)| !ids.is_empty())
        .map(|(shard, mut ids)| {
            ids.sort_by(|a, b| postings.tokens[*a as usize].cmp(&postings.tokens[*b as usize]));
            let mut json = String::from("{");
            for (n, id) in ids.iter().enumerate() {
                if n > 0 {
                    json.push(',');
                }
                json.push_str(
                    &serde_json::to_string(&*postings.tokens[*id as usize]).unwrap_or_default(),
                );
                json.push_str(":\"");
                let mut previous = 0;
                for &(d, sc) in &postings.lists[*id as usize] {
                    push_number(&mut json, d - previous);
                    push_number(&mut json, sc);
                    previous = d;
                }
                json.push('"');
            }
            json.push('}');
            (format!("/search/t/{shard:03x}.json"), json)
        })
        .collect();
    // Names by first pinyin letter: [[full, initials, doc], …].
    for (letter, list) in names {
        files.push((
            format!("/search/p/{letter}.json"),
            serde_json::to_string(&list).unwrap_or_default(),
        ));
    }
    // Page details in chunks of CHUNK.
    for (n, chunk) in docs.chunks(CHUNK).enumerate() {
        let out: Vec<DocOut> = chunk
            .iter()
            .map(|&i| {
                let p = &site.pages[i];
                DocOut {
                    k: kind_name(p.kind),
                    t: &p.title,
                    u: c.url(&p.path),
                    s: snippet_source(&p.summary, &p.search_text),
                }
            })
            .collect();
        files.push((
            format!("/search/d/{n}.json"),
            serde_json::to_string(&out).unwrap_or_default(),
        ));
    }
    files.push((
        "/search/meta.json".into(),
        format!(
            "{{\"shards\":{SHARDS},\"chunk\":{CHUNK},\"docs\":{},\"kinds\":{kinds},\"base\":{}}}",
            docs.len(),
            serde_json::to_string(&c.base_path).unwrap_or_default()
        ),
    ));
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_is_cut_into_pairs() {
        assert_eq!(tokens("劳模林"), vec!["劳模", "模林"]);
        assert_eq!(tokens("宣讲进校园"), vec!["宣讲", "讲进", "进校", "校园"]);
        assert_eq!(tokens("长 兴"), vec!["长", "兴"]);
        assert_eq!(tokens("Laomo 2018年"), vec!["laomo", "2018", "年"]);
    }

    #[test]
    fn numbers_are_five_bits_a_digit() {
        let mut s = String::new();
        for v in [0, 1, 31, 32, 1000] {
            push_number(&mut s, v);
        }
        // 32 = 0 with a continuation, then 1; 1000 = 8 + 31·32.
        assert_eq!(s, "ABfgBof");
    }
}
