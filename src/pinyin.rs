//! Reading Chinese names and titles in pinyin: for slugs, for the hall-of-fame order
//! and for the A–Z jump bar. Surnames have readings of their own (单 is shan, not dan),
//! so a name is read surname first from a table, then character by character.

use pinyin::ToPinyin;
use std::cmp::Ordering;

/// Compound surnames first: a name is matched against these before single ones.
const COMPOUND_SURNAMES: &[(&str, &[(&str, u8)])] = &[
    ("欧阳", &[("ou", 1), ("yang", 2)]),
    ("司马", &[("si", 1), ("ma", 3)]),
    ("诸葛", &[("zhu", 1), ("ge", 3)]),
    ("上官", &[("shang", 4), ("guan", 1)]),
    ("尉迟", &[("yu", 4), ("chi", 2)]),
    ("万俟", &[("mo", 4), ("qi", 2)]),
    ("单于", &[("chan", 2), ("yu", 2)]),
    ("司徒", &[("si", 1), ("tu", 2)]),
    ("司空", &[("si", 1), ("kong", 1)]),
    ("东方", &[("dong", 1), ("fang", 1)]),
    ("皇甫", &[("huang", 2), ("fu", 3)]),
    ("公孙", &[("gong", 1), ("sun", 1)]),
    ("令狐", &[("ling", 2), ("hu", 2)]),
    ("慕容", &[("mu", 4), ("rong", 2)]),
    ("夏侯", &[("xia", 4), ("hou", 2)]),
    ("长孙", &[("zhang", 3), ("sun", 1)]),
    ("宇文", &[("yu", 3), ("wen", 2)]),
    ("端木", &[("duan", 1), ("mu", 4)]),
    ("澹台", &[("tan", 2), ("tai", 2)]),
    ("呼延", &[("hu", 1), ("yan", 2)]),
    ("轩辕", &[("xuan", 1), ("yuan", 2)]),
    ("南宫", &[("nan", 2), ("gong", 1)]),
    ("独孤", &[("du", 2), ("gu", 1)]),
    ("闻人", &[("wen", 2), ("ren", 2)]),
    ("西门", &[("xi", 1), ("men", 2)]),
    ("申屠", &[("shen", 1), ("tu", 2)]),
    ("太史", &[("tai", 4), ("shi", 3)]),
    ("钟离", &[("zhong", 1), ("li", 2)]),
];

/// Single-character surnames whose surname reading differs from the common one,
/// or whose common reading the dictionary gets wrong.
const SURNAME_READINGS: &[(char, &str, u8)] = &[
    ('单', "shan", 4),
    ('曾', "zeng", 1),
    ('区', "ou", 1),
    ('解', "xie", 4),
    ('仇', "qiu", 2),
    ('朴', "piao", 2),
    ('查', "zha", 1),
    ('盖', "ge", 3),
    ('缪', "miao", 4),
    ('翟', "zhai", 2),
    ('葛', "ge", 3),
    ('覃', "qin", 2),
    ('尉', "wei", 4),
    ('乐', "yue", 4),
    ('员', "yun", 4),
    ('华', "hua", 4),
    ('纪', "ji", 3),
    ('任', "ren", 2),
    ('沈', "shen", 3),
    ('柏', "bai", 3),
    ('秘', "bi", 4),
    ('燕', "yan", 1),
    ('冼', "xian", 3),
    ('万', "wan", 4),
    ('莫', "mo", 4),
    ('种', "chong", 2),
    ('谌', "chen", 2),
    ('繁', "po", 2),
    ('句', "gou", 1),
    ('折', "she", 2),
    ('召', "shao", 4),
    ('宁', "ning", 4),
    ('曲', "qu", 1),
    ('过', "guo", 1),
    ('牟', "mu", 4),
    ('阚', "kan", 4),
    ('黑', "he", 4),
    ('隗', "wei", 3),
    ('角', "jue", 2),
    ('重', "chong", 2),
    ('石', "shi", 2),
    ('薄', "bo", 2),
    ('都', "du", 1),
    ('叶', "ye", 4),
    ('殷', "yin", 1),
    ('藏', "zang", 4),
    ('长', "zhang", 3),
    ('吕', "lü", 3),
    ('郑', "zheng", 4),
    ('贾', "jia", 3),
    ('卜', "bu", 3),
    ('么', "yao", 1),
    ('令', "ling", 2),
    ('应', "ying", 1),
    ('能', "nai", 4),
    ('车', "che", 1),
    ('洗', "xian", 3),
];

