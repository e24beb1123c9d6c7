//! A static search index that understands Chinese, in the browser, with no server.
//!
//! Chinese has no spaces, so text is cut into overlapping character pairs (bigrams):
//! 劳模林 → 劳模, 模林. A query is cut the same way and a page matches when it holds
//! every pair. Names are also found by full pinyin (dingweisong) and initials (dws).
//! The index is split into many small files (postings by a hash of the token, page
//! details in chunks), so a query downloads only the few it needs.

use crate::link::Site;
use crate::model::{Details, Kind};
use serde::Serialize;
use std::collections::BTreeMap;

/// Postings are spread over this many files.
pub const SHARDS: u32 = 256;
/// Pages per details file.
pub const CHUNK: usize = 50;

/// Weights: a match in the title or name counts most, then the facts, then the text.
const TITLE: u32 = 20;
const FACT: u32 = 4;
const TEXT: u32 = 1;

fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF)
}

/// The tokens of a text: bigrams of Han runs (a lone character stands alone) and
/// lower-case ASCII words. The search page's script cuts queries the same way.
pub fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut han: Vec<char> = Vec::new();
    let mut word = String::new();
    let flush_han = |han: &mut Vec<char>, out: &mut Vec<String>| {
        match han.len() {
            0 => {}
            1 => out.push(han[0].to_string()),
            _ => out.extend(han.windows(2).map(|w| w.iter().collect::<String>())),
        }
        han.clear();
    };
    let flush_word = |word: &mut String, out: &mut Vec<String>| {
        if !word.is_empty() {
            out.push(std::mem::take(word));
        }
    };
    for c in text.chars() {
        if is_han(c) {
            flush_word(&mut word, &mut out);
            han.push(c);
        } else if c.is_ascii_alphanumeric() {
            flush_han(&mut han, &mut out);
            word.push(c.to_ascii_lowercase());
        } else {
            flush_han(&mut han, &mut out);
            flush_word(&mut word, &mut out);
        }
    }
    flush_han(&mut han, &mut out);
    flush_word(&mut word, &mut out);
    out
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
    s: &'a str,
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

/// The index files: (site path, JSON text).
pub fn build(site: &Site) -> Vec<(String, String)> {
    let c = &site.config;
    let docs: Vec<usize> = (0..site.pages.len())
        .filter(|&i| site.pages[i].kind != Kind::Page && !site.pages[i].draft)
        .collect();
    let mut postings: BTreeMap<String, BTreeMap<u32, u32>> = BTreeMap::new();
    let mut names: BTreeMap<char, Vec<(String, String, u32)>> = BTreeMap::new();
    for (id, &i) in docs.iter().enumerate() {
        let id = id as u32;
        let p = &site.pages[i];
        let mut add = |text: &str, weight: u32| {
            for t in tokens(text) {
                *postings.entry(t).or_default().entry(id).or_default() += weight;
            }
        };
        add(&p.title, TITLE);
        add(&p.summary, TEXT);
        add(&p.search_text, TEXT);
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
                if let Some(first) = full.chars().next() {
                    names
                        .entry(first)
                        .or_default()
                        .push((full.clone(), initials, id));
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
            add(f, FACT);
        }
    }
    let mut files = Vec::new();
    // Postings: {"token": [doc, score, doc, score, …]} per shard.
    let mut shards: BTreeMap<u32, BTreeMap<&str, Vec<u32>>> = BTreeMap::new();
    for (token, list) in &postings {
        let flat: Vec<u32> = list.iter().flat_map(|(d, s)| [*d, *s]).collect();
        shards
            .entry(shard_of(token))
            .or_default()
            .insert(token.as_str(), flat);
    }
    for (shard, map) in shards {
        files.push((
            format!("/search/t/{shard:02x}.json"),
            serde_json::to_string(&map).unwrap_or_default(),
        ));
    }
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
                    s: &p.summary,
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
            "{{\"shards\":{SHARDS},\"chunk\":{CHUNK},\"docs\":{},\"base\":{}}}",
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
    fn shards_match_the_script() {
        // The same FNV-1a as search.js: keep these in step.
        assert_eq!(shard_of("劳模"), {
            let mut h: u32 = 0x811c9dc5;
            for b in "劳模".as_bytes() {
                h ^= *b as u32;
                h = h.wrapping_mul(16777619);
            }
            h % 256
        });
    }
}
