//! Pinyin initials of product names, so a cashier can find 电子血压计 by typing "xyj".

use pinyin::ToPinyin;

/// Lower-case search key of `name`: the pinyin initial of each Chinese character,
/// ASCII letters and digits lower-cased (full-width ones too), everything else dropped.
///
/// "电子血压计 U80" -> "dzxyju80". Initials of zh/ch/sh are z/c/s, as cashiers type them.
/// The output is a per-character map, so the key of "AB" is the key of "A" + that of "B".
pub fn pinyin_initials(name: &str) -> String {
    let mut initials = String::with_capacity(name.len() / 2);
    for (ch, reading) in name.chars().zip(name.to_pinyin()) {
        if let Some(initial) = retail_initial(ch) {
            initials.push(initial);
        } else if let Some(reading) = reading {
            initials.push_str(reading.first_letter());
        } else if let Some(ascii) = to_ascii_alphanumeric(ch) {
            initials.push(ascii.to_ascii_lowercase());
        }
    }
    initials
}

/// Characters whose most common reading in general text is not the one product names
/// use: 弹力绷带 is tan li, 颈椎 is jing zhui, 长效 is chang xiao, 可调 is ke tiao.
fn retail_initial(ch: char) -> Option<char> {
    match ch {
        '弹' => Some('t'),
        '椎' => Some('z'),
        '长' => Some('c'),
        '调' => Some('t'),
        _ => None,
    }
}

/// ASCII letters and digits as they are, full-width ones (Ｕ８０) folded to ASCII.
fn to_ascii_alphanumeric(ch: char) -> Option<char> {
    const FULL_WIDTH_OFFSET: u32 = 0xFEE0;
    let folded = match ch {
        '\u{FF10}'..='\u{FF5A}' => char::from_u32(ch as u32 - FULL_WIDTH_OFFSET)?,
        _ => ch,
    };
    folded.is_ascii_alphanumeric().then_some(folded)
}

#[cfg(test)]
mod tests {
    use super::pinyin_initials;

    #[test]
    fn initials_of_names_cashiers_search_for() {
        let cases = [
            ("电子血压计 U80", "dzxyju80"),
            ("欧姆龙上臂式电子血压计 HEM-7136", "omlsbsdzxyjhem7136"),
            ("三诺血糖试纸 50片", "snxtsz50p"),
            ("医用外科口罩", "yywkkz"),
            ("KN95防护口罩", "kn95fhkz"),
            ("助行器", "zxq"),
            ("弹力绷带", "tlbd"),
            ("颈椎牵引器", "jzqyq"),
            ("长效抑菌喷雾", "cxyjpw"),
            ("可调节拐杖", "ktjgz"),
            ("脉搏血氧仪", "mbxyy"),
            ("全角Ｕ８０", "qju80"),
            ("75%酒精（500ml）", "75jj500ml"),
            ("", ""),
        ];
        for (name, expected) in cases {
            assert_eq!(pinyin_initials(name), expected, "initials of {name:?}");
        }
    }

    #[test]
    fn blood_pressure_monitors_are_found_by_xyj() {
        for name in ["鱼跃电子血压计 YE660D", "腕式血压计", "上臂式血压计袖带"]
        {
            assert!(
                pinyin_initials(name).contains("xyj"),
                "{name} not found by xyj"
            );
        }
    }

    #[test]
    fn initials_of_a_concatenation_are_the_concatenated_initials() {
        let parts = ["鱼跃", "弹力护腰", " YX-303"];
        let joined: String = parts.concat();
        let piecewise: String = parts.iter().map(|p| pinyin_initials(p)).collect();
        assert_eq!(pinyin_initials(&joined), piecewise);
    }
}
