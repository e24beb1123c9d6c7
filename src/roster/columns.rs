//! Which column holds what: headers are matched by their Chinese names, tolerantly
//! (spaces, full-width brackets, 姓名/名字 …), and a mapping file can say otherwise.

use crate::diagnostic::Diagnostic;
use rust_i18n::t;
use std::collections::BTreeMap;
use std::path::Path;

/// What a roster column fills in a profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    Name,
    Slug,
    Honors,
    Year,
    Region,
    Organization,
    Occupation,
    Industry,
    Association,
    Tags,
    /// 简介 / 主要事迹: the body of a new profile.
    Story,
    /// A value that never reaches the site: under `private:` with this key (empty: the
    /// column's own header is the key).
    Private(&'static str),
    /// A column known to carry nothing for the site (序号, 备注).
    Ignore,
}

impl Field {
    /// The front-matter key it fills, as in docs and the mapping file.
    pub fn key(self) -> &'static str {
        match self {
            Field::Name => "name",
            Field::Slug => "slug",
            Field::Honors => "honors",
            Field::Year => "year",
            Field::Region => "region",
            Field::Organization => "organization",
            Field::Occupation => "occupation",
            Field::Industry => "industry",
            Field::Association => "association",
            Field::Tags => "tags",
            Field::Story => "body",
            Field::Private(k) => k,
            Field::Ignore => "ignore",
        }
    }

    fn from_key(key: &str) -> Option<Field> {
        Some(match key {
            "name" => Field::Name,
            "slug" => Field::Slug,
            "honors" => Field::Honors,
            "year" => Field::Year,
            "region" => Field::Region,
            "organization" => Field::Organization,
            "occupation" => Field::Occupation,
            "industry" => Field::Industry,
            "association" => Field::Association,
            "tags" => Field::Tags,
            "body" => Field::Story,
            "ignore" => Field::Ignore,
            "id_number" => Field::Private("id_number"),
            "phone" => Field::Private("phone"),
            "address" => Field::Private("address"),
            "birth_date" => Field::Private("birth_date"),
            _ => return None,
        })
    }
}

/// Header names, after [`normalize`], for each field: the ones associations use.
const HEADERS: &[(&str, Field)] = &[
    ("姓名", Field::Name),
    ("名字", Field::Name),
    ("劳模姓名", Field::Name),
    ("slug", Field::Slug),
    ("网址", Field::Slug),
    ("荣誉", Field::Honors),
    ("荣誉称号", Field::Honors),
    ("获得荣誉", Field::Honors),
    ("所获荣誉", Field::Honors),
    ("称号", Field::Honors),
    ("荣誉名称", Field::Honors),
    ("年份", Field::Year),
    ("授予年份", Field::Year),
    ("获评时间", Field::Year),
    ("获评年份", Field::Year),
    ("表彰时间", Field::Year),
    ("表彰年份", Field::Year),
    ("授予时间", Field::Year),
    ("地区", Field::Region),
    ("所属地区", Field::Region),
    ("所在地区", Field::Region),
    ("县(市、区)", Field::Region),
    ("县市区", Field::Region),
    ("区县", Field::Region),
    ("县(市、区)名称", Field::Region),
    ("单位", Field::Organization),
    ("工作单位", Field::Organization),
    ("所在单位", Field::Organization),
    ("工作单位及职务", Field::Organization),
    ("职务", Field::Occupation),
    ("职称", Field::Occupation),
    ("职务/职称", Field::Occupation),
    ("职务(职称)", Field::Occupation),
    ("职业", Field::Occupation),
    ("岗位", Field::Occupation),
    ("行业", Field::Industry),
    ("所属行业", Field::Industry),
    ("协会", Field::Association),
    ("所属协会", Field::Association),
    ("标签", Field::Tags),
    ("简介", Field::Story),
    ("主要事迹", Field::Story),
    ("事迹", Field::Story),
    ("事迹简介", Field::Story),
    ("个人简介", Field::Story),
    ("身份证号", Field::Private("id_number")),
    ("身份证", Field::Private("id_number")),
    ("身份证号码", Field::Private("id_number")),
    ("联系电话", Field::Private("phone")),
    ("电话", Field::Private("phone")),
    ("手机", Field::Private("phone")),
    ("手机号", Field::Private("phone")),
    ("手机号码", Field::Private("phone")),
    ("联系方式", Field::Private("phone")),
    ("住址", Field::Private("address")),
    ("家庭住址", Field::Private("address")),
    ("通讯地址", Field::Private("address")),
    ("出生日期", Field::Private("birth_date")),
    ("出生年月", Field::Private("birth_date")),
    ("序号", Field::Ignore),
    ("编号", Field::Ignore),
    ("备注", Field::Ignore),
];

