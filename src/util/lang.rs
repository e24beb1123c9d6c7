//! Which language laomo speaks to its user. Chinese unless asked otherwise: the people
//! who write these sites read Chinese, and a Windows or macOS terminal set up in China
//! often has no `LANG` at all. English with `--lang en`, or when the locale says English.
//! Every text is in one catalogue, `locales/laomo.yml`, read through `rust_i18n::t!`.

pub const CHINESE: &str = "zh-CN";
pub const ENGLISH: &str = "en";

/// The language for `--lang` (if given) and the environment: `LC_ALL`, `LC_MESSAGES`,
/// `LANG`, the first that is set, as POSIX orders them.
pub fn choose(flag: Option<&str>) -> &'static str {
    if let Some(f) = flag {
        return parse(f);
    }
    for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
        if let Ok(v) = std::env::var(var)
            && !v.is_empty()
        {
            return parse(&v);
        }
    }
    CHINESE
}

/// `en`, `en_US.UTF-8`, `English` are English; anything else (`zh_CN`, `C.UTF-8`) Chinese.
fn parse(value: &str) -> &'static str {
    if value.to_ascii_lowercase().starts_with("en") {
        ENGLISH
    } else {
        CHINESE
    }
}

/// Sets the language of every message from here on.
pub fn set(lang: &str) {
    rust_i18n::set_locale(lang);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_only_when_asked() {
        assert_eq!(parse("en_US.UTF-8"), ENGLISH);
        assert_eq!(parse("en"), ENGLISH);
        assert_eq!(parse("zh_CN.UTF-8"), CHINESE);
        assert_eq!(parse("C.UTF-8"), CHINESE);
        assert_eq!(choose(Some("en")), ENGLISH);
        assert_eq!(choose(Some("zh-CN")), CHINESE);
    }

    #[test]
    fn every_key_has_both_languages() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
        let mut files = 0;
        let mut seen = std::collections::HashSet::new();
        for entry in std::fs::read_dir(&dir).expect("locales/") {
            let path = entry.expect("entry").path();
            if path.extension().is_none_or(|e| e != "yml") {
                continue;
            }
            files += 1;
            let catalogue = std::fs::read_to_string(&path).expect("read");
            let mut key: Option<String> = None;
            let mut langs: Vec<String> = Vec::new();
            let check = |key: &Option<String>, langs: &[String]| {
                if let Some(k) = key {
                    assert!(
                        langs.iter().any(|l| l == "en") && langs.iter().any(|l| l == "zh-CN"),
                        "{}: {k} lacks a language: {langs:?}",
                        path.display()
                    );
                }
            };
            for line in catalogue.lines() {
                if line.starts_with('#') || line.trim().is_empty() || line.starts_with("_version") {
                    continue;
                }
                if !line.starts_with(' ') {
                    check(&key, &langs);
                    let k = line.trim_end_matches(':').to_string();
                    assert!(seen.insert(k.clone()), "{k} is in the catalogue twice");
                    key = Some(k);
                    langs.clear();
                } else if let Some((lang, _)) = line.trim().split_once(':') {
                    langs.push(lang.to_string());
                }
            }
            check(&key, &langs);
        }
        assert!(files >= 1, "no catalogue in {}", dir.display());
    }
}