/// One syllable: toneless letters (ü kept) and tone 0–4 (0: neutral or not Chinese).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Syllable {
    pub letters: String,
    pub tone: u8,
    /// Whether this came from a Han character (slugs join those with hyphens).
    pub han: bool,
}

/// A reading of a text: the syllables, plus the text they came from for a total order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    pub syllables: Vec<Syllable>,
    /// Index where the given name starts, for person names (surname-given split).
    pub given_start: Option<usize>,
    pub text: String,
    /// Sort keys, computed once: toneless syllables joined by a space (which sorts
    /// before every letter, so the joined text compares syllable by syllable), and tones.
    letters_key: String,
    tones_key: Vec<u8>,
}

impl Reading {
    pub(crate) fn new(
        syllables: Vec<Syllable>,
        given_start: Option<usize>,
        text: String,
    ) -> Reading {
        let letters: Vec<String> = syllables
            .iter()
            .map(|s| s.letters.replace('ü', "v"))
            .collect();
        let tones_key = syllables.iter().map(|s| s.tone).collect();
        Reading {
            letters_key: letters.join(" "),
            tones_key,
            syllables,
            given_start,
            text,
        }
    }
}

fn char_syllable(c: char) -> Option<Syllable> {
    let p = c.to_pinyin()?;
    let numbered = p.with_tone_num_end();
    let (letters, tone) = match numbered.chars().last() {
        Some(d @ '1'..='4') => (&numbered[..numbered.len() - 1], d as u8 - b'0'),
        _ => (numbered, 0),
    };
    Some(Syllable {
        letters: letters.to_string(),
        tone,
        han: true,
    })
}

/// Words whose characters are not read their most common way: places first (长兴 is
/// Chángxīng, not Zhǎngxīng), then words common in model workers' stories and titles
/// (行长, 重建). The longest entry that matches wins. Add to it as editors find more;
/// a site can also fix one term with `term_slugs:` or one name with `pinyin:`.
const WORD_READINGS: &[(&str, &str)] = &[
    // Places.
    ("长兴", "chang2 xing1"),
    ("长沙", "chang2 sha1"),
    ("长春", "chang2 chun1"),
    ("长安", "chang2 an1"),
    ("长江", "chang2 jiang1"),
    ("长城", "chang2 cheng2"),
    ("长治", "chang2 zhi4"),
    ("长白", "chang2 bai2"),
    ("长汀", "chang2 ting1"),
    ("长乐", "chang2 le4"),
    ("长寿", "chang2 shou4"),
    ("长宁", "chang2 ning2"),
    ("长丰", "chang2 feng1"),
    ("长垣", "chang2 yuan2"),
    ("长岭", "chang2 ling3"),
    ("长葛", "chang2 ge3"),
    ("长阳", "chang2 yang2"),
    ("长泰", "chang2 tai4"),
    ("长清", "chang2 qing1"),
    ("长海", "chang2 hai3"),
    ("长顺", "chang2 shun4"),
    ("长武", "chang2 wu3"),
    ("长岛", "chang2 dao3"),
    ("长子", "zhang3 zi3"),
    ("重庆", "chong2 qing4"),
    ("重阳", "chong2 yang2"),
    ("厦门", "xia4 men2"),
    ("六安", "lu4 an1"),
    ("六合", "lu4 he2"),
    ("乐清", "yue4 qing1"),
    ("乐亭", "lao4 ting2"),
    ("蚌埠", "beng4 bu4"),
    ("都江堰", "du1 jiang1 yan4"),
    ("成都", "cheng2 du1"),
    ("首都", "shou3 du1"),
    ("都昌", "du1 chang1"),
    ("单县", "shan4 xian4"),
    ("番禺", "pan1 yu2"),
    ("东阿", "dong1 e1"),
    ("会稽", "kuai4 ji1"),
    ("铅山", "yan2 shan1"),
    ("天台", "tian1 tai1"),
    ("蔚县", "yu4 xian4"),
    ("涡阳", "guo1 yang2"),
    ("洪洞", "hong2 tong2"),
    ("大理", "da4 li3"),
    // Words: 长 as "long", 重 as "again", 行 as "trade".
    ("长期", "chang2 qi1"),
    ("长远", "chang2 yuan3"),
    ("长久", "chang2 jiu3"),
    ("长征", "chang2 zheng1"),
    ("长效", "chang2 xiao4"),
    ("长廊", "chang2 lang2"),
    ("长河", "chang2 he2"),
    ("长跑", "chang2 pao3"),
    ("擅长", "shan4 chang2"),
    ("特长", "te4 chang2"),
    ("专长", "zhuan1 chang2"),
    ("重新", "chong2 xin1"),
    ("重建", "chong2 jian4"),
    ("重复", "chong2 fu4"),
    ("重温", "chong2 wen1"),
    ("重返", "chong2 fan3"),
    ("重逢", "chong2 feng2"),
    ("重振", "chong2 zhen4"),
    ("重组", "chong2 zu3"),
    ("重生", "chong2 sheng1"),
    ("银行", "yin2 hang2"),
    ("行业", "hang2 ye4"),
    ("行长", "hang2 zhang3"),
    ("各行各业", "ge4 hang2 ge4 ye4"),
    ("内行", "nei4 hang2"),
    // 长 as "head of": the titles model workers hold.
    ("厂长", "chang3 zhang3"),
    ("校长", "xiao4 zhang3"),
    ("县长", "xian4 zhang3"),
    ("市长", "shi4 zhang3"),
    ("省长", "sheng3 zhang3"),
    ("镇长", "zhen4 zhang3"),
    ("村长", "cun1 zhang3"),
    ("乡长", "xiang1 zhang3"),
    ("局长", "ju2 zhang3"),
    ("处长", "chu4 zhang3"),
    ("科长", "ke1 zhang3"),
    ("院长", "yuan4 zhang3"),
    ("所长", "suo3 zhang3"),
    ("站长", "zhan4 zhang3"),
    ("会长", "hui4 zhang3"),
    ("社长", "she4 zhang3"),
    ("部长", "bu4 zhang3"),
    ("馆长", "guan3 zhang3"),
    ("团长", "tuan2 zhang3"),
    ("队长", "dui4 zhang3"),
    ("班长", "ban1 zhang3"),
    ("组长", "zu3 zhang3"),
    ("董事长", "dong3 shi4 zhang3"),
    ("理事长", "li3 shi4 zhang3"),
    ("秘书长", "mi4 shu1 zhang3"),
    ("列车长", "lie4 che1 zhang3"),
    ("船长", "chuan2 zhang3"),
    ("机长", "ji1 zhang3"),
    ("家长", "jia1 zhang3"),
    ("成长", "cheng2 zhang3"),
    ("增长", "zeng1 zhang3"),
    ("生长", "sheng1 zhang3"),
];

