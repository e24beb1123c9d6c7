//! 名录 in and out. `laomo import roster` turns an association's roster spreadsheet into
//! profiles (one per person, in the form `laomo new` writes), and on a second run
//! updates what the roster owns without touching what editors wrote; `laomo export
//! roster` gives the published 名录 back as a spreadsheet.
//!
//! read the table (table.rs) → find the columns (columns.rs) → rows into people
//! (person.rs) → compare with the site (plan.rs) → write, all or nothing.

pub mod columns;
pub mod export;
pub mod person;
pub mod plan;
pub mod table;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Diagnostics, display_path};
use crate::load::SiteRoot;
use crate::model::Details;
use rust_i18n::t;
use std::path::{Path, PathBuf};

pub struct ImportOptions {
    pub file: PathBuf,
    pub map: Option<PathBuf>,
    pub dry_run: bool,
    pub drop_private: bool,
    pub skip_bad: bool,
}

/// What an import did (or, with `--dry-run`, would do): lines for the editor, and the
/// problems found.
pub struct ImportReport {
    pub lines: Vec<String>,
    pub diags: Diagnostics,
    pub ok: bool,
}

fn shown(root: &Path, path: &Path) -> String {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    match abs.strip_prefix(std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf())) {
        Ok(rel) => rel.to_string_lossy().replace('\\', "/"),
        Err(_) => path.to_string_lossy().into_owned(),
    }
}

pub fn import(root: &Path, opts: &ImportOptions) -> ImportReport {
    let mut diags = Diagnostics::new();
    let mut lines = Vec::new();
    let fail = |diags: Diagnostics, lines: Vec<String>| ImportReport {
        lines,
        diags,
        ok: false,
    };
    let Some(config) = Config::load(root, &mut diags) else {
        return fail(diags, lines);
    };
    let file_shown = shown(root, &opts.file);
    let mapping = match &opts.map {
        Some(m) => match columns::Mapping::load(m, &shown(root, m)) {
            Ok(m) => m,
            Err(d) => {
                diags.push(d);
                return fail(diags, lines);
            }
        },
        None => columns::Mapping::default(),
    };
    let table = match table::read(&opts.file, &file_shown) {
        Ok(t) => t,
        Err(d) => {
            diags.push(d);
            return fail(diags, lines);
        }
    };
    let layout = match person::layout(&table, &mapping) {
        Ok(l) => l,
        Err(d) => {
            diags.push(d.in_file(file_shown.clone()));
            return fail(diags, lines);
        }
    };
    let (people, bad) = person::people(&table, &layout, &config, opts.drop_private, &mut diags);
    if !bad.is_empty() && !opts.skip_bad {
        lines.push(t!("roster.nothing_written", count = bad.len()).into_owned());
        return fail(diags, lines);
    }

    // The profiles already in the site, to match rows against.
    let existing = existing_profiles(root, &config);
    let state_path = root.join(plan::STATE_FILE);
    let state: plan::State = std::fs::read_to_string(&state_path)
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default();
    let owned: Vec<&'static str> = plan::OWNED
        .iter()
        .copied()
        .filter(|k| match *k {
            "name" | "honors" => true,
            "private" => !opts.drop_private && !layout.private_headers().is_empty(),
            "region" => layout.has(columns::Field::Region),
            "association" => layout.has(columns::Field::Association),
            "organization" => layout.has(columns::Field::Organization),
            "occupation" => layout.has(columns::Field::Occupation),
            "industry" => layout.has(columns::Field::Industry),
            "tags" => layout.has(columns::Field::Tags),
            _ => false,
        })
        .collect();
    let profiles_dir = root.join("content").join("profiles");
    let key = match mapping
        .key
        .as_deref()
        .map(|k| (k, plan::MatchKey::parse(k)))
    {
        None => plan::MatchKey::NameAndUnit,
        Some((_, Some(k))) => k,
        Some((k, None)) => {
            diags.push(
                Diagnostic::error(t!("roster.bad_key", key = k)).hint(t!("roster.bad_key.hint")),
            );
            return fail(diags, lines);
        }
    };
    let plan = plan::plan(
        &people,
        key,
        &owned,
        &existing,
        &state,
        &config,
        &profiles_dir,
    );

    // The summary: what is read, what is private, what is not imported.
    lines.push(
        t!(
            "roster.read",
            file = file_shown,
            people = people.len(),
            encoding = table.encoding.unwrap_or("")
        )
        .into_owned(),
    );
    let private = layout.private_headers();
    if !private.is_empty() {
        lines.push(if opts.drop_private {
            t!("roster.private_dropped", columns = private.join("、")).into_owned()
        } else {
            t!("roster.private_kept", columns = private.join("、")).into_owned()
        });
    }
    if !layout.unknown.is_empty() {
        lines.push(
            t!(
                "roster.unknown_columns",
                columns = layout.unknown.join("、")
            )
            .into_owned(),
        );
    }
    if !bad.is_empty() {
        let rows: Vec<String> = bad.iter().map(ToString::to_string).collect();
        lines.push(t!("roster.skipped_rows", rows = rows.join("、")).into_owned());
    }
    for n in &plan.new {
        lines.push(t!("roster.plan_new", file = n.shown).into_owned());
    }
    for c in &plan.changed {
        lines.push(
            t!(
                "roster.plan_changed",
                file = c.shown,
                keys = c.keys.join("、")
            )
            .into_owned(),
        );
    }
    for c in &plan.conflicts {
        lines.push(
            t!(
                "roster.plan_conflict",
                file = c.shown,
                key = c.key,
                in_file = c.in_file,
                in_roster = c.in_roster
            )
            .into_owned(),
        );
    }
    for (name, slugs) in &plan.namesakes {
        lines.push(t!("roster.namesakes", name = name, slugs = slugs.join("、")).into_owned());
    }
    lines.push(
        t!(
            "roster.plan_summary",
            new = plan.new.len(),
            changed = plan.changed.len(),
            unchanged = plan.unchanged.len(),
            conflicts = plan.conflicts.len()
        )
        .into_owned(),
    );
    if opts.dry_run {
        lines.push(t!("roster.dry_run").into_owned());
        return ImportReport {
            lines,
            diags,
            ok: true,
        };
    }
    if let Err(d) = write(root, &plan, &state_path) {
        diags.push(d);
        return fail(diags, lines);
    }
    ImportReport {
        lines,
        diags,
        ok: true,
    }
}

