//! The bytes a page's key is hashed from: every value put into a page's context,
//! written with its kind and its length or an end mark, so that no two values give
//! the same bytes.
//!
//! Views are written straight from their Rust structs (a serde serializer), not from
//! the Tera values made of them: learning a page's key then costs no Tera value, and a
//! build after an edit makes values only for the few pages it renders. A card, listed
//! by thousands of pages, is written as its own hash (see [`Hashed`]).

use serde::ser::{self, Serialize, Serializer};
use std::cell::Cell;
use tera::Value;
use tera::value::{Key, ValueKind};
use xxhash_rust::xxh3::xxh3_128;

/// The serde name [`Hashed`] values go by while a key is written.
const HASHED: &str = "$laomo::render::Hashed";

thread_local! {
    /// True while [`write`] runs on this thread: a [`Hashed`] value then writes its
    /// hash instead of itself (Tera's own serializer gets the value).
    static WRITING_KEY: Cell<bool> = const { Cell::new(false) };
}

/// A value put into many contexts (a page's card), with the hash of its key bytes: a
/// context's key takes the 16-byte hash, its Tera value the Tera value (made once and
/// shared, not copied). A context made only for its key needs no Tera value at all.
#[derive(Clone)]
pub struct Hashed {
    pub value: Option<Value>,
    hash: [u8; 16],
}

impl Hashed {
    /// The hash of `view` (a view struct: no safe strings), without a Tera value.
    pub fn of<T: Serialize + ?Sized>(view: &T) -> Hashed {
        let mut bytes = Vec::with_capacity(1024);
        write(&mut bytes, view);
        Hashed {
            hash: xxh3_128(&bytes).to_le_bytes(),
            value: None,
        }
    }

    /// The same, with the Tera value it stands for.
    pub fn with_value(&self, value: Value) -> Hashed {
        Hashed {
            hash: self.hash,
            value: Some(value),
        }
    }
}

impl Serialize for Hashed {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if WRITING_KEY.get() {
            return serializer.serialize_newtype_struct(HASHED, &HashBytes(&self.hash));
        }
        match &self.value {
            Some(value) => value.serialize(serializer),
            // Only contexts made for their key take hashes without values.
            None => Err(ser::Error::custom("laomo: a card without its value")),
        }
    }
}

struct HashBytes<'a>(&'a [u8; 16]);

impl Serialize for HashBytes<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(self.0)
    }
}

/// Appends the key bytes of `value` (a view struct, a string, a list) to `out`.
pub fn write<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    /// Puts the flag back however `write` ends: a panic caught by `laomo serve` must
    /// not leave a worker thread writing cards as hashes into Tera values.
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            WRITING_KEY.set(self.0);
        }
    }
    let _restore = Restore(WRITING_KEY.replace(true));
    // Writing into a Vec cannot fail but for a view that refuses to serialize, which
    // Tera's own conversion refuses too: such a page is never rendered.
    if value.serialize(&mut KeyWriter { out }).is_err() {
        out.push(0xFF);
    }
}

/// Appends a string: a long one (a page's HTML) by its own hash, hashed where it is
/// instead of copied.
pub fn write_str(out: &mut Vec<u8>, s: &str) {
    if s.len() > 256 {
        out.push(1);
        out.extend_from_slice(&xxh3_128(s.as_bytes()).to_le_bytes());
    } else {
        out.push(0);
        write_len_bytes(out, s.as_bytes());
    }
}

pub fn write_len_bytes(out: &mut Vec<u8>, b: &[u8]) {
    out.extend_from_slice(&(b.len() as u64).to_le_bytes());
    out.extend_from_slice(b);
}

// One tag per kind of value, each value self-delimiting (a length, or an end mark).
const UNIT: u8 = 0;
const SOME: u8 = 1;
const BOOL: u8 = 2;
const INT: u8 = 3;
const FLOAT: u8 = 4;
const SAFE_STR: u8 = 5;
const STR: u8 = 6;
const SEQ: u8 = 7;
const MAP: u8 = 8;
const BYTES: u8 = 9;
const OTHER: u8 = 10;
const HASH: u8 = 11;
const UINT: u8 = 12;
const VARIANT: u8 = 13;
const UNDEFINED: u8 = 14;
const ITEM: u8 = 0xE0;
const END: u8 = 0xE1;

