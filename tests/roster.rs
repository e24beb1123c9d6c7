//! `laomo import roster` and `laomo export roster`: spreadsheets in, profiles out, and the
//! published 名录 back as a spreadsheet, run through the real binary.

mod common;
use common::*;

/// A workbook as Excel saves it: a title row above the headers, a date cell, several
/// honors in one cell, private columns.
fn roster_xlsx(rows: &[[&str; 8]], year_as_date: bool) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet
        .write_string(0, 0, "长兴县劳动模范名录")
        .expect("title");
    let headers = [
        "序号",
        "姓 名",
        "工作单位",
        "荣誉称号",
        "获评时间",
        "县（市、区）",
        "手机",
        "民族",
    ];
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string(1, c as u16, *h).expect("header");
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 2;
        for (c, v) in row.iter().enumerate() {
            if c == 4 && year_as_date && !v.is_empty() {
                let y: u16 = v.parse().expect("year");
                let date = rust_xlsxwriter::ExcelDateTime::from_ymd(y, 4, 28).expect("date");
                let format = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
                sheet
                    .write_datetime_with_format(r, c as u16, &date, &format)
                    .expect("date cell");
            } else if !v.is_empty() {
                sheet.write_string(r, c as u16, *v).expect("cell");
            }
        }
    }
    book.save_to_buffer().expect("xlsx")
}

fn site() -> Site {
    Site::new(&[(
        "content/profiles/an.md",
        &profile("安然", "[{title: 全国劳动模范, year: 2020}]", "长兴县", ""),
    )])
}

#[test]
fn an_xlsx_roster_becomes_profiles_and_private_columns_never_reach_the_site() {
    let site = site();
    site.write_bytes(
        "名录.xlsx",
        &roster_xlsx(
            &[
                [
                    "1",
                    "丁卫松",
                    "长兴电厂",
                    "2015年省劳模；2020年全国劳动模范",
                    "",
                    "长兴县",
                    "13800138000",
                    "汉",
                ],
                [
                    "2",
                    "单丽华",
                    "安吉茶场",
                    "浙江省劳动模范",
                    "2018",
                    "安吉县",
                    "13900139000",
                    "汉",
                ],
            ],
            true,
        ),
    );
    let out = site.run(&["import", "roster", "名录.xlsx"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        said.contains("kept under private: (never shown on the site): 手机"),
        "{said}"
    );
    assert!(said.contains("columns not imported"), "{said}");
    assert!(said.contains("民族"), "{said}");
    assert!(
        said.contains("2 new, 0 changed, 0 unchanged, 0 conflicts"),
        "{said}"
    );

    // The same form `laomo new` writes; the date cell gave the year, the cell of two
    // honors two entries with their years, aliases resolved.
    let ding = std::fs::read_to_string(site.root().join("content/profiles/ding-weisong.md"))
        .expect("ding");
    assert_eq!(
        ding,
        "---\nname: 丁卫松\nhonors:\n  - {title: 浙江省劳动模范, year: 2015}\n  - {title: 全国劳动模范, year: 2020}\nregion: 长兴县\norganization: 长兴电厂\nprivate:                     # 内部信息：永远不会出现在网站上\n  phone: \"13800138000\"\n---\n\n"
    );
    let shan =
        std::fs::read_to_string(site.root().join("content/profiles/shan-lihua.md")).expect("shan");
    assert!(
        shan.contains("  - {title: 浙江省劳动模范, year: 2018}\n"),
        "{shan}"
    );

    // The site builds with them, and no phone number is anywhere in it.
    site.build_ok();
    let page = site.html("/profiles/ding-weisong/");
    assert_eq!(texts(&page, "h1"), vec!["丁卫松"]);
    for (path, bytes) in files_under(&site.public()) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("13800138000") && !text.contains("13900139000"),
            "a private phone number in {path}"
        );
    }
}

