//! Translations: every string the till shows comes from `assets/i18n/<lang>.toml`.
//!
//! The files are flat tables grouped in sections (`[sale] pay = "结账"` is `sale.pay`);
//! `{name}` placeholders are filled by [`I18n::f`]. A missing key shows the key itself,
//! so a gap is visible on screen and caught by the tests that compare the two files.

use std::collections::HashMap;
use std::fmt::Display;
use std::sync::LazyLock;

/// The languages the till speaks; Simplified Chinese is the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Language {
    #[default]
    ZhCn,
    En,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::ZhCn, Language::En];

    /// The code used in `config.toml` (`language = "zh-CN"`).
    pub fn code(self) -> &'static str {
        match self {
            Language::ZhCn => "zh-CN",
            Language::En => "en",
        }
    }

    /// Reads a config code; anything unknown falls back to Chinese.
    pub fn from_code(code: &str) -> Language {
        match code.trim() {
            "en" | "en-US" | "en-GB" => Language::En,
            _ => Language::ZhCn,
        }
    }
}

type Table = HashMap<String, String>;

static ZH_CN: LazyLock<Table> = LazyLock::new(|| parse(ZH_CN_SOURCE));
static EN: LazyLock<Table> = LazyLock::new(|| parse(EN_SOURCE));

/// The translation files, built into the binary so a till never runs without them.
pub const ZH_CN_SOURCE: &str = include_str!("../../../assets/i18n/zh-CN.toml");
pub const EN_SOURCE: &str = include_str!("../../../assets/i18n/en.toml");

/// Flattens `[section] key = "text"` into `section.key`.
pub fn parse(source: &str) -> Table {
    let mut out = Table::new();
    // A broken file is caught by the i18n tests; at run time keys then show as themselves.
    let Ok(root) = source.parse::<toml::Table>() else {
        return out;
    };
    flatten("", &root, &mut out);
    out
}

fn flatten(prefix: &str, table: &toml::Table, out: &mut Table) {
    for (key, value) in table {
        let full = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            toml::Value::Table(inner) => flatten(&full, inner, out),
            toml::Value::String(s) => {
                out.insert(full, s.clone());
            }
            other => {
                out.insert(full, other.to_string());
            }
        }
    }
}

/// The strings of one language.
#[derive(Debug, Clone, Copy)]
pub struct I18n {
    language: Language,
}

impl Default for I18n {
    fn default() -> Self {
        I18n::new(Language::ZhCn)
    }
}

impl I18n {
    pub fn new(language: Language) -> I18n {
        I18n { language }
    }

    pub fn language(&self) -> Language {
        self.language
    }

    fn table(&self) -> &'static Table {
        match self.language {
            Language::ZhCn => &ZH_CN,
            Language::En => &EN,
        }
    }

    /// The text of `key`, or the key itself when the file lacks it.
    pub fn t<'k>(&self, key: &'k str) -> &'k str {
        self.table().get(key).map(String::as_str).unwrap_or(key)
    }

    /// The text of `key` with each `{name}` replaced by its value.
    pub fn f(&self, key: &str, args: &[(&str, &dyn Display)]) -> String {
        let mut text = self.t(key).to_string();
        for (name, value) in args {
            text = text.replace(&format!("{{{name}}}"), &value.to_string());
        }
        text
    }
}