/// A Tera value, its strings' safe mark included (it decides the escaping): the
/// intro and content HTML go into contexts as safe Tera strings.
pub fn write_value(h: &mut Vec<u8>, v: &Value) {
    match v.kind() {
        // Undefined and none differ to Tera (`is defined`).
        ValueKind::Undefined => h.push(UNDEFINED),
        ValueKind::None => h.push(UNIT),
        ValueKind::Bool => h.extend_from_slice(&[BOOL, v.as_bool().unwrap_or_default() as u8]),
        ValueKind::U64 | ValueKind::I64 | ValueKind::U128 | ValueKind::I128 => {
            match v.as_i128() {
                Some(n) => {
                    h.push(INT);
                    h.extend_from_slice(&n.to_le_bytes());
                }
                // A u128 past i128's range: by its digits.
                None => {
                    h.push(OTHER);
                    write_str(h, &format!("{v:?}"));
                }
            }
        }
        ValueKind::F64 => {
            h.push(FLOAT);
            h.extend_from_slice(&v.as_f64().unwrap_or_default().to_bits().to_le_bytes());
        }
        ValueKind::String => {
            h.push(if v.is_safe() { SAFE_STR } else { STR });
            write_str(h, v.as_str().unwrap_or_default());
        }
        ValueKind::Array => {
            h.push(SEQ);
            for item in v.as_array().unwrap_or_default() {
                h.push(ITEM);
                write_value(h, item);
            }
            h.push(END);
        }
        ValueKind::Map => {
            h.push(MAP);
            if let Some(map) = v.as_map() {
                for (k, item) in map {
                    h.push(ITEM);
                    write_tera_key(h, k);
                    write_value(h, item);
                }
            }
            h.push(END);
        }
        ValueKind::Bytes => {
            h.push(BYTES);
            write_len_bytes(h, v.as_bytes().unwrap_or_default());
        }
        // A kind this version does not know yet: its text, so a change still shows.
        _ => {
            h.push(OTHER);
            write_str(h, &format!("{v:?}"));
        }
    }
}

fn write_tera_key(h: &mut Vec<u8>, k: &Key) {
    h.push(STR);
    match k.as_str() {
        Some(s) => write_str(h, s),
        None => write_str(h, &format!("\u{0}{k:?}")),
    }
}

/// The serializer behind [`write`]. Strings are written as [`write_value`] writes an
/// unsafe Tera string; a view holds no safe strings (only contexts do, by
/// `insert_value`), and a struct's fields as a map's entries.
struct KeyWriter<'a> {
    out: &'a mut Vec<u8>,
}

impl KeyWriter<'_> {
    fn tag(&mut self, tag: u8) {
        self.out.push(tag);
    }
}

#[derive(Debug)]
struct KeyError;

impl std::fmt::Display for KeyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("cannot write key bytes")
    }
}

impl std::error::Error for KeyError {}

impl ser::Error for KeyError {
    fn custom<T: std::fmt::Display>(_msg: T) -> Self {
        KeyError
    }
}

type Done = Result<(), KeyError>;