/// The word table by first character, longest words first.
type WordTable = std::collections::HashMap<char, Vec<(&'static str, Vec<Syllable>)>>;

fn word_readings() -> &'static WordTable {
    static TABLE: std::sync::OnceLock<WordTable> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut map: std::collections::HashMap<char, Vec<(&str, Vec<Syllable>)>> =
            std::collections::HashMap::new();
        for (word, reading) in WORD_READINGS {
            let syllables = reading
                .split(' ')
                .map(|w| {
                    let (letters, tone) = match w.chars().last() {
                        Some(d @ '1'..='4') => (&w[..w.len() - 1], d as u8 - b'0'),
                        _ => (w, 0),
                    };
                    Syllable {
                        letters: letters.to_string(),
                        tone,
                        han: true,
                    }
                })
                .collect();
            if let Some(first) = word.chars().next() {
                map.entry(first).or_default().push((word, syllables));
            }
        }
        for list in map.values_mut() {
            list.sort_by_key(|(w, _)| std::cmp::Reverse(w.len()));
        }
        map
    })
}

fn push_text_syllables(text: &str, out: &mut Vec<Syllable>) {
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut Vec<Syllable>| {
        if !word.is_empty() {
            out.push(Syllable {
                letters: std::mem::take(word),
                tone: 0,
                han: false,
            });
        }
    };
    let words = word_readings();
    let mut skip = 0;
    for (i, c) in text.char_indices() {
        if skip > 0 {
            skip -= 1;
            continue;
        }
        if let Some((w, syllables)) = words
            .get(&c)
            .and_then(|list| list.iter().find(|(w, _)| text[i..].starts_with(w)))
        {
            flush(&mut word, out);
            out.extend(syllables.iter().cloned());
            skip = w.chars().count() - 1;
            continue;
        }
        if let Some(s) = char_syllable(c) {
            flush(&mut word, out);
            out.push(s);
        } else if c.is_ascii_alphanumeric() {
            word.push(c.to_ascii_lowercase());
        } else {
            flush(&mut word, out);
        }
    }
    flush(&mut word, out);
}