/// Every profile in the site as loaded, drafts included: a row may match a draft.
fn existing_profiles(root: &Path, config: &Config) -> Vec<plan::Existing> {
    let Ok(site) = SiteRoot::new(root) else {
        return Vec::new();
    };
    // Mistakes in other pages are the build's to report, not the import's.
    let mut ignored = Diagnostics::new();
    let loaded = crate::load::load(&site, config, &mut ignored);
    loaded
        .pages
        .iter()
        .filter_map(|p| match &p.details {
            Details::Profile(pr) => Some(plan::Existing {
                slug: p.slug.clone(),
                file: root.join(&p.source),
                shown: p.source.clone(),
                name: pr.name.clone(),
                organization: pr.organization.clone(),
            }),
            _ => None,
        })
        .collect()
}

/// Writes the plan: new files created (never over an existing one), changed files
/// replaced whole through a temporary file, then the import state.
fn write(root: &Path, plan: &plan::Plan, state_path: &Path) -> Result<(), Diagnostic> {
    let err = |path: &Path, e: std::io::Error| {
        Diagnostic::error(t!(
            "scaffold.cannot_write",
            path = display_path(root, path),
            error = e
        ))
    };
    for n in &plan.new {
        crate::scaffold::write_new_page(&n.file, &n.text).map_err(|e| err(&n.file, e))?;
    }
    for c in &plan.changed {
        crate::util::fs::replace_whole(&c.file, c.text.as_bytes()).map_err(|e| err(&c.file, e))?;
    }
    if let Some(dir) = state_path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| err(dir, e))?;
    }
    let state = serde_json::to_string_pretty(&plan.state).unwrap_or_default();
    crate::util::fs::replace_whole(state_path, state.as_bytes()).map_err(|e| err(state_path, e))
}
