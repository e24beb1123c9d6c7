//! A page's template context that fingerprints everything put into it.
//!
//! A page's HTML is a function of its template and its context alone: the templates'
//! own functions (`url`, `fit`, `range`) depend only on their arguments, the base path
//! and the fonts, which are in the seed. So two builds that give a page the same
//! fingerprint give it the same bytes, and the writer can keep the file it has
//! instead of rendering it again (see `Sink::holds`).

use super::key_bytes;
use serde::Serialize;
use tera::{Context, Value};
use xxhash_rust::xxh3::{Xxh3Default, xxh3_128};

/// What a page is made from: equal keys, equal bytes.
pub type OutputKey = [u8; 16];

/// A Tera context and, in order, the bytes of what was inserted, hashed once for the
/// key: a streaming hasher fed the few-byte pieces a context is made of spends most
/// of its time copying them into its buffer.
///
/// A context made [`for_key`](PageContext::for_key) only learns the key: it makes no
/// Tera values, and cannot be rendered. Both kinds give the same key.
#[derive(Clone)]
pub struct PageContext {
    context: Option<Context>,
    bytes: Vec<u8>,
}

impl PageContext {
    /// An empty context whose keys depend on `seed` (the templates, base path, fonts).
    pub fn seeded(seed: &[u8]) -> PageContext {
        let mut bytes = Vec::new();
        key_bytes::write_len_bytes(&mut bytes, seed);
        PageContext {
            context: Some(Context::new()),
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
        PageContext {
            context: self.context.clone(),
            bytes: self.bytes_for_page(),
        }
    }

    /// A copy that learns one page's key and nothing else.
    pub fn for_key(&self) -> PageContext {
        PageContext {
            context: None,
            bytes: self.bytes_for_page(),
        }
    }

    fn bytes_for_page(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(16 * 1024);
        bytes.extend_from_slice(&self.bytes);
        bytes
    }

    pub fn insert<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        key_bytes::write_str(&mut self.bytes, key);
        key_bytes::write(&mut self.bytes, value);
        if let Some(context) = &mut self.context {
            context.insert(key, value);
        }
    }

    /// A Tera value as it is: a safe string (HTML that is not escaped) is one.
    pub fn insert_value(&mut self, key: &'static str, value: Value) {
        key_bytes::write_str(&mut self.bytes, key);
        key_bytes::write_value(&mut self.bytes, &value);
        if let Some(context) = &mut self.context {
            context.insert_value(key, value);
        }
    }

    /// The Tera context; none for a context made only to learn its key.
    pub fn context(&self) -> Option<&Context> {
        self.context.as_ref()
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
    fn a_context_for_the_key_only_has_the_key_of_the_full_one() {
        let view = serde_json::json!({"title": "丁卫松", "url": "/profiles/ding-weisong/"});
        let card = super::key_bytes::Hashed::of(&view);
        // The key-only context gets the card's hash, the full one its value too.
        let fill = |c: &mut PageContext| {
            let card = match c.context() {
                Some(_) => card.with_value(Value::from_serializable(&view)),
                None => card.clone(),
            };
            c.insert(
                "page",
                &serde_json::json!({"title": "劳模宣讲进校园", "n": 3}),
            );
            c.insert("people", &vec![card.clone(), card.clone()]);
            c.insert_value("content", Value::safe_string("<p>劳模</p>"));
        };
        let global = PageContext::seeded(b"seed").sealed();
        let mut full = global.for_page();
        fill(&mut full);
        let mut key_only = global.for_key();
        fill(&mut key_only);
        assert_eq!(full.key("story.html"), key_only.key("story.html"));
        assert!(key_only.context().is_none());
        // The full context hands Tera the cards themselves.
        let people = full
            .context()
            .and_then(|c| c.get("people"))
            .map(|v| v.to_string());
        assert!(people.is_some_and(|p| p.matches("丁卫松").count() == 2));
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
