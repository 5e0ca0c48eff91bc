//! Golden files and the time printed on them; the fake printers are `printer::testing`.

use std::path::{Path, PathBuf};

use chrono::{NaiveDate, NaiveDateTime};

/// The time printed on the golden receipts.
pub fn fixed_time() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2024, 5, 17)
        .and_then(|d| d.and_hms_opt(14, 30, 5))
        .expect("a valid date")
}

/// Bytes as 16 hex pairs a line with the offset in front, for golden files.
pub fn hex_dump(bytes: &[u8]) -> String {
    let mut out = String::new();
    for (i, chunk) in bytes.chunks(16).enumerate() {
        let pairs: Vec<String> = chunk.iter().map(|b| format!("{b:02x}")).collect();
        out.push_str(&format!("{:06x}: {}\n", i * 16, pairs.join(" ")));
    }
    out
}

fn golden_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name)
}

/// Compares `actual` with the checked-in golden file; `UPDATE_GOLDEN=1` rewrites it.
pub fn assert_golden(name: &str, actual: &str) {
    let path = golden_path(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).expect("write the golden file");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run with UPDATE_GOLDEN=1 to create it",
            path.display()
        )
    });
    if expected != actual {
        let line = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b);
        panic!(
            "{} differs (first differing line {:?}); review and rerun with UPDATE_GOLDEN=1\n--- actual ---\n{actual}",
            path.display(),
            line.map(|l| l + 1)
        );
    }
}
