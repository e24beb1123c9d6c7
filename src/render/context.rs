//! A page's template context that fingerprints everything put into it.
//!
//! A page's HTML is a function of its template and its context alone: the templates'
//! own functions (`url`, `fit`, `range`) depend only on their arguments, the base path
//! and the fonts, which are in the seed. So two builds that give a page the same
//! fingerprint give it the same bytes, and the writer can keep the file it has
//! instead of rendering it again (see `Sink::holds`).

use serde::Serialize;
use tera::value::{Key, ValueKind};
use tera::{Context, Value};
use xxhash_rust::xxh3::Xxh3Default;

/// What a page is made from: equal keys, equal bytes.
pub type OutputKey = [u8; 16];

/// A Tera context and the running hash of what was inserted, in order.
#[derive(Clone)]
pub struct PageContext {
    context: Context,
    hasher: Box<Xxh3Default>,
}

impl PageContext {
    /// An empty context whose keys depend on `seed` (the templates, base path, fonts).
    pub fn seeded(seed: &[u8]) -> PageContext {
        let mut hasher = Box::new(Xxh3Default::new());
        hasher.update(&(seed.len() as u64).to_le_bytes());
        hasher.update(seed);
        PageContext {
            context: Context::new(),
            hasher,
        }
    }

    pub fn insert<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        self.insert_value(key, Value::from_serializable(value));
    }

    pub fn insert_value(&mut self, key: &'static str, value: Value) {
        feed_str(&mut self.hasher, key);
        feed(&mut self.hasher, &value);
        self.context.insert_value(key, value);
    }

    pub fn context(&self) -> &Context {
        &self.context
    }

    /// The key of this context rendered through `template`.
    pub fn key(&self, template: &str) -> OutputKey {
        let mut h = self.hasher.clone();
        h.update(b"\xfftemplate");
        feed_str(&mut h, template);
        h.digest128().to_le_bytes()
    }
}

fn feed_str(h: &mut Xxh3Default, s: &str) {
    h.update(&(s.len() as u64).to_le_bytes());
    h.update(s.as_bytes());
}

/// Every value with its kind and length first, so that no two values hash alike by
/// running into each other; a string's safe mark too (it decides the escaping).
fn feed(h: &mut Xxh3Default, v: &Value) {
    match v.kind() {
        ValueKind::Undefined => h.update(&[0]),
        ValueKind::None => h.update(&[1]),
        ValueKind::Bool => h.update(&[2, v.as_bool().unwrap_or_default() as u8]),
        ValueKind::U64 | ValueKind::I64 | ValueKind::U128 | ValueKind::I128 => {
            h.update(&[3]);
            h.update(&v.as_i128().unwrap_or_default().to_le_bytes());
        }
        ValueKind::F64 => {
            h.update(&[4]);
            h.update(&v.as_f64().unwrap_or_default().to_bits().to_le_bytes());
        }
        ValueKind::String => {
            h.update(&[if v.is_safe() { 5 } else { 6 }]);
            feed_str(h, v.as_str().unwrap_or_default());
        }
        ValueKind::Array => {
            let items = v.as_array().unwrap_or_default();
            h.update(&[7]);
            h.update(&(items.len() as u64).to_le_bytes());
            for item in items {
                feed(h, item);
            }
        }
        ValueKind::Map => {
            h.update(&[8]);
            if let Some(map) = v.as_map() {
                h.update(&(map.len() as u64).to_le_bytes());
                for (k, item) in map {
                    feed_key(h, k);
                    feed(h, item);
                }
            }
        }
        ValueKind::Bytes => {
            let bytes = v.as_bytes().unwrap_or_default();
            h.update(&[9]);
            h.update(&(bytes.len() as u64).to_le_bytes());
            h.update(bytes);
        }
        // A kind this version does not know yet: its text, so a change still shows.
        _ => {
            h.update(&[10]);
            feed_str(h, &format!("{v:?}"));
        }
    }
}

fn feed_key(h: &mut Xxh3Default, k: &Key) {
    match k.as_str() {
        Some(s) => {
            h.update(&[0]);
            feed_str(h, s);
        }
        None => {
            h.update(&[1]);
            feed_str(h, &format!("{k:?}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key_of(fill: impl FnOnce(&mut PageContext)) -> OutputKey {
        let mut c = PageContext::seeded(b"seed");
        fill(&mut c);
        c.key("page.html")
    }

    #[test]
    fn any_change_of_a_value_changes_the_key() {
        let base = key_of(|c| c.insert("page", &serde_json::json!({"title": "丁卫松", "n": 3})));
        let changed = [
            key_of(|c| c.insert("page", &serde_json::json!({"title": "丁卫", "n": 3}))),
            key_of(|c| c.insert("page", &serde_json::json!({"title": "丁卫松", "n": 4}))),
            key_of(|c| c.insert("page", &serde_json::json!({"name": "丁卫松", "n": 3}))),
            key_of(|c| c.insert("page", &serde_json::json!({"title": "丁卫松", "n": 3.0}))),
            key_of(|c| c.insert("other", &serde_json::json!({"title": "丁卫松", "n": 3}))),
            key_of(|c| c.insert("page", &serde_json::json!(["title", "丁卫松", "n", 3]))),
        ];
        for k in changed {
            assert_ne!(base, k);
        }
        assert_eq!(
            base,
            key_of(|c| c.insert("page", &serde_json::json!({"title": "丁卫松", "n": 3})))
        );
    }

    #[test]
    fn the_safe_mark_the_template_and_the_seed_are_part_of_the_key() {
        let safe = key_of(|c| c.insert_value("content", Value::safe_string("<b>劳模</b>")));
        let plain = key_of(|c| c.insert_value("content", Value::normal_string("<b>劳模</b>")));
        assert_ne!(safe, plain);
        let c = PageContext::seeded(b"seed");
        assert_ne!(c.key("page.html"), c.key("story.html"));
        assert_ne!(
            c.key("page.html"),
            PageContext::seeded(b"other seed").key("page.html")
        );
        // Strings that run into each other: ("ab", "c") is not ("a", "bc").
        let ab = key_of(|c| c.insert("x", &("ab", "c")));
        let bc = key_of(|c| c.insert("x", &("a", "bc")));
        assert_ne!(ab, bc);
    }
}
