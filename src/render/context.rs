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
use xxhash_rust::xxh3::{Xxh3Default, xxh3_128};

/// What a page is made from: equal keys, equal bytes.
pub type OutputKey = [u8; 16];

/// A Tera context and, in order, the bytes of what was inserted, hashed once for the
/// key: a streaming hasher fed the few-byte pieces a context is made of spends most
/// of its time copying them into its buffer.
#[derive(Clone)]
pub struct PageContext {
    context: Context,
    bytes: Vec<u8>,
}

impl PageContext {
    /// An empty context whose keys depend on `seed` (the templates, base path, fonts).
    pub fn seeded(seed: &[u8]) -> PageContext {
        let mut bytes = Vec::new();
        feed_bytes(&mut bytes, seed);
        PageContext {
            context: Context::new(),
            bytes,
        }
    }

    /// The same context with what was inserted so far hashed into its seed: the part
    /// every page shares, hashed once instead of once per page.
    pub fn sealed(self) -> PageContext {
        let mut sealed = PageContext::seeded(&xxh3_128(&self.bytes).to_le_bytes());
        sealed.context = self.context;
        sealed
    }

    /// A copy to build one page's context on, with room for a typical page's values.
    pub fn for_page(&self) -> PageContext {
        let mut bytes = Vec::with_capacity(16 * 1024);
        bytes.extend_from_slice(&self.bytes);
        PageContext {
            context: self.context.clone(),
            bytes,
        }
    }

    pub fn insert<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        self.insert_value(key, Value::from_serializable(value));
    }

    pub fn insert_value(&mut self, key: &'static str, value: Value) {
        feed_str(&mut self.bytes, key);
        feed(&mut self.bytes, &value);
        self.context.insert_value(key, value);
    }

    pub fn context(&self) -> &Context {
        &self.context
    }

    /// The key of this context rendered through `template`.
    pub fn key(&self, template: &str) -> OutputKey {
        let mut h = Xxh3Default::new();
        h.update(&self.bytes);
        h.update(b"\xfftemplate");
        h.update(template.as_bytes());
        h.digest128().to_le_bytes()
    }
}

fn feed_bytes(out: &mut Vec<u8>, b: &[u8]) {
    out.extend_from_slice(&(b.len() as u64).to_le_bytes());
    out.extend_from_slice(b);
}

fn feed_str(out: &mut Vec<u8>, s: &str) {
    // A long text (a page's HTML) by its own hash: hashed where it is, not copied.
    if s.len() > 256 {
        out.push(1);
        out.extend_from_slice(&xxh3_128(s.as_bytes()).to_le_bytes());
    } else {
        out.push(0);
        feed_bytes(out, s.as_bytes());
    }
}

/// Every value with its kind and length first, so that no two values hash alike by
/// running into each other; a string's safe mark too (it decides the escaping).
fn feed(h: &mut Vec<u8>, v: &Value) {
    match v.kind() {
        ValueKind::Undefined => h.extend_from_slice(&[0]),
        ValueKind::None => h.extend_from_slice(&[1]),
        ValueKind::Bool => h.extend_from_slice(&[2, v.as_bool().unwrap_or_default() as u8]),
        ValueKind::U64 | ValueKind::I64 | ValueKind::U128 | ValueKind::I128 => {
            h.extend_from_slice(&[3]);
            h.extend_from_slice(&v.as_i128().unwrap_or_default().to_le_bytes());
        }
        ValueKind::F64 => {
            h.extend_from_slice(&[4]);
            h.extend_from_slice(&v.as_f64().unwrap_or_default().to_bits().to_le_bytes());
        }
        ValueKind::String => {
            h.extend_from_slice(&[if v.is_safe() { 5 } else { 6 }]);
            feed_str(h, v.as_str().unwrap_or_default());
        }
        ValueKind::Array => {
            let items = v.as_array().unwrap_or_default();
            h.extend_from_slice(&[7]);
            h.extend_from_slice(&(items.len() as u64).to_le_bytes());
            for item in items {
                feed(h, item);
            }
        }
        ValueKind::Map => {
            h.extend_from_slice(&[8]);
            if let Some(map) = v.as_map() {
                h.extend_from_slice(&(map.len() as u64).to_le_bytes());
                for (k, item) in map {
                    feed_key(h, k);
                    feed(h, item);
                }
            }
        }
        ValueKind::Bytes => {
            let bytes = v.as_bytes().unwrap_or_default();
            h.extend_from_slice(&[9]);
            h.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
            h.extend_from_slice(bytes);
        }
        // A kind this version does not know yet: its text, so a change still shows.
        _ => {
            h.extend_from_slice(&[10]);
            feed_str(h, &format!("{v:?}"));
        }
    }
}

fn feed_key(h: &mut Vec<u8>, k: &Key) {
    match k.as_str() {
        Some(s) => {
            h.extend_from_slice(&[0]);
            feed_str(h, s);
        }
        None => {
            h.extend_from_slice(&[1]);
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
        // Sealing keeps what was inserted in the key.
        let mut a = PageContext::seeded(b"seed");
        a.insert("site", "长兴县劳模协会");
        let mut b = PageContext::seeded(b"seed");
        b.insert("site", "平阳县劳模协会");
        assert_ne!(a.sealed().key("page.html"), b.sealed().key("page.html"));
        assert_ne!(
            c.key("page.html"),
            PageContext::seeded(b"other seed").key("page.html")
        );
        // A long text changed anywhere changes the key.
        let long = "劳模".repeat(200);
        let a = key_of(|c| c.insert("content", &long));
        let b = key_of(|c| c.insert("content", &format!("{long}。")));
        assert_ne!(a, b);
        // Strings that run into each other: ("ab", "c") is not ("a", "bc").
        let ab = key_of(|c| c.insert("x", &("ab", "c")));
        let bc = key_of(|c| c.insert("x", &("a", "bc")));
        assert_ne!(ab, bc);
    }
}