/// The surname as written: a compound surname (欧阳) when the name starts with one, else
/// the first character (a Latin name gives its first letter, upper-cased).
pub fn surname(name: &str) -> String {
    let name = name.trim();
    if let Some((s, _)) = COMPOUND_SURNAMES.iter().find(|(s, _)| name.starts_with(s)) {
        return s.to_string();
    }
    name.chars()
        .next()
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_default()
}

/// Reads a person's name: compound or special surname first, then the given name.
pub fn read_name(name: &str) -> Reading {
    let name = name.trim();
    let mut syllables = Vec::new();
    let mut rest = name;
    if let Some((surname, readings)) = COMPOUND_SURNAMES.iter().find(|(s, _)| name.starts_with(s)) {
        for (l, t) in readings.iter() {
            syllables.push(Syllable {
                letters: l.to_string(),
                tone: *t,
                han: true,
            });
        }
        rest = &name[surname.len()..];
    } else if let Some(first) = name.chars().next()
        && let Some((_, l, t)) = SURNAME_READINGS.iter().find(|(c, _, _)| *c == first)
    {
        syllables.push(Syllable {
            letters: l.to_string(),
            tone: *t,
            han: true,
        });
        rest = &name[first.len_utf8()..];
    } else if name
        .chars()
        .next()
        .is_some_and(|c| char_syllable(c).is_some())
    {
        let first = name.chars().next().unwrap_or_default();
        push_text_syllables(&first.to_string(), &mut syllables);
        rest = &name[first.len_utf8()..];
    }
    let given_start = if syllables.is_empty() {
        None
    } else {
        Some(syllables.len())
    };
    push_text_syllables(rest, &mut syllables);
    Reading::new(syllables, given_start, name.to_string())
}

/// Reads a title or term character by character.
pub fn read_text(text: &str) -> Reading {
    let mut syllables = Vec::new();
    push_text_syllables(text, &mut syllables);
    Reading::new(syllables, None, text.to_string())
}

/// An editor's own reading (`pinyin: Ding Weisong`): words become the syllables,
/// a tone digit at a word's end is honoured.
pub fn read_override(pinyin: &str, text: &str) -> Reading {
    let mut syllables = Vec::new();
    for word in pinyin.split(|c: char| c.is_whitespace() || c == '-' || c == '\'' || c == '_') {
        if word.is_empty() {
            continue;
        }
        let lower = word.to_lowercase().replace("u:", "ü").replace('v', "ü");
        let (letters, tone) = match lower.chars().last() {
            Some(d @ '0'..='4') => (lower[..lower.len() - 1].to_string(), d as u8 - b'0'),
            _ => (lower, 0),
        };
        syllables.push(Syllable {
            letters,
            tone,
            han: false,
        });
    }
    let given_start = if syllables.len() > 1 { Some(1) } else { None };
    Reading::new(syllables, given_start, text.to_string())
}

fn slug_letters(s: &str) -> String {
    s.chars()
        .flat_map(|c| match c {
            'ü' => "yu".chars().collect::<Vec<_>>(),
            c if c.is_ascii_alphanumeric() => vec![c.to_ascii_lowercase()],
            _ => vec![],
        })
        .collect()
}

impl Reading {
    /// Person slug: surname then given name, `ding-weisong`, `ouyang-ming`.
    pub fn name_slug(&self) -> String {
        match self.given_start {
            Some(g) if g < self.syllables.len() => {
                let surname: String = self.syllables[..g]
                    .iter()
                    .map(|s| slug_letters(&s.letters))
                    .collect();
                let given: String = self.syllables[g..]
                    .iter()
                    .map(|s| slug_letters(&s.letters))
                    .collect();
                normalize_slug(&format!("{surname}-{given}"))
            }
            _ => self.text_slug(),
        }
    }

    /// Title or term slug: one hyphen between syllables and words, `lao-mo-lin`.
    pub fn text_slug(&self) -> String {
        let parts: Vec<String> = self
            .syllables
            .iter()
            .map(|s| slug_letters(&s.letters))
            .collect();
        normalize_slug(&parts.join("-"))
    }

