//! The console's words, from `assets/i18n/console.<lang>.toml`: zh-CN unless the person
//! chose English (a cookie).

use std::collections::HashMap;
use std::sync::LazyLock;

use axum::http::request::Parts;

use super::session::cookie_value;

pub const LANG_COOKIE: &str = "ho_lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    ZhCn,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::En => "en",
        }
    }

    /// The other language: what the switch in the header offers.
    pub fn other(self) -> Lang {
        match self {
            Lang::ZhCn => Lang::En,
            Lang::En => Lang::ZhCn,
        }
    }

    pub fn of_request(parts: &Parts) -> Lang {
        match cookie_value(&parts.headers, LANG_COOKIE) {
            Some("en") => Lang::En,
            _ => Lang::ZhCn,
        }
    }

    /// The text of `key` (`section.name`), or the key itself if a file lacks it (the
    /// tests keep both files complete).
    pub fn t(self, key: &str) -> String {
        let table = match self {
            Lang::ZhCn => &*ZH_CN,
            Lang::En => &*EN,
        };
        table.get(key).cloned().unwrap_or_else(|| key.to_owned())
    }

    /// `t` with `{name}` placeholders filled.
    pub fn tf(self, key: &str, args: &[(&str, &str)]) -> String {
        args.iter().fold(self.t(key), |text, (name, value)| {
            text.replace(&format!("{{{name}}}"), value)
        })
    }
}

pub const ZH_CN_SOURCE: &str = include_str!("../../../assets/i18n/console.zh-CN.toml");
pub const EN_SOURCE: &str = include_str!("../../../assets/i18n/console.en.toml");

static ZH_CN: LazyLock<HashMap<String, String>> = LazyLock::new(|| flatten(ZH_CN_SOURCE));
static EN: LazyLock<HashMap<String, String>> = LazyLock::new(|| flatten(EN_SOURCE));

/// `section.key -> text` (`section.sub.key` for a nested table such as
/// `[reports.best_sellers]`); a file that does not parse gives nothing (the tests catch it).
pub fn flatten(source: &str) -> HashMap<String, String> {
    let Ok(root) = source.parse::<toml::Table>() else {
        return HashMap::new();
    };
    let mut out = HashMap::new();
    add_entries(&mut out, "", &root);
    out
}

fn add_entries(out: &mut HashMap<String, String>, prefix: &str, table: &toml::Table) {
    for (key, value) in table {
        let name = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            toml::Value::String(text) if !prefix.is_empty() => {
                out.insert(name, text.clone());
            }
            toml::Value::Table(entries) => add_entries(out, &name, entries),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_tables_give_dotted_keys() {
        assert_eq!(Lang::ZhCn.t("reports.best_sellers.title"), "畅销商品");
        assert_eq!(Lang::En.t("reports.categories.share"), "Share %");
    }

    #[test]
    fn both_files_parse_and_have_the_same_keys() {
        let zh = flatten(ZH_CN_SOURCE);
        let en = flatten(EN_SOURCE);
        assert!(zh.len() > 30, "zh-CN parses: {} keys", zh.len());
        let mut zh_keys: Vec<_> = zh.keys().collect();
        let mut en_keys: Vec<_> = en.keys().collect();
        zh_keys.sort();
        en_keys.sort();
        assert_eq!(zh_keys, en_keys);
    }

    #[test]
    fn placeholders_are_filled() {
        assert_eq!(
            Lang::En.tf("table.truncated", &[("shown", "500"), ("total", "501")]),
            "Showing the first 500 of 501 rows; narrow the filters or export the CSV for all."
        );
    }
}
