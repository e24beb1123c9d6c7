//! Synthetic sites for benchmarks: N profiles and N/2 stories of realistic Chinese text,
//! with associations, collections and exhibitions, deterministic for a given N.

use std::fmt::Write as _;
use std::path::Path;

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "林", "罗", "高", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
    "肖", "田", "董", "潘", "袁", "蔡", "蒋", "余", "于", "杜", "叶", "程", "魏", "苏", "吕", "丁",
    "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金", "石", "廖", "贾", "夏",
    "韦", "付", "方", "白", "邹", "孟", "熊", "秦", "邱", "江", "尹", "薛", "闫", "段", "雷", "侯",
    "龙", "史", "陶", "黎", "贺", "顾", "毛", "郝", "龚", "邵", "万", "钱", "严", "覃", "武", "戴",
    "莫", "孔", "向", "汤", "欧阳", "诸葛", "上官", "司马", "单", "解", "仇", "查", "缪", "翟",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀", "霞", "平", "刚", "桂", "英", "华", "建", "国", "文", "辉", "力", "红", "松", "卫",
    "海", "燕", "宁", "波", "斌", "鹏", "玲", "萍", "荣", "德", "民", "志", "新", "春", "梅", "兰",
    "晓", "东",
];
const REGIONS: &[&str] = &[
    "越城区",
    "柯桥区",
    "上虞区",
    "诸暨市",
    "嵊州市",
    "新昌县",
    "吴兴区",
    "南浔区",
    "德清县",
    "长兴县",
    "安吉县",
    "鹿城区",
    "乐清市",
    "瑞安市",
    "平阳县",
];
const INDUSTRIES: &[&str] = &[
    "制造业",
    "教育",
    "医疗卫生",
    "农业",
    "交通运输",
    "金融",
    "建筑业",
    "电力",
    "纺织",
    "化工",
];
const CATEGORIES: &[&str] = &[
    "宣讲",
    "进校园",
    "进企业",
    "进社区",
    "志愿服务",
    "技能传承",
    "抗疫",
    "慰问",
];
const SENTENCES: &[&str] = &[
    "他在车间一线坚守了二十多年，从学徒干到高级技师，带出了一批又一批技术骨干。",
    "面对设备老化带来的难题，她带领班组反复试验，最终把产品合格率提高到百分之九十九以上。",
    "每逢农忙时节，他总是第一个下田，把新品种、新技术手把手教给周边的种植户。",
    "劳模宣讲队走进学校、企业和社区，用身边人讲身边事的方式传播劳模精神。",
    "协会组织劳模与青年职工结成师徒对子，让精湛技艺代代相传。",
    "在疫情防控最吃紧的日子里，她主动请缨，连续四十多天坚守在隔离病区。",
    "这项技术革新每年为企业节约成本三百多万元，也让工友们的劳动强度大大降低。",
    "他常说，岗位没有高低之分，把每一件小事做好就是对工作最大的尊重。",
    "多年来，她坚持利用休息时间走访困难职工家庭，送去关心和帮助。",
    "在劳模创新工作室里，一群年轻人围着他讨论新的工艺方案，直到深夜。",
    "植树节前夕，一百多名劳模在新开辟的山坡上种下树苗，建起了劳模林。",
    "从一名普通的乡村教师成长为省级名师，她把青春都留在了山区的讲台上。",
    "他带领团队攻克了多项关键技术，获得国家发明专利十余项。",
    "每次讲到动情处，台下的学生都会报以热烈的掌声。",
    "协会还为困难劳模建立帮扶档案，定期上门慰问，解决实际困难。",
    "“干一行、爱一行、钻一行”，这是他挂在嘴边的一句话。",
    "面对突如其来的洪水，他连夜组织抢险队伍，保住了整条生产线。",
    "她把几十年积累的操作经验整理成册，成为新员工培训的必读教材。",
    "在公交线路上跑了三十年，他的车厢被乘客们称为流动的温暖驿站。",
    "活动结束后，不少青年职工表示要以劳模为榜样，在平凡岗位上创造不平凡的业绩。",
];

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, xs: &'a [&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn paragraphs(rng: &mut Rng, paras: usize, sentences: usize, out: &mut String) {
    for p in 0..paras {
        if p > 0 && p % 3 == 0 {
            let _ = write!(out, "## 第{}部分\n\n", p / 3 + 1);
        }
        for s in 0..sentences {
            out.push_str(rng.pick(SENTENCES));
            // Editors wrap lines mid-paragraph; Chinese soft breaks must not add spaces.
            if s % 4 == 3 {
                out.push('\n');
            }
        }
        out.push_str("\n\n");
    }
}

