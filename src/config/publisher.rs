//! Who publishes the site, as a Chinese public site must say in its footer: 主办 and 承办
//! units, a contact, the ICP record number (ICP备案号) and the public-security record
//! (公安备案), each linked to the registry where a visitor can check it; and a logo.

use crate::diagnostic::Diagnostics;
use crate::yaml::{Sp, TextList, YamlSource};
use rust_i18n::t;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The MIIT registry, where an ICP number is looked up.
pub const ICP_REGISTRY: &str = "https://beian.miit.gov.cn/";
/// The public-security registry; the record's number goes in `code=`.
const PUBLIC_SECURITY_REGISTRY: &str = "https://beian.mps.gov.cn/#/query/webSearch?code=";

/// `publisher:` as written in site.yaml.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PublisherFile {
    #[serde(default)]
    sponsor: Option<TextList>,
    #[serde(default)]
    organizer: Option<TextList>,
    #[serde(default)]
    contact: Option<ContactFile>,
    #[serde(default)]
    icp: Option<Sp<String>>,
    #[serde(default)]
    public_security: Option<Sp<String>>,
    #[serde(default)]
    logo: Option<Sp<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ContactFile {
    #[serde(default)]
    phone: Option<String>,
    #[serde(default)]
    email: Option<Sp<String>>,
    #[serde(default)]
    address: Option<String>,
}

/// What templates see as `site.publisher`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Publisher {
    /// 主办单位.
    pub sponsor: Vec<String>,
    /// 承办单位.
    pub organizer: Vec<String>,
    pub contact: Option<Contact>,
    pub icp: Option<Record>,
    pub public_security: Option<Record>,
    /// Site path of the logo in static/ (`/images/logo.svg`); templates add the base.
    pub logo: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Contact {
    pub phone: Option<String>,
    /// `tel:` link for the phone: digits and `+` only.
    pub phone_link: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
}

/// A record number as shown, and the registry page that confirms it.
#[derive(Debug, Clone, Serialize)]
pub struct Record {
    pub text: String,
    pub url: String,
}

pub(super) fn check(
    raw: Option<PublisherFile>,
    root: &Path,
    src: &YamlSource,
    diags: &mut Diagnostics,
) -> Publisher {
    let Some(raw) = raw else {
        return Publisher::default();
    };
    let list = |l: Option<TextList>| -> Vec<String> {
        l.map(|l| l.0)
            .unwrap_or_default()
            .into_iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    };
    let contact = raw.contact.map(|c| {
        if let Some(e) = &c.email
            && !e.value.contains('@')
        {
            diags.push(
                src.warning_at(e, t!("publisher.email", value = e.value))
                    .hint(t!("publisher.email.hint")),
            );
        }
        let phone_link = c.phone.as_deref().map(|p| {
            p.chars()
                .filter(|ch| ch.is_ascii_digit() || *ch == '+')
                .collect::<String>()
        });
        Contact {
            phone_link: phone_link.filter(|l| l.len() >= 5),
            phone: c.phone,
            email: c.email.map(|e| e.value.trim().to_string()),
            address: c.address,
        }
    });
    let icp = raw.icp.map(|sp| {
        let text = sp.value.trim().to_string();
        if !looks_like_icp(&text) {
            diags.push(
                src.warning_at(&sp, t!("publisher.icp", value = text))
                    .hint(t!("publisher.icp.hint")),
            );
        }
        Record {
            text,
            url: ICP_REGISTRY.to_string(),
        }
    });
    let public_security = raw.public_security.map(|sp| {
        let text = sp.value.trim().to_string();
        let code = longest_digit_run(&text);
        if !text.contains("公网安备") || code.len() < 10 {
            diags.push(
                src.warning_at(&sp, t!("publisher.police", value = text))
                    .hint(t!("publisher.police.hint")),
            );
        }
        Record {
            url: format!("{PUBLIC_SECURITY_REGISTRY}{code}"),
            text,
        }
    });
    let logo = raw.logo.and_then(|sp| {
        let rel = sp.value.trim().trim_start_matches('/').to_string();
        let image = [".svg", ".png", ".webp", ".jpg", ".jpeg"]
            .iter()
            .any(|e| rel.to_ascii_lowercase().ends_with(e));
        let safe = !rel.split('/').any(|part| part == ".." || part.is_empty());
        if !(image && safe && root.join("static").join(&rel).is_file()) {
            diags.push(
                src.error_at(&sp, t!("publisher.logo", value = sp.value))
                    .hint(t!("publisher.logo.hint")),
            );
            return None;
        }
        Some(format!("/{rel}"))
    });
    Publisher {
        sponsor: list(raw.sponsor),
        organizer: list(raw.organizer),
        contact,
        icp,
        public_security,
        logo,
    }
}

/// `浙ICP备12345678号`, `京ICP证030173号`, with an optional `-1` site number.
fn looks_like_icp(text: &str) -> bool {
    let mut cs = text.chars();
    let province = cs.next().is_some_and(crate::util::cjk::is_han);
    let rest: String = cs.collect();
    let Some(number) = rest
        .strip_prefix("ICP备")
        .or_else(|| rest.strip_prefix("ICP证"))
    else {
        return false;
    };
    let digits: String = number.chars().take_while(char::is_ascii_digit).collect();
    let tail = &number[digits.len()..];
    province
        && digits.len() >= 6
        && (tail == "号"
            || tail
                .strip_prefix("号-")
                .is_some_and(|n| n.parse::<u32>().is_ok()))
}

fn longest_digit_run(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_digit())
        .max_by_key(|s| s.len())
        .unwrap_or("")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_numbers() {
        assert!(looks_like_icp("浙ICP备12345678号"));
        assert!(looks_like_icp("浙ICP备12345678号-1"));
        assert!(looks_like_icp("京ICP证030173号"));
        assert!(!looks_like_icp("ICP备12345678号"));
        assert!(!looks_like_icp("浙ICP备123号"));
        assert!(!looks_like_icp("浙ICP备12345678"));
        assert_eq!(
            longest_digit_run("浙公网安备 33010602011771号"),
            "33010602011771"
        );
    }
}
