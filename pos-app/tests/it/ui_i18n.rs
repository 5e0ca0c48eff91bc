//! The translation files: both languages have the same keys, every key the code uses
//! exists, and placeholders match between the languages.

use std::collections::BTreeSet;

use pos_app::app::i18n::{EN_SOURCE, ZH_CN_SOURCE, parse};

fn placeholders(text: &str) -> BTreeSet<String> {
    text.split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(name, _)| name.to_string()))
        .collect()
}

#[test]
fn both_languages_have_the_same_keys_and_placeholders() {
    let zh = parse(ZH_CN_SOURCE);
    let en = parse(EN_SOURCE);
    assert!(zh.len() > 250, "zh-CN.toml parsed ({} keys)", zh.len());
    let zh_keys: BTreeSet<_> = zh.keys().collect();
    let en_keys: BTreeSet<_> = en.keys().collect();
    assert_eq!(zh_keys, en_keys, "the two files list the same keys");
    for (key, text) in &zh {
        assert_eq!(
            placeholders(text),
            placeholders(&en[key]),
            "placeholders of {key}"
        );
    }
}

#[test]
fn every_key_the_code_uses_is_translated() {
    let zh = parse(ZH_CN_SOURCE);
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/src/app");
    let mut missing = Vec::new();
    let mut files = vec![std::path::PathBuf::from(root)];
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        let source = std::fs::read_to_string(&path).unwrap();
        // Keys appear as string literals like "sale.pay" passed to t() and f().
        for literal in source.split('"').skip(1).step_by(2) {
            let is_key = literal.split_once('.').is_some_and(|(section, rest)| {
                section.starts_with(|c: char| c.is_ascii_lowercase())
                    && !rest.is_empty()
                    && literal.chars().all(|c| {
                        c.is_ascii_lowercase() || c == '_' || c == '.' || c.is_ascii_digit()
                    })
            });
            if is_key && !zh.contains_key(literal) {
                missing.push(format!("{}: {literal}", path.display()));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "keys without a translation: {missing:#?}"
    );
}
