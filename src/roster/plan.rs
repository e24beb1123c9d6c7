//! What an import would do to the site: new profiles, changed fields, conflicts. A
//! second import of an updated roster changes only the fields the roster owns, only
//! where the editor has not changed them since the last import (kept in
//! `.laomo/roster.json`), and never the Markdown body.

use super::person::Person;
use crate::config::Config;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The front-matter keys a roster can fill, in the order `laomo new` writes them.
pub const OWNED: &[&str] = &crate::load::front_matter::PROFILE_PERSON_KEYS;

/// A profile already in the site.
#[derive(Debug, Clone)]
pub struct Existing {
    pub slug: String,
    pub file: PathBuf,
    pub shown: String,
    pub name: String,
    pub organization: Option<String>,
}

/// What the last import wrote, per slug and key: an editor's change is a value that
/// differs from it.
pub type State = BTreeMap<String, BTreeMap<String, Value>>;

pub const STATE_FILE: &str = ".laomo/roster.json";

#[derive(Debug)]
pub struct NewProfile {
    pub slug: String,
    pub file: PathBuf,
    pub shown: String,
    pub text: String,
    pub row: usize,
}

#[derive(Debug)]
pub struct Changed {
    pub slug: String,
    pub file: PathBuf,
    pub shown: String,
    pub text: String,
    pub keys: Vec<&'static str>,
}

/// A field both the editor and the roster changed: the file keeps the editor's value.
#[derive(Debug)]
pub struct Conflict {
    pub shown: String,
    pub key: &'static str,
    pub in_file: String,
    pub in_roster: String,
}

#[derive(Debug, Default)]
pub struct Plan {
    pub new: Vec<NewProfile>,
    pub changed: Vec<Changed>,
    pub unchanged: Vec<String>,
    pub conflicts: Vec<Conflict>,
    /// People who share a name, with the slugs they were given.
    pub namesakes: Vec<(String, Vec<String>)>,
    pub state: State,
}

