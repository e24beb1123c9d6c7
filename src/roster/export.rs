//! `laomo export roster OUT.xlsx|OUT.csv`: the published 名录 as a spreadsheet, one row
//! per person in hall-of-fame order. Built from the linked site without drafts, and
//! from fields that are published: nothing under `private:` can reach it.

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::link::Site;
use crate::model::Details;
use rust_i18n::t;
use std::path::Path;

const HEADERS: [&str; 9] = [
    "姓名",
    "荣誉",
    "级别",
    "地区",
    "工作单位",
    "职务",
    "行业",
    "所属协会",
    "网址",
];

/// The rows of the published hall of fame.
pub fn rows(site: &Site) -> Vec<[String; 9]> {
    let c = &site.config;
    site.hall_of_fame
        .iter()
        .filter_map(|&i| {
            let page = &site.pages[i];
            let Details::Profile(p) = &page.details else {
                return None;
            };
            let honors: Vec<&crate::config::Honor> = p
                .honors
                .iter()
                .filter_map(|h| c.honors.get(h.honor))
                .collect();
            let named: Vec<String> = p
                .honors
                .iter()
                .filter_map(|h| {
                    let honor = c.honors.get(h.honor)?;
                    Some(match h.year {
                        Some(y) => format!("{y}年{}", honor.name),
                        None => honor.name.clone(),
                    })
                })
                .collect();
            let mut levels: Vec<&str> = Vec::new();
            for h in &honors {
                if !levels.contains(&h.level.as_str()) {
                    levels.push(&h.level);
                }
            }
            let association = site.links[i]
                .association
                .map(|a| site.pages[a].title.clone())
                .unwrap_or_default();
            Some([
                p.name.clone(),
                named.join("；"),
                levels.join("；"),
                p.region.clone(),
                p.organization.clone().unwrap_or_default(),
                p.occupation.clone().unwrap_or_default(),
                p.industry.clone().unwrap_or_default(),
                association,
                c.permalink(&page.path),
            ])
        })
        .collect()
}

pub fn export(site: &Site, out: &Path, diags: &mut Diagnostics) -> Option<usize> {
    let rows = rows(site);
    let ext = out
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let written = match ext.as_str() {
        "xlsx" => write_xlsx(out, &rows).map_err(|e| e.to_string()),
        "csv" => write_csv(out, &rows).map_err(|e| e.to_string()),
        _ => {
            diags.push(
                Diagnostic::error(t!("roster.export_format", file = out.display()))
                    .hint(t!("roster.export_format.hint")),
            );
            return None;
        }
    };
    match written {
        Ok(()) => Some(rows.len()),
        Err(e) => {
            diags.push(Diagnostic::error(t!(
                "scaffold.cannot_write",
                path = out.display(),
                error = e
            )));
            None
        }
    }
}

fn write_xlsx(out: &Path, rows: &[[String; 9]]) -> Result<(), rust_xlsxwriter::XlsxError> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let sheet = book.add_worksheet();
    sheet.set_name("名录")?;
    for (c, h) in HEADERS.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet.write_string(r as u32 + 1, c as u16, v)?;
        }
    }
    for (c, w) in [8, 36, 14, 12, 28, 16, 12, 20, 44].iter().enumerate() {
        sheet.set_column_width(c as u16, *w)?;
    }
    sheet.autofilter(0, 0, rows.len() as u32, HEADERS.len() as u16 - 1)?;
    sheet.set_freeze_panes(1, 0)?;
    book.save(out)
}

/// UTF-8 with a BOM: Excel on Windows reads Chinese right only with it.
fn write_csv(out: &Path, rows: &[[String; 9]]) -> Result<(), csv::Error> {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::Writer::from_writer(&mut bytes);
        w.write_record(HEADERS)?;
        for row in rows {
            w.write_record(row)?;
        }
        w.flush()?;
    }
    std::fs::write(out, bytes)?;
    Ok(())
}