impl<'a, 'b> Serializer for &'a mut KeyWriter<'b> {
    type Ok = ();
    type Error = KeyError;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    fn serialize_bool(self, v: bool) -> Done {
        self.out.extend_from_slice(&[BOOL, v as u8]);
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Done {
        self.serialize_i128(v.into())
    }
    fn serialize_i16(self, v: i16) -> Done {
        self.serialize_i128(v.into())
    }
    fn serialize_i32(self, v: i32) -> Done {
        self.serialize_i128(v.into())
    }
    fn serialize_i64(self, v: i64) -> Done {
        self.serialize_i128(v.into())
    }
    fn serialize_i128(self, v: i128) -> Done {
        self.tag(INT);
        self.out.extend_from_slice(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Done {
        self.serialize_u128(v.into())
    }
    fn serialize_u16(self, v: u16) -> Done {
        self.serialize_u128(v.into())
    }
    fn serialize_u32(self, v: u32) -> Done {
        self.serialize_u128(v.into())
    }
    fn serialize_u64(self, v: u64) -> Done {
        self.serialize_u128(v.into())
    }
    fn serialize_u128(self, v: u128) -> Done {
        self.tag(UINT);
        self.out.extend_from_slice(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Done {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Done {
        self.tag(FLOAT);
        self.out.extend_from_slice(&v.to_bits().to_le_bytes());
        Ok(())
    }
    fn serialize_char(self, v: char) -> Done {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Done {
        self.tag(STR);
        write_str(self.out, v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Done {
        self.tag(BYTES);
        write_len_bytes(self.out, v);
        Ok(())
    }
    fn serialize_none(self) -> Done {
        self.tag(UNIT);
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Done {
        self.tag(SOME);
        value.serialize(self)
    }
    fn serialize_unit(self) -> Done {
        self.tag(UNIT);
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Done {
        self.serialize_unit()
    }
    fn serialize_unit_variant(self, _name: &'static str, _index: u32, variant: &str) -> Done {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Done {
        if name == HASHED {
            // The 16 bytes of a `Hashed`: its hash, not its value.
            self.tag(HASH);
        }
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Done {
        self.tag(VARIANT);
        write_str(self.out, variant);
        value.serialize(self)
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self, KeyError> {
        self.tag(SEQ);
        Ok(self)
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self, KeyError> {
        self.serialize_seq(None)
    }
    fn serialize_tuple_struct(self, _name: &'static str, _len: usize) -> Result<Self, KeyError> {
        self.serialize_seq(None)
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self, KeyError> {
        self.tag(VARIANT);
        write_str(self.out, variant);
        self.serialize_seq(None)
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self, KeyError> {
        self.tag(MAP);
        Ok(self)
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self, KeyError> {
        self.serialize_map(None)
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self, KeyError> {
        self.tag(VARIANT);
        write_str(self.out, variant);
        self.serialize_map(None)
    }
}

impl KeyWriter<'_> {
    fn item<T: Serialize + ?Sized>(&mut self, value: &T) -> Done {
        self.tag(ITEM);
        value.serialize(self)
    }
    fn end(&mut self) -> Done {
        self.tag(END);
        Ok(())
    }
}

impl ser::SerializeSeq for &mut KeyWriter<'_> {
    type Ok = ();
    type Error = KeyError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Done {
        self.item(value)
    }
    fn end(self) -> Done {
        KeyWriter::end(self)
    }
}

impl ser::SerializeTuple for &mut KeyWriter<'_> {
    type Ok = ();
    type Error = KeyError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Done {
        self.item(value)
    }
    fn end(self) -> Done {
        KeyWriter::end(self)
    }
}

impl ser::SerializeTupleStruct for &mut KeyWriter<'_> {
    type Ok = ();
    type Error = KeyError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Done {
        self.item(value)
    }
    fn end(self) -> Done {
        KeyWriter::end(self)
    }
}

impl ser::SerializeTupleVariant for &mut KeyWriter<'_> {
    type Ok = ();
    type Error = KeyError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Done {
        self.item(value)
    }
    fn end(self) -> Done {
        KeyWriter::end(self)
    }
}

impl ser::SerializeMap for &mut KeyWriter<'_> {
    type Ok = ();
    type Error = KeyError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Done {
        self.item(key)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Done {
        value.serialize(&mut **self)
    }
    fn end(self) -> Done {
        KeyWriter::end(self)
    }
}

impl ser::SerializeStruct for &mut KeyWriter<'_> {
    type Ok = ();
    type Error = KeyError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Done {
        self.tag(ITEM);
        self.tag(STR);
        write_str(self.out, key);
        value.serialize(&mut **self)
    }
    fn end(self) -> Done {
        KeyWriter::end(self)
    }
}

impl ser::SerializeStructVariant for &mut KeyWriter<'_> {
    type Ok = ();
    type Error = KeyError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Done {
        ser::SerializeStruct::serialize_field(self, key, value)
    }
    fn end(self) -> Done {
        KeyWriter::end(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes<T: Serialize + ?Sized>(v: &T) -> Vec<u8> {
        let mut out = Vec::new();
        write(&mut out, v);
        out
    }

    #[test]
    fn values_that_differ_write_different_bytes() {
        let base = serde_json::json!({"title": "丁卫松", "n": 3, "tags": ["劳模"]});
        let changed = [
            serde_json::json!({"title": "丁卫", "n": 3, "tags": ["劳模"]}),
            serde_json::json!({"title": "丁卫松", "n": 4, "tags": ["劳模"]}),
            serde_json::json!({"title": "丁卫松", "n": 3.0, "tags": ["劳模"]}),
            serde_json::json!({"name": "丁卫松", "n": 3, "tags": ["劳模"]}),
            serde_json::json!({"title": "丁卫松", "n": 3, "tags": ["劳模", ""]}),
            serde_json::json!({"title": "丁卫松", "n": 3, "tags": []}),
            serde_json::json!({"title": "丁卫松", "n": 3, "tags": [["劳模"]]}),
            serde_json::json!({"title": "丁卫松", "n": 3, "tags": ["劳模"], "x": null}),
        ];
        for c in &changed {
            assert_ne!(bytes(&base), bytes(c), "{c}");
        }
        assert_eq!(bytes(&base), bytes(&base.clone()));
        // Strings that run into each other: ("ab", "c") is not ("a", "bc").
        assert_ne!(bytes(&("ab", "c")), bytes(&("a", "bc")));
        assert_ne!(bytes(&Some("")), bytes(&None::<&str>));
        assert_ne!(bytes(&vec![None::<u8>]), bytes(&Vec::<u8>::new()));
    }

    #[test]
    fn a_hashed_value_writes_its_hash_and_serializes_as_its_value() {
        let card = |title: &str| {
            let view = serde_json::json!({"title": title, "url": "/profiles/ding/"});
            Hashed::of(&view).with_value(Value::from_serializable(&view))
        };
        let a = card("丁卫松");
        // Tera gets the value itself.
        let value = a.value.clone().unwrap();
        assert_eq!(
            Value::from_serializable(&vec![a.clone()]).to_string(),
            Value::from_serializable(&vec![value.clone()]).to_string()
        );
        assert_eq!(
            serde_json::to_string(&a).ok(),
            serde_json::to_string(&value).ok()
        );
        // A key gets 26 bytes however large the card, and a changed card changes them.
        assert_eq!(bytes(&a).len(), 26);
        assert_ne!(bytes(&a), bytes(&card("丁卫")));
        assert_eq!(bytes(&a), bytes(&card("丁卫松")));
        // Without its value it writes the same key, and refuses to be a Tera value.
        let bare = Hashed::of(&serde_json::json!({"title": "丁卫松", "url": "/profiles/ding/"}));
        assert_eq!(bytes(&a), bytes(&bare));
        assert!(serde_json::to_string(&bare).is_err());
    }
}
