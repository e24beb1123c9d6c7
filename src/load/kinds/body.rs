//! The files a page's body and folder use: shortcode photos and videos, Markdown
//! photos with their place in the file, and a bundle's attachments.

use super::*;

/// Figure and video shortcodes name files: find them now, while the page's folder is known.
pub(super) fn resolve_shortcode_files(
    cx: &mut FileCx,
    calls: &mut [ShortcodeCall],
    details: &Details,
) {
    for call in calls.iter_mut() {
        let at = |msg: String, hint: String| {
            Diagnostic::error(msg)
                .in_file(&cx.rel)
                .at(call.position)
                .hint(hint)
                .with_shared_line(Some(call.source_line.clone()))
        };
        match call.name.as_str() {
            "figure" => {
                let src = call
                    .args
                    .get("src")
                    .map(|a| a.as_text())
                    .unwrap_or_default();
                let caption = call.args.get("caption").map(|a| a.as_text());
                let alt = call
                    .args
                    .get("alt")
                    .map(|a| a.as_text())
                    .or_else(|| caption.clone());
                match assets::image(
                    cx.site,
                    &cx.config.base_path,
                    cx.dir,
                    &cx.path,
                    &src,
                    alt,
                    caption,
                ) {
                    Ok(i) => call.image = Some(with_origin(i, &cx.rel, "figure", call)),
                    Err((m, h)) => cx
                        .diags
                        .push(at(t!("body.figure", message = m).into_owned(), h)),
                }
            }
            "video" => {
                let src = call
                    .args
                    .get("src")
                    .map(|a| a.as_text())
                    .unwrap_or_default();
                match assets::media(cx.site, &cx.config.base_path, cx.dir, &cx.path, &src) {
                    Ok(m) => call.video = Some(m),
                    Err((m, h)) => cx
                        .diags
                        .push(at(t!("body.video", message = m).into_owned(), h)),
                }
                if let Some(p) = call.args.get("poster").map(|a| a.as_text()) {
                    match assets::image(
                        cx.site,
                        &cx.config.base_path,
                        cx.dir,
                        &cx.path,
                        &p,
                        None,
                        None,
                    ) {
                        Ok(i) => call.image = Some(with_origin(i, &cx.rel, "video poster", call)),
                        Err((m, h)) => cx
                            .diags
                            .push(at(t!("body.video_poster", message = m).into_owned(), h)),
                    }
                }
            }
            "gallery" => {
                let has = match details {
                    Details::Profile(p) => !p.gallery.is_empty(),
                    Details::Story(s) => !s.gallery.is_empty(),
                    _ => false,
                };
                if !has {
                    cx.diags.push(at(
                        t!("body.no_gallery").into_owned(),
                        t!("body.no_gallery.hint").into_owned(),
                    ));
                }
            }
            _ => {}
        }
    }
}

/// Photos placed with Markdown image syntax go through the photo pipeline too.
pub(super) fn resolve_inline_images(
    cx: &mut FileCx,
    rendered: &markdown::Rendered,
    markdown: &str,
    line_map: &[usize],
) -> Vec<Option<Image>> {
    let (images, remote) = (&rendered.images, &rendered.remote_images);
    let md_lines = crate::diagnostic::LineIndex::new(markdown);
    let mut out = Vec::new();
    for (url, offset) in remote {
        let position = body_position(cx, &md_lines, line_map, *offset, url);
        let d = Diagnostic::error(t!("body.remote_image", url = url))
            .in_file(&cx.rel)
            .at(position)
            .spanning(url.chars().count())
            .hint(t!("body.remote_image.hint"))
            .with_line(cx.lines.line(position.line));
        cx.diags.push(d);
    }
    for (url, offset) in images {
        let position = body_position(cx, &md_lines, line_map, *offset, url);
        let decoded = crate::util::url::percent_decode(url);
        match assets::image(
            cx.site,
            &cx.config.base_path,
            cx.dir,
            &cx.path,
            &decoded,
            None,
            None,
        ) {
            Ok(mut i) => {
                i.origin = ImageOrigin {
                    page: cx.rel.clone(),
                    field: t!("body.markdown_image").into_owned(),
                    position: Some(position),
                    source_line: cx.lines.shared(position.line),
                };
                out.push(Some(i));
            }
            Err((m, h)) => {
                let d = Diagnostic::error(t!("body.image", url = url, message = m))
                    .in_file(&cx.rel)
                    .at(position)
                    .spanning(url.chars().count())
                    .hint(h)
                    .with_line(cx.lines.line(position.line));
                cx.diags.push(d);
                // Keep numbering aligned with the HTML markers.
                out.push(None);
            }
        }
    }
    out
}