/// The front-matter values of a person, by key, as the roster gives them.
pub fn values(p: &Person, owned: &[&'static str]) -> BTreeMap<&'static str, Value> {
    let mut v = BTreeMap::new();
    let mut put = |key: &'static str, value: Option<Value>| {
        if owned.contains(&key)
            && let Some(value) = value
        {
            v.insert(key, value);
        }
    };
    let text = |s: &Option<String>| s.clone().map(Value::String);
    put("name", Some(Value::String(p.name.clone())));
    put(
        "honors",
        (!p.honors.is_empty()).then(|| {
            Value::Array(
                p.honors
                    .iter()
                    .map(|(t, y)| {
                        Value::Array(vec![
                            Value::String(t.clone()),
                            y.map_or(Value::Null, Value::from),
                        ])
                    })
                    .collect(),
            )
        }),
    );
    put("region", text(&p.region));
    put("association", text(&p.association));
    put("organization", text(&p.organization));
    put("occupation", text(&p.occupation));
    put("industry", text(&p.industry));
    put(
        "tags",
        (!p.tags.is_empty())
            .then(|| Value::Array(p.tags.iter().cloned().map(Value::String).collect())),
    );
    put(
        "private",
        (!p.private.is_empty()).then(|| {
            Value::Object(
                p.private
                    .iter()
                    .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                    .collect(),
            )
        }),
    );
    v
}

/// A file's front-matter value in the same shape as [`values`]: honors as
/// `[name, year]` with aliases resolved, scalars as text.
fn normalized(key: &str, v: &Value, config: &Config) -> Value {
    match key {
        "honors" => Value::Array(
            v.as_array()
                .into_iter()
                .flatten()
                .map(|h| {
                    let (title, year) = match h {
                        Value::Object(m) => (
                            m.get("title").map(scalar_text).unwrap_or_default(),
                            m.get("year")
                                .and_then(|y| scalar_text(y).parse::<i64>().ok()),
                        ),
                        other => (scalar_text(other), None),
                    };
                    let name = config.honor(&title).map_or(title, |h| h.name.clone());
                    Value::Array(vec![
                        Value::String(name),
                        year.map_or(Value::Null, Value::from),
                    ])
                })
                .collect(),
        ),
        "tags" => Value::Array(
            v.as_array()
                .into_iter()
                .flatten()
                .map(|t| Value::String(scalar_text(t)))
                .collect(),
        ),
        "private" => Value::Object(
            v.as_object()
                .into_iter()
                .flatten()
                .map(|(k, x)| (k.clone(), Value::String(scalar_text(x))))
                .collect(),
        ),
        _ => Value::String(scalar_text(v)),
    }
}

fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.trim().to_string(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// How a value reads in a message: 浙江省劳动模范 2015、全国劳动模范 2020.
pub fn readable(v: &Value) -> String {
    match v {
        Value::Array(items) => items
            .iter()
            .map(|i| match i {
                Value::Array(pair) => pair
                    .iter()
                    .filter(|x| !x.is_null())
                    .map(scalar_text)
                    .collect::<Vec<_>>()
                    .join(" "),
                other => scalar_text(other),
            })
            .collect::<Vec<_>>()
            .join("、"),
        Value::Object(m) => m
            .iter()
            .map(|(k, x)| format!("{k}: {}", scalar_text(x)))
            .collect::<Vec<_>>()
            .join("、"),
        other => scalar_text(other),
    }
}

/// A YAML scalar as an editor would type it, quoted only where YAML would misread it.
pub fn scalar(s: &str) -> String {
    let plain = !s.is_empty()
        && s.trim() == s
        && !s.starts_with([
            '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%',
            '@', '`',
        ])
        && !s.contains([':', '#', ',', '[', ']', '{', '}', '\n', '"', '\\'])
        && !s
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'))
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "~"
        );
    if plain {
        s.to_string()
    } else {
        serde_json::to_string(s).unwrap_or_default()
    }
}

/// The YAML lines of one key, as `laomo new` and the editor's guide write them.
pub fn yaml_block(key: &str, v: &Value) -> String {
    match (key, v) {
        ("honors", Value::Array(items)) => {
            let mut s = String::from("honors:\n");
            for h in items {
                let pair = h.as_array().cloned().unwrap_or_default();
                let title = pair.first().map(scalar_text).unwrap_or_default();
                match pair.get(1).and_then(Value::as_i64) {
                    Some(y) => {
                        s.push_str(&format!("  - {{title: {}, year: {y}}}\n", scalar(&title)))
                    }
                    None => s.push_str(&format!("  - {{title: {}}}\n", scalar(&title))),
                }
            }
            s
        }
        ("tags", Value::Array(items)) => format!(
            "tags: [{}]\n",
            items
                .iter()
                .map(|t| scalar(&scalar_text(t)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        ("private", Value::Object(m)) => {
            // Always quoted: a phone or ID number must stay text, never a number.
            let mut s =
                String::from("private:                     # 内部信息：永远不会出现在网站上\n");
            for (k, x) in m {
                s.push_str(&format!(
                    "  {}: {}\n",
                    scalar(k),
                    serde_json::to_string(&scalar_text(x)).unwrap_or_default()
                ));
            }
            s
        }
        (_, v) => format!("{key}: {}\n", scalar(&scalar_text(v))),
    }
}

/// A new profile's file: the keys in `laomo new`'s order, the roster's 主要事迹 as body.
pub fn new_profile_text(
    slug: &str,
    default_slug: &str,
    p: &Person,
    owned: &[&'static str],
) -> String {
    let vals = values(p, owned);
    let mut s = String::from("---\n");
    for key in OWNED {
        if let Some(v) = vals.get(key) {
            s.push_str(&yaml_block(key, v));
        }
        if *key == "name" && slug != default_slug {
            s.push_str(&format!("slug: {slug}\n"));
        }
    }
    s.push_str("---\n\n");
    if let Some(story) = &p.story {
        s.push_str(story.trim());
        s.push('\n');
    }
    s
}

/// Replaces (or adds) top-level keys of a front matter, leaving every other line, its
/// comments and the body as they were. An empty block removes the key.
pub fn set_keys(text: &str, blocks: &[(&str, String)]) -> Option<String> {
    let split = crate::load::source::split_front_matter(text).ok()?;
    let yaml = split.front_matter?;
    let start = text.find(yaml)?;
    let mut lines: Vec<String> = yaml.lines().map(str::to_string).collect();
    for (key, block) in blocks {
        let head = format!("{key}:");
        let at = lines.iter().position(|l| l.starts_with(&head));
        let new: Vec<String> = block.lines().map(str::to_string).collect();
        match at {
            Some(i) => {
                let mut end = i + 1;
                while end < lines.len()
                    && (lines[end].starts_with([' ', '\t', '-']) || lines[end].trim().is_empty())
                {
                    end += 1;
                }
                // Blank lines after the block stay where they were.
                while end > i + 1 && lines[end - 1].trim().is_empty() {
                    end -= 1;
                }
                lines.splice(i..end, new);
            }
            None if new.is_empty() => {}
            None => lines.extend(new),
        }
    }
    let mut out = String::with_capacity(text.len() + 64);
    out.push_str(&text[..start]);
    for l in &lines {
        out.push_str(l);
        out.push('\n');
    }
    out.push_str(&text[start + yaml.len()..]);
    Some(out)
}

/// How a row finds its profile on a second import (`key:` in the mapping file).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchKey {
    /// The row's slug column, else the pinyin of the name.
    Slug,
    /// The name alone.
    Name,
    /// The name and the unit; a name met once in both the roster and the site is the
    /// same person even when the unit changed.
    NameAndUnit,
}

impl MatchKey {
    pub fn parse(s: &str) -> Option<MatchKey> {
        match s.trim() {
            "slug" => Some(MatchKey::Slug),
            "name" | "姓名" => Some(MatchKey::Name),
            "name+organization" | "name+unit" | "姓名+单位" => Some(MatchKey::NameAndUnit),
            _ => None,
        }
    }
}

fn find<'a>(
    p: &Person,
    people: &[Person],
    existing: &'a [Existing],
    key: MatchKey,
) -> Option<&'a Existing> {
    if let Some(slug) = &p.slug {
        return existing.iter().find(|e| e.slug == *slug);
    }
    match key {
        MatchKey::Slug => {
            let slug = crate::pinyin::read_name(&p.name).name_slug();
            existing.iter().find(|e| e.slug == slug)
        }
        MatchKey::Name => existing.iter().find(|e| e.name == p.name),
        MatchKey::NameAndUnit => existing
            .iter()
            .find(|e| e.name == p.name && e.organization == p.organization)
            .or_else(|| {
                let mut same = existing.iter().filter(|e| e.name == p.name);
                let one = same.next()?;
                let alone = same.next().is_none()
                    && people.iter().filter(|q| q.name == p.name).count() == 1;
                alone.then_some(one)
            }),
    }
}

/// Compares the roster with the site and decides, person by person.
pub fn plan(
    people: &[Person],
    key: MatchKey,
    owned: &[&'static str],
    existing: &[Existing],
    state: &State,
    config: &Config,
    profiles_dir: &Path,
) -> Plan {
    let mut plan = Plan {
        state: state.clone(),
        ..Plan::default()
    };
    let mut taken: Vec<String> = existing.iter().map(|e| e.slug.clone()).collect();
    for p in people {
        let found = find(p, people, existing, key);
        let new_values = values(p, owned);
        match found {
            None => {
                let default_slug = crate::pinyin::read_name(&p.name).name_slug();
                let base = p.slug.clone().unwrap_or_else(|| default_slug.clone());
                let slug = crate::scaffold::free_slug(&base, |s| taken.iter().any(|t| t == s));
                taken.push(slug.clone());
                plan.state.insert(
                    slug.clone(),
                    new_values
                        .iter()
                        .map(|(k, v)| (k.to_string(), v.clone()))
                        .collect(),
                );
                plan.new.push(NewProfile {
                    file: profiles_dir.join(format!("{slug}.md")),
                    shown: format!("content/profiles/{slug}.md"),
                    text: new_profile_text(&slug, &default_slug, p, owned),
                    slug,
                    row: p.row,
                });
            }
            Some(e) => {
                let Ok(text) = std::fs::read_to_string(&e.file) else {
                    continue;
                };
                let current: Map<String, Value> = crate::load::source::split_front_matter(&text)
                    .ok()
                    .and_then(|s| s.front_matter)
                    .and_then(|y| serde_saphyr::from_str::<Value>(y).ok())
                    .and_then(|v| v.as_object().cloned())
                    .unwrap_or_default();
                let last = state.get(&e.slug);
                let mut blocks: Vec<(&str, String)> = Vec::new();
                let mut keys = Vec::new();
                let mut recorded = last.cloned().unwrap_or_default();
                let conflicts_before = plan.conflicts.len();
                for (key, new) in &new_values {
                    let cur = current.get(*key).map(|v| normalized(key, v, config));
                    if cur.as_ref() == Some(new) {
                        recorded.insert(key.to_string(), new.clone());
                        continue;
                    }
                    let before = last.and_then(|l| l.get(*key));
                    if cur.as_ref() == before {
                        blocks.push((key, yaml_block(key, new)));
                        keys.push(*key);
                        recorded.insert(key.to_string(), new.clone());
                    } else {
                        plan.conflicts.push(Conflict {
                            shown: e.shown.clone(),
                            key,
                            in_file: cur.as_ref().map(readable).unwrap_or_default(),
                            in_roster: readable(new),
                        });
                    }
                }
                plan.state.insert(e.slug.clone(), recorded);
                if keys.is_empty() {
                    if plan.conflicts.len() == conflicts_before {
                        plan.unchanged.push(e.slug.clone());
                    }
                } else if let Some(text) = set_keys(&text, &blocks) {
                    plan.changed.push(Changed {
                        slug: e.slug.clone(),
                        file: e.file.clone(),
                        shown: e.shown.clone(),
                        text,
                        keys,
                    });
                }
            }
        }
    }
    // Namesakes: the same name on two people (different units), each with a slug.
    let mut by_name: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for p in people {
        let slug = plan
            .new
            .iter()
            .find(|n| n.row == p.row)
            .map(|n| n.slug.clone())
            .or_else(|| {
                existing
                    .iter()
                    .find(|e| e.name == p.name && e.organization == p.organization)
                    .map(|e| e.slug.clone())
            })
            .unwrap_or_default();
        by_name.entry(p.name.as_str()).or_default().push(slug);
    }
    plan.namesakes = by_name
        .into_iter()
        .filter(|(_, s)| s.len() > 1)
        .map(|(n, s)| (n.to_string(), s))
        .collect();
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_are_quoted_only_where_yaml_would_misread_them() {
        assert_eq!(scalar("长兴县"), "长兴县");
        assert_eq!(scalar("2015"), "\"2015\"");
        assert_eq!(scalar("no"), "\"no\"");
        assert_eq!(scalar("车间主任: 班组长"), "\"车间主任: 班组长\"");
        assert_eq!(scalar("- 开头"), "\"- 开头\"");
        assert_eq!(scalar("浙江省劳动模范, 全国"), "\"浙江省劳动模范, 全国\"");
    }

    #[test]
    fn set_keys_changes_one_block_and_keeps_comments_and_body() {
        let text = "---\nname: 丁卫松   # 姓名\nhonors:\n  - {title: 省劳模, year: 2015}\nregion: 长兴县\n---\n\n正文。\n";
        let out = set_keys(
            text,
            &[(
                "honors",
                "honors:\n  - {title: 全国劳动模范, year: 2020}\n".to_string(),
            )],
        )
        .expect("front matter");
        assert_eq!(
            out,
            "---\nname: 丁卫松   # 姓名\nhonors:\n  - {title: 全国劳动模范, year: 2020}\nregion: 长兴县\n---\n\n正文。\n"
        );
    }
}