#[test]
fn a_bad_cell_is_named_with_its_sheet_and_nothing_is_written() {
    let site = site();
    site.write_bytes(
        "名录.xlsx",
        &roster_xlsx(
            &[
                [
                    "1",
                    "丁卫松",
                    "长兴电厂",
                    "浙江省劳动模范",
                    "2015",
                    "长兴县",
                    "",
                    "",
                ],
                [
                    "2",
                    "单丽华",
                    "安吉茶场",
                    "浙江省劳动魔范",
                    "2018",
                    "安吉县",
                    "",
                    "",
                ],
                [
                    "3",
                    "欧阳明",
                    "长兴",
                    "长兴县劳动模范",
                    "去年",
                    "长兴县",
                    "",
                    "",
                ],
            ],
            false,
        ),
    );
    let out = site.run(&["import", "roster", "名录.xlsx"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("error: the honor “浙江省劳动魔范” is not in site.yaml's honors\n --> 名录.xlsx [Sheet1] D4"),
        "{err}"
    );
    assert!(err.contains("did you mean “浙江省劳动模范”?"), "{err}");
    assert!(
        err.contains("error: “去年” is not a year\n --> 名录.xlsx [Sheet1] E5"),
        "{err}"
    );
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        said.contains("nothing was written: 2 rows have mistakes"),
        "{said}"
    );
    assert!(
        !site
            .root()
            .join("content/profiles/ding-weisong.md")
            .exists()
    );
    assert!(!site.root().join(".laomo").exists());

    // With --skip-bad the good row is imported and the bad ones listed.
    let out = site.run(&["import", "roster", "名录.xlsx", "--skip-bad"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        said.contains("rows skipped for their mistakes (--skip-bad): 4、5"),
        "{said}"
    );
    assert!(
        site.root()
            .join("content/profiles/ding-weisong.md")
            .exists()
    );
    assert!(!site.root().join("content/profiles/shan-lihua.md").exists());
}

#[test]
fn a_gbk_csv_reimported_updates_what_the_roster_owns_and_keeps_the_editors_work() {
    let site = site();
    let csv = |rows: &str| {
        let text = format!("姓名,工作单位,荣誉,年份,地区,身份证号\n{rows}");
        encoding_rs::GBK.encode(&text).0.into_owned()
    };
    site.write_bytes(
        "名录.csv",
        &csv("丁卫松,长兴电厂,省劳模,2015,长兴县,330522196905121234\n王伟,甲厂,长兴县劳动模范,2019,长兴县,\n王伟,乙厂,长兴县劳动模范,2020,长兴县,\n"),
    );
    let out = site.run(&["import", "roster", "名录.csv", "--drop-private"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(said.contains("people GB18030"), "{said}");
    assert!(
        said.contains("private columns dropped (--drop-private): 身份证号"),
        "{said}"
    );
    // Two people named 王伟: two addresses, reported.
    assert!(
        said.contains("namesakes  王伟 is wang-wei、wang-wei-2"),
        "{said}"
    );
    let ding_file = site.root().join("content/profiles/ding-weisong.md");
    let ding = std::fs::read_to_string(&ding_file).expect("ding");
    assert!(
        !ding.contains("private") && !ding.contains("3305"),
        "{ding}"
    );
    site.build_ok();
    assert!(
        site.public()
            .join("profiles/wang-wei-2/index.html")
            .is_file()
    );

    // The editor writes the story and changes the unit of the second 王伟 by hand.
    std::fs::write(&ding_file, format!("{ding}丁卫松在电厂干了三十年。\n")).expect("edit");
    let wang2 = site.root().join("content/profiles/wang-wei-2.md");
    let edited = std::fs::read_to_string(&wang2)
        .expect("wang")
        .replace("乙厂", "乙厂二车间");
    std::fs::write(&wang2, &edited).expect("edit");

    // The updated roster: a new honor for 丁卫松, another unit for the second 王伟.
    site.write_bytes(
        "名录.csv",
        &csv("丁卫松,长兴电厂,2015年省劳模；2020年全国劳动模范,,长兴县,\n王伟,甲厂,长兴县劳动模范,2019,长兴县,\n王伟,丙厂,长兴县劳动模范,2020,长兴县,\n"),
    );
    let before: Vec<(String, Vec<u8>)> = files_under(&site.root().join("content"));
    let dry = site.run(&[
        "import",
        "roster",
        "名录.csv",
        "--drop-private",
        "--dry-run",
    ]);
    assert!(dry.status.success(), "{}", stderr(&dry));
    assert_eq!(
        files_under(&site.root().join("content")),
        before,
        "--dry-run wrote"
    );
    let said = String::from_utf8_lossy(&dry.stdout).to_string();
    assert!(
        said.contains("changed    content/profiles/ding-weisong.md (honors)"),
        "{said}"
    );
    // The second 王伟 is matched by name and unit… which the roster changed: a new
    // person, as far as the roster can tell; the editor's file is not touched.
    assert!(said.contains("--dry-run: nothing was written"), "{said}");

    let out = site.run(&["import", "roster", "名录.csv", "--drop-private"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let ding = std::fs::read_to_string(&ding_file).expect("ding");
    assert!(
        ding.contains("  - {title: 全国劳动模范, year: 2020}\n"),
        "{ding}"
    );
    assert!(
        ding.ends_with("丁卫松在电厂干了三十年。\n"),
        "the body was touched: {ding}"
    );
    assert_eq!(std::fs::read_to_string(&wang2).expect("wang"), edited);
}

#[test]
fn a_field_changed_by_the_editor_and_in_the_roster_is_a_conflict_not_an_overwrite() {
    let site = site();
    site.write(
        "名录.csv",
        "姓名,工作单位,荣誉,年份,地区\n丁卫松,长兴电厂,省劳模,2015,长兴县\n",
    );
    assert!(site.run(&["import", "roster", "名录.csv"]).status.success());
    let file = site.root().join("content/profiles/ding-weisong.md");
    let edited = std::fs::read_to_string(&file)
        .expect("read")
        .replace("region: 长兴县", "region: 安吉县");
    std::fs::write(&file, &edited).expect("edit");
    site.write(
        "名录.csv",
        "姓名,工作单位,荣誉,年份,地区\n丁卫松,长兴电厂,省劳模,2015,湖州市\n",
    );
    let out = site.run(&["import", "roster", "名录.csv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        said.contains("conflict   content/profiles/ding-weisong.md: region was changed by an editor (“安吉县”) and in the roster (“湖州市”)"),
        "{said}"
    );
    assert!(
        said.contains("0 new, 0 changed, 0 unchanged, 1 conflicts"),
        "{said}"
    );
    assert_eq!(std::fs::read_to_string(&file).expect("read"), edited);
}

#[test]
fn headers_a_mapping_file_names_are_used() {
    let site = site();
    site.write(
        "名录.csv",
        "劳模,单位名称,称号,所在县\n丁卫松,长兴电厂,2015年省劳模,长兴县\n",
    );
    let out = site.run(&["import", "roster", "名录.csv"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no column of names found"),
        "{}",
        stderr(&out)
    );
    site.write(
        "映射.yaml",
        "columns:\n  劳模: name\n  单位名称: organization\n  所在县: region\n",
    );
    let out = site.run(&["import", "roster", "名录.csv", "--map", "映射.yaml"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let ding = std::fs::read_to_string(site.root().join("content/profiles/ding-weisong.md"))
        .expect("ding");
    assert!(
        ding.contains("region: 长兴县\norganization: 长兴电厂\n"),
        "{ding}"
    );
}

#[test]
fn the_published_roster_exports_without_drafts_or_private_values() {
    let site = Site::new(&[
        (
            "content/profiles/ding.md",
            &profile(
                "丁卫松",
                "[{title: 省劳模, year: 2015}, {title: 全国劳动模范, year: 2020}]",
                "长兴县",
                "organization: 长兴电厂\nprivate: {phone: \"13800138000\"}\n",
            ),
        ),
        (
            "content/profiles/cao.md",
            &profile("曹高", "[{title: 全国劳模}]", "长兴县", "draft: true\n"),
        ),
    ]);
    let out = site.run(&["export", "roster", "名录.csv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let bytes = std::fs::read(site.root().join("名录.csv")).expect("csv");
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "Excel needs the BOM");
    let text = String::from_utf8(bytes[3..].to_vec()).expect("utf-8");
    assert_eq!(
        text,
        "姓名,荣誉,级别,地区,工作单位,职务,行业,所属协会,网址\n丁卫松,2020年全国劳动模范；2015年浙江省劳动模范,全国；省级,长兴县,长兴电厂,,,,https://example.org/sub/profiles/ding-weisong/\n"
    );
    let out = site.run(&["export", "roster", "名录.xlsx"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // Read back as an editor's spreadsheet program would.
    use calamine::Reader;
    let mut book = calamine::open_workbook_auto(site.root().join("名录.xlsx")).expect("xlsx");
    let range = book.worksheet_range("名录").expect("sheet");
    let cells: Vec<String> = range
        .rows()
        .nth(1)
        .expect("row")
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(cells[0], "丁卫松");
    assert_eq!(cells[8], "https://example.org/sub/profiles/ding-weisong/");
}

#[test]
fn an_honor_written_as_people_say_it_is_suggested_by_its_vocabulary_name() {
    let site = site();
    site.write(
        "名录.csv",
        "姓名,荣誉,地区\n丁卫松,省级劳模,长兴县\n单丽华,全国级劳动模范称号,安吉县\n欧阳明,长兴劳动模范,长兴县\n",
    );
    let out = site.run(&["import", "roster", "名录.csv"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    for (wrong, meant) in [
        ("省级劳模", "浙江省劳动模范"),
        ("全国级劳动模范称号", "全国劳动模范"),
        ("长兴劳动模范", "长兴县劳动模范"),
    ] {
        assert!(
            err.contains(&format!("the honor “{wrong}” is not in site.yaml's honors"))
                && err.contains(&format!("did you mean “{meant}”?")),
            "{wrong} → {meant}: {err}"
        );
    }
}