/// A header as compared: no spaces (U+3000 included), half-width brackets and colons,
/// ASCII lowercased, no `*` marking a required column.
pub fn normalize(header: &str) -> String {
    header
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '*')
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            '：' => ':',
            '／' => '/',
            c => c.to_ascii_lowercase(),
        })
        .collect::<String>()
        .trim_end_matches(':')
        .to_string()
}

/// The field a header names, by its name, else by its name without a bracketed note
/// (`荣誉称号(最高)` is 荣誉称号).
pub fn guess(header: &str) -> Option<Field> {
    let h = normalize(header);
    let find = |h: &str| HEADERS.iter().find(|(n, _)| *n == h).map(|(_, f)| *f);
    find(&h).or_else(|| {
        let cut = h.find('(')?;
        find(&h[..cut])
    })
}

/// `--map FILE.yaml`: `columns:` maps headers to keys (`工作单位及职务: organization`,
/// `备注: ignore`); `private:` lists more headers kept under `private:`; `key:` says how
/// rows find their profile on a second import.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    #[serde(default)]
    pub columns: BTreeMap<String, String>,
    #[serde(default)]
    pub private: Vec<String>,
    #[serde(default)]
    pub key: Option<String>,
}

impl Mapping {
    pub fn load(path: &Path, shown: &str) -> Result<Mapping, Diagnostic> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Diagnostic::error(t!("roster.cannot_read", file = shown, error = e))
                .hint(t!("roster.cannot_read.hint"))
        })?;
        let source = crate::yaml::YamlSource {
            file: shown,
            file_text: &text,
            yaml: &text,
            first_line: 0,
            what: "--map",
        };
        source.parse(&["columns", "private", "key"])
    }

    /// The field for a header: the mapping first, then the guess.
    pub fn field(&self, header: &str) -> Result<Option<Field>, String> {
        let h = normalize(header);
        if let Some((_, key)) = self.columns.iter().find(|(k, _)| normalize(k) == h) {
            return match Field::from_key(key.trim()) {
                Some(f) => Ok(Some(f)),
                None => Err(key.clone()),
            };
        }
        if self.private.iter().any(|p| normalize(p) == h) {
            return Ok(Some(Field::Private("")));
        }
        Ok(guess(header))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_matched_as_editors_write_them() {
        for (header, field) in [
            ("姓名", Field::Name),
            ("姓 名", Field::Name),
            ("名字", Field::Name),
            ("*姓名", Field::Name),
            ("工作单位", Field::Organization),
            ("荣誉称号（最高）", Field::Honors),
            ("获评时间", Field::Year),
            ("县（市、区）", Field::Region),
            ("县(市、区)", Field::Region),
            ("职务／职称", Field::Occupation),
            ("主要事迹：", Field::Story),
            ("身份证号码", Field::Private("id_number")),
            ("手机", Field::Private("phone")),
        ] {
            assert_eq!(guess(header), Some(field), "{header}");
        }
        assert_eq!(guess("爱好"), None);
    }
}
