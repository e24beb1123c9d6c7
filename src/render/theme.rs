//! Templates and theme files: the built-in `showcase` theme is compiled into the
//! binary; a site's `themes/NAME/` and `templates/` override it file by file.

use crate::diagnostic::{Diagnostic, Diagnostics};
use include_dir::{Dir, include_dir};
use rust_i18n::t;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

static SHOWCASE: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/showcase");

/// A file of the theme's static/ folder: embedded bytes or a file on disk.
pub enum ThemeFile {
    Embedded(&'static [u8]),
    Disk(PathBuf),
}

pub struct Theme {
    /// Template name -> (source text, where it came from for messages).
    pub templates: BTreeMap<String, (String, String)>,
    /// UI strings of the site's language (`i18n/zh-CN.yaml`), site overrides applied.
    pub strings: BTreeMap<String, String>,
    /// Site path (`/css/site.css`) -> file.
    pub static_files: BTreeMap<String, ThemeFile>,
}

fn embedded_files(dir: &'static Dir<'static>, out: &mut Vec<&'static include_dir::File<'static>>) {
    for f in dir.files() {
        out.push(f);
    }
    for d in dir.dirs() {
        embedded_files(d, out);
    }
}

fn disk_files(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return out;
    }
    for e in walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        let name = e.file_name().to_string_lossy().to_string();
        if e.file_type().is_file()
            && !crate::load::is_ignored_name(&name)
            && let Ok(rel) = e.path().strip_prefix(dir)
        {
            out.push((
                rel.to_string_lossy().replace('\\', "/"),
                e.path().to_path_buf(),
            ));
        }
    }
    out
}

impl Theme {
    pub fn load(root: &Path, name: &str, language: &str, diags: &mut Diagnostics) -> Theme {
        let mut templates = BTreeMap::new();
        let mut strings = BTreeMap::new();
        let i18n = format!("i18n/{language}.yaml");
        let mut static_files = BTreeMap::new();
        let mut files = Vec::new();
        embedded_files(&SHOWCASE, &mut files);
        let theme_dir = root.join("themes").join(name);
        if name != "showcase" && !theme_dir.is_dir() {
            diags.push(
                Diagnostic::error(t!("theme.not_found", name = name))
                    .in_file(crate::config::SITE_FILE)
                    .hint(t!("theme.not_found.hint")),
            );
        }
        // Built-in showcase first, so a site theme only needs the files it changes.
        for f in files {
            let path = f.path().to_string_lossy().replace('\\', "/");
            if let Some(t) = path.strip_prefix("templates/") {
                let text = String::from_utf8_lossy(f.contents()).to_string();
                templates.insert(
                    t.to_string(),
                    (
                        text,
                        t!("theme.builtin", path = format!("templates/{t}")).into_owned(),
                    ),
                );
            } else if let Some(s) = path.strip_prefix("static/") {
                static_files.insert(format!("/{s}"), ThemeFile::Embedded(f.contents()));
            } else if path == i18n || (path == "i18n/zh-CN.yaml" && strings.is_empty()) {
                let text = String::from_utf8_lossy(f.contents());
                read_strings(
                    &text,
                    &t!("theme.builtin", path = path),
                    &mut strings,
                    diags,
                );
            }
        }
        let mut overlay = |dir: PathBuf, label: String| {
            for (rel, path) in disk_files(&dir) {
                match std::fs::read(&path)
                    .map_err(|e| e.to_string())
                    .and_then(crate::load::source::decode)
                {
                    Ok(text) => {
                        templates.insert(rel.clone(), (text, format!("{label}{rel}")));
                    }
                    Err(e) => diags.push(
                        Diagnostic::error(t!("theme.cannot_read", error = e))
                            .in_file(format!("{label}{rel}")),
                    ),
                }
            }
        };
        overlay(
            theme_dir.join("templates"),
            format!("themes/{name}/templates/"),
        );
        overlay(root.join("templates"), "templates/".into());
        for (rel, path) in disk_files(&theme_dir.join("static")) {
            static_files.insert(format!("/{rel}"), ThemeFile::Disk(path));
        }
        for (dir, label) in [
            (theme_dir.join(&i18n), format!("themes/{name}/{i18n}")),
            (root.join(&i18n), i18n.clone()),
        ] {
            if let Ok(bytes) = std::fs::read(&dir) {
                match crate::load::source::decode(bytes) {
                    Ok(text) => read_strings(&text, &label, &mut strings, diags),
                    Err(e) => diags.push(Diagnostic::error(e).in_file(label)),
                }
            }
        }
        Theme {
            templates,
            strings,
            static_files,
        }
    }
}

/// Reads a flat `key: text` YAML file of UI strings over `into`.
fn read_strings(
    text: &str,
    file: &str,
    into: &mut BTreeMap<String, String>,
    diags: &mut Diagnostics,
) {
    let noun = rust_i18n::t!("kind.strings");
    let src = crate::yaml::YamlSource {
        file,
        file_text: text,
        yaml: text,
        first_line: 0,
        what: &noun,
    };
    match src.parse::<BTreeMap<String, crate::yaml::Scalar>>(&[]) {
        Ok(map) => into.extend(map.into_iter().map(|(k, v)| (k, v.as_text()))),
        Err(d) => diags.push(d),
    }
}