const SITE_YAML: &str = "title: 劳模风采馆（基准测试）\nbase_url: https://example.org/laomo/\nhonors:\n  - {id: national-model, name: 全国劳动模范, level: 全国}\n  - {id: national-advanced, name: 全国先进工作者, level: 全国}\n  - {id: national-may-day, name: 全国五一劳动奖章, level: 全国}\n  - {id: zhejiang-model, name: 浙江省劳动模范, level: 省级}\n  - {id: zhejiang-craftsman, name: 浙江工匠, level: 省级}\n  - {id: shaoxing-model, name: 绍兴市劳动模范, level: 市级}\n  - {id: huzhou-model, name: 湖州市劳动模范, level: 市级}\n  - {id: changxing-model, name: 长兴县劳动模范, level: 县级}\n  - {id: model-worker, name: 劳动模范, level: 其他}\neras:\n  - {name: 社会主义革命和建设时期, until: 1977}\n  - {name: 改革开放时期, until: 2011}\n  - {name: 新时代}\nregions:\n  绍兴市: [越城区, 柯桥区, 上虞区, 诸暨市, 嵊州市, 新昌县]\n  湖州市: [吴兴区, 南浔区, 德清县, 长兴县, 安吉县]\n  温州市: [鹿城区, 乐清市, 瑞安市, 平阳县]\nterm_slugs: {乐清市: yueqing-shi, 长兴县: changxing-xian}\npaginate: 60\n";
const HONORS: &[&str] = &[
    "全国劳动模范",
    "全国先进工作者",
    "全国五一劳动奖章",
    "浙江省劳动模范",
    "浙江工匠",
    "绍兴市劳动模范",
    "湖州市劳动模范",
    "长兴县劳动模范",
    "劳动模范",
];

/// Makes `dir` with `make` unless an earlier run finished making it (its `.generated`
/// marker is written last, so a run cut off halfway starts over).
pub fn once(dir: &Path, make: impl FnOnce()) {
    let marker = dir.join(".generated");
    if !marker.exists() {
        let _ = std::fs::remove_dir_all(dir);
        make();
        std::fs::write(&marker, "").expect("marker");
    }
}

/// Writes a site with `n` profiles into `dir` (which must be empty or absent).
pub fn generate(dir: &Path, n: usize) -> std::io::Result<u64> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ n as u64);
    let mut bytes = 0u64;
    let mut write = |rel: &str, text: &str| -> std::io::Result<()> {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent"))?;
        bytes += text.len() as u64;
        std::fs::write(p, text)
    };
    write("site.yaml", SITE_YAML)?;
    let associations = (n / 200).max(3);
    for a in 0..associations {
        let parent = if a == 0 {
            String::new()
        } else {
            "parent: assoc-0\n".to_string()
        };
        write(
            &format!("content/associations/assoc-{a}.md"),
            &format!(
                "---\nname: 第{a}劳动模范协会\nkind: 协会\n{parent}founded: 2016-10\nregion: {}\nmembers: 360多\n---\n\n协会简介。\n",
                REGIONS[a % REGIONS.len()]
            ),
        )?;
    }
    let mut slugs = Vec::with_capacity(n);
    for i in 0..n {
        let name = format!(
            "{}{}{}",
            rng.pick(SURNAMES),
            rng.pick(GIVEN),
            rng.pick(GIVEN)
        );
        let slug = format!("p{i}");
        let mut t = String::with_capacity(7000);
        let year = 1960 + rng.below(64);
        let _ = write!(
            t,
            "---\nname: {name}\nslug: {slug}\nhonors:\n  - {{title: {}, year: {year}}}\n  - {{title: {}}}\nregion: {}\nassociation: assoc-{}\nindustry: {}\norganization: 某某集团第{}分公司\noccupation: 一线技术工人\ntags: [技能传承, 标签{}]\nprivate: {{phone: \"13800138000\"}}\n---\n\n",
            rng.pick(HONORS),
            rng.pick(HONORS),
            rng.pick(REGIONS),
            rng.below(associations as u64),
            rng.pick(INDUSTRIES),
            rng.below(100),
            rng.below(50)
        );
        paragraphs(&mut rng, 7, 9, &mut t);
        write(&format!("content/profiles/{slug}.md"), &t)?;
        slugs.push(slug);
    }
    let stories = n / 2;
    for i in 0..stories {
        let mut t = String::with_capacity(14000);
        let people: Vec<String> = (0..3)
            .map(|_| slugs[rng.below(n as u64) as usize].clone())
            .collect();
        let _ = write!(
            t,
            "---\ntitle: {}活动第{i}场\ndate: {}-{:02}-{:02}\nassociation: assoc-{}\npeople: [{}]\ncategory: {}\ntags: [劳模精神]\nlocation: {}\nfigures: {{场次: {}, 参与人次: {}, 受益职工: 20万余}}\n---\n\n",
            rng.pick(CATEGORIES),
            2010 + rng.below(15),
            1 + rng.below(12),
            1 + rng.below(28),
            rng.below(associations as u64),
            people.join(", "),
            rng.pick(CATEGORIES),
            rng.pick(REGIONS),
            rng.below(100),
            rng.below(5000)
        );
        paragraphs(&mut rng, 16, 9, &mut t);
        write(&format!("content/stories/s{i}.md"), &t)?;
    }
    for c in 0..(stories / 50).max(1) {
        let list: Vec<String> = (c * 50..((c + 1) * 50).min(stories))
            .map(|i| format!("s{i}"))
            .collect();
        write(
            &format!("content/collections/c{c}.md"),
            &format!(
                "---\ntitle: 文集第{c}辑\nkind: book\nstories: [{}]\n---\n\n简介。\n",
                list.join(", ")
            ),
        )?;
    }
    for e in 0..(n / 1000).max(1) {
        let exhibits: Vec<String> = (0..20)
            .map(|k| format!("      - {{profile: {}}}", slugs[(e * 20 + k) % n]))
            .collect();
        write(
            &format!("content/exhibitions/e{e}.md"),
            &format!(
                "---\ntitle: 云展馆第{e}期\ndate: 2022-05\nfeatured: true\nhalls:\n  - title: 新时代\n    intro: 导语。\n    exhibits:\n{}\n---\n\n前言。\n",
                exhibits.join("\n")
            ),
        )?;
    }
    Ok(bytes)
}