    /// Upper-case initial for the A–Z jump bar; `#` when the name has no reading.
    pub fn initial(&self) -> char {
        self.syllables
            .first()
            .and_then(|s| s.letters.chars().next())
            .map(|c| {
                if c == 'ü' {
                    'L'
                } else {
                    c.to_ascii_uppercase()
                }
            })
            .filter(|c| c.is_ascii_uppercase())
            .unwrap_or('#')
    }

    /// Toneless pinyin with spaces, for display and search keys: "ding wei song".
    pub fn plain(&self) -> String {
        let v: Vec<&str> = self.syllables.iter().map(|s| s.letters.as_str()).collect();
        v.join(" ")
    }

    /// Total, stable order: toneless syllables one by one, then tones, then the characters.
    /// Uses the keys made once in `new`: sorting 10,000 names compares 140,000 times.
    pub fn compare(&self, other: &Reading) -> Ordering {
        self.letters_key
            .cmp(&other.letters_key)
            .then_with(|| self.tones_key.cmp(&other.tones_key))
            .then_with(|| self.text.cmp(&other.text))
    }
}

/// Lowercase ASCII `[a-z0-9-]`, no leading, trailing or doubled hyphens.
pub fn normalize_slug(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// Whether `s` is already a valid slug.
pub fn is_valid_slug(s: &str) -> bool {
    !s.is_empty() && normalize_slug(s) == s
}

/// The slug of a file or bundle name: ASCII names are kept, Chinese ones read in pinyin.
pub fn file_slug(stem: &str) -> String {
    read_text(stem).text_slug()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_surname_first() {
        assert_eq!(read_name("丁卫松").name_slug(), "ding-weisong");
        assert_eq!(read_name("欧阳明").name_slug(), "ouyang-ming");
        assert_eq!(read_name("尉迟明远").name_slug(), "yuchi-mingyuan");
        assert_eq!(read_name("吕").name_slug(), "lyu");
        assert_eq!(read_name("单丽华").name_slug(), "shan-lihua");
        assert_eq!(read_name("曾国强").name_slug(), "zeng-guoqiang");
        assert_eq!(read_name("万俟文").name_slug(), "moqi-wen");
        assert_eq!(read_name("Tom Smith").name_slug(), "tom-smith");
    }

    #[test]
    fn override_reading_wins() {
        assert_eq!(
            read_override("Ding Weisong", "丁卫松").name_slug(),
            "ding-weisong"
        );
    }

    #[test]
    fn titles_and_files() {
        assert_eq!(file_slug("劳模林"), "lao-mo-lin");
        assert_eq!(file_slug("laomo-lin"), "laomo-lin");
        assert_eq!(file_slug("2018 植树"), "2018-zhi-shu");
    }

    #[test]
    fn order_is_by_syllable_then_tone_then_text() {
        let mut names = vec!["张伟", "曾国强", "丁卫松", "单丽华", "王芳", "汪芳"];
        names.sort_by(|a, b| read_name(a).compare(&read_name(b)));
        assert_eq!(
            names,
            vec!["丁卫松", "单丽华", "汪芳", "王芳", "曾国强", "张伟"]
        );
    }

    #[test]
    fn places_and_words_with_polyphones_read_right() {
        assert_eq!(file_slug("长兴县"), "chang-xing-xian");
        assert_eq!(file_slug("重阳节"), "chong-yang-jie");
        assert_eq!(file_slug("重庆市"), "chong-qing-shi");
        assert_eq!(file_slug("厦门"), "xia-men");
        assert_eq!(file_slug("乐清市"), "yue-qing-shi");
        assert_eq!(file_slug("都江堰"), "du-jiang-yan");
        assert_eq!(file_slug("银行行长"), "yin-hang-hang-zhang");
        assert_eq!(file_slug("劳模厂长"), "lao-mo-chang-zhang");
        // The given name goes through the same table; the surname through its own.
        assert_eq!(read_name("查重阳").name_slug(), "zha-chongyang");
        assert_eq!(read_name("王长江").name_slug(), "wang-changjiang");
        assert_eq!(read_name("长孙无忌").name_slug(), "zhangsun-wuji");
    }

    #[test]
    fn surnames_as_written() {
        assert_eq!(surname("丁卫松"), "丁");
        assert_eq!(surname("欧阳明"), "欧阳");
        assert_eq!(surname("tom smith"), "T");
        assert_eq!(surname(""), "");
    }

    #[test]
    fn initial_letter() {
        assert_eq!(read_name("吕军").initial(), 'L');
        assert_eq!(read_name("欧阳明").initial(), 'O');
    }
}