/// Where a Markdown image URL found at `offset` of the expanded body is, in the file:
/// the line through the expansion's line map (shortcodes may have split a line), the
/// column (in characters) from where the URL appears on that line.
/// Body links into the sections and taxonomies laomo makes: only those can be checked
/// for certain (a link to a file in static/ or elsewhere on the host is left alone).
pub(super) fn site_links(
    cx: &FileCx,
    rendered: &markdown::Rendered,
    markdown: &str,
    line_map: &[usize],
) -> Vec<SiteLink> {
    if rendered.site_links.is_empty() {
        return Vec::new();
    }
    let md_lines = crate::diagnostic::LineIndex::new(markdown);
    let generated = |first: &str| {
        Kind::all_sections().iter().any(|k| k.section() == first)
            || TaxonomyKind::ALL.iter().any(|t| t.key() == first)
    };
    rendered
        .site_links
        .iter()
        .filter_map(|(url, offset)| {
            let path = url.split(['#', '?']).next().unwrap_or("");
            let path = crate::util::url::percent_decode(path);
            let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
            if !generated(first) {
                return None;
            }
            let position = body_position(cx, &md_lines, line_map, *offset, url);
            Some(SiteLink {
                path: cx.site.link_path(&path),
                written: url.clone(),
                position,
                source_line: cx.lines.shared(position.line),
            })
        })
        .collect()
}

pub(super) fn body_position(
    cx: &FileCx,
    md_lines: &crate::diagnostic::LineIndex,
    line_map: &[usize],
    offset: usize,
    url: &str,
) -> Position {
    let md_line = md_lines.line_of(offset);
    let line = line_map
        .get(md_line - 1)
        .or(line_map.last())
        .copied()
        .unwrap_or(1);
    let column = cx
        .lines
        .line(line)
        .and_then(|l| l.find(url).map(|b| l[..b].chars().count() + 1))
        .unwrap_or(1);
    Position::new(line, column)
}

pub(super) fn with_origin(mut i: Image, page: &str, field: &str, call: &ShortcodeCall) -> Image {
    i.origin = ImageOrigin {
        page: page.to_string(),
        field: field.to_string(),
        position: Some(call.position),
        source_line: Some(call.source_line.clone()),
    };
    i
}

/// A bundle's attachments (PDFs, subtitles, video and audio: an allow-list) are
/// published beside the page. Photos never are: only the pipeline's resized,
/// metadata-free copies of the ones a page uses. Other files stay private, with a
/// warning, so that an editor's notes or a RAW photo never reach the site.
pub(super) fn bundle_assets(
    site: &SiteRoot,
    dir: &Path,
    page_path: &str,
    diags: &mut Vec<Diagnostic>,
) -> Vec<(std::path::PathBuf, String)> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !crate::load::is_ignored_name(&e.file_name().to_string_lossy()))
    {
        let Ok(e) = entry else { continue };
        if !e.file_type().is_file() {
            continue;
        }
        let name = e.file_name().to_string_lossy().to_lowercase();
        if name.ends_with(".md") {
            continue;
        }
        if !assets::is_attachment(&name) {
            if !assets::looks_like_photo(e.path(), &name) {
                diags.push(
                    Diagnostic::warning(t!("body.not_published"))
                        .in_file(site.rel(e.path()))
                        .hint(t!(
                            "body.not_published.hint",
                            attachments = assets::ATTACHMENT_EXTENSIONS.join(", "),
                            media = assets::MEDIA_EXTENSIONS.join(", ")
                        )),
                );
            }
            continue;
        }
        // An allowed name on a photo's bytes (a JPEG renamed .mp4) would carry its GPS
        // position out: the name is not trusted.
        if assets::looks_like_photo(e.path(), "") {
            diags.push(
                Diagnostic::warning(t!("body.photo_renamed"))
                    .in_file(site.rel(e.path()))
                    .hint(t!("body.photo_renamed.hint")),
            );
            continue;
        }
        match e.path().canonicalize() {
            Ok(c) if c.starts_with(&site.canonical) => {}
            _ => continue,
        }
        if let Ok(rel) = e.path().strip_prefix(dir) {
            out.push((
                e.path().to_path_buf(),
                format!("{page_path}{}", rel.to_string_lossy().replace('\\', "/")),
            ));
        }
    }
    out
}