/// A book of `n` profiles for `laomo book`: each profile a bundle with its portrait
/// (`portraits[i]`), a body of six paragraphs, and the collection `book` listing them
/// in three parts, as the seeds' book of 137 model workers is.
pub fn generate_book(dir: &Path, portraits: &[Vec<u8>]) -> std::io::Result<()> {
    let n = portraits.len();
    let mut rng = Rng(0x5EED_B00C ^ n as u64);
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join("site.yaml"), SITE_YAML)?;
    let mut slugs = Vec::new();
    for (i, portrait) in portraits.iter().enumerate() {
        let name = format!(
            "{}{}{}",
            rng.pick(SURNAMES),
            rng.pick(GIVEN),
            rng.pick(GIVEN)
        );
        let slug = format!("p{i:03}");
        let mut md = format!(
            "---\nname: {name}\nslug: {slug}\nhonors: [{{title: {}, year: {}}}]\nregion: {}\nindustry: {}\norganization: {}第{}工厂\nportrait: portrait.jpg\n---\n\n",
            rng.pick(HONORS),
            1990 + rng.below(34),
            rng.pick(REGIONS),
            rng.pick(INDUSTRIES),
            rng.pick(REGIONS),
            1 + rng.below(9),
        );
        paragraphs(&mut rng, 6, 6, &mut md);
        let folder = dir.join(format!("content/profiles/{slug}"));
        std::fs::create_dir_all(&folder)?;
        std::fs::write(folder.join("index.md"), md)?;
        std::fs::write(folder.join("portrait.jpg"), portrait)?;
        slugs.push(slug);
    }
    let mut book = String::from(
        "---\ntitle: 劳模——新时代的领跑者\nsubtitle: 劳模风采录（基准测试）\nkind: book\npublisher: 长兴县劳动模范协会\npublished: 2021\nparts:\n",
    );
    for (k, part) in slugs.chunks(n.div_ceil(3).max(1)).enumerate() {
        let _ = writeln!(
            book,
            "  - {{title: 第{}辑, stories: [{}]}}",
            ["一", "二", "三", "四"][k.min(3)],
            part.join(", ")
        );
    }
    book.push_str("---\n\n");
    paragraphs(&mut rng, 2, 5, &mut book);
    let collections = dir.join("content/collections");
    std::fs::create_dir_all(&collections)?;
    std::fs::write(collections.join("book.md"), book)
}

/// A federated site: its own site.yaml (the generator's vocabularies, cards off)
/// listing `k` generated sources of `per_source` profiles, and one page of its own.
pub fn generate_federation(site: &Path, k: usize, per_source: usize) -> std::io::Result<()> {
    for s in 0..k {
        generate(&site.join(format!("sources/s{s}")), per_source)?;
    }
    let own = std::fs::read_to_string(site.join("sources/s0/site.yaml"))?;
    let mut yaml = format!("{own}share: {{cards: false}}\nsources:\n");
    for s in 0..k {
        yaml.push_str(&format!("  - {{name: s{s}, path: sources/s{s}}}\n"));
    }
    std::fs::write(site.join("site.yaml"), yaml)?;
    std::fs::create_dir_all(site.join("content"))?;
    std::fs::write(
        site.join("content/about.md"),
        "---\ntitle: 关于\n---\n\n全省各地劳模协会的网站汇总。\n",
    )
}
