//! The table's sorting, filtering, CSV and links.

use super::*;

fn table() -> Table {
    let row = |name: &str, n: i64, amount: &str, day: u32| Row {
        cells: vec![
            Cell::Text(name.to_owned()),
            Cell::Number(n),
            Cell::Money(amount.parse().unwrap()),
            Cell::Date(NaiveDate::from_ymd_opt(2026, 12, day).unwrap()),
        ],
        flagged: false,
    };
    Table {
        id: "t",
        names: Names::Main,
        columns: vec![
            Column {
                key: "name",
                header: "名称".into(),
                kind: Kind::Text,
            },
            Column {
                key: "n",
                header: "n".into(),
                kind: Kind::Number,
            },
            Column {
                key: "amount",
                header: "amount".into(),
                kind: Kind::Money,
            },
            Column {
                key: "day",
                header: "day".into(),
                kind: Kind::Date,
            },
        ],
        rows: vec![
            row("b", 10, "-2.50", 3),
            row("a", 9, "100.00", 1),
            row("c", 100, "3", 2),
        ],
    }
}

fn names(t: &Table) -> Vec<String> {
    t.rows.iter().map(|r| r.cells[0].text()).collect()
}

#[test]
fn numbers_amounts_and_dates_sort_by_value_not_by_text() {
    for (key, dir, expected) in [
        ("n", "asc", ["a", "b", "c"]),
        ("n", "desc", ["c", "b", "a"]),
        ("amount", "asc", ["b", "c", "a"]),
        ("day", "desc", ["b", "c", "a"]),
        ("name", "asc", ["a", "b", "c"]),
    ] {
        let mut t = table();
        t.apply(&Params::of(&[("sort", key), ("dir", dir)]))
            .unwrap();
        assert_eq!(names(&t), expected, "{key} {dir}");
    }
}

#[test]
fn an_unknown_column_or_direction_is_refused_by_name() {
    let mut t = table();
    assert_eq!(
        t.apply(&Params::of(&[("sort", "price")])),
        Err(TableError::UnknownColumn("price".into()))
    );
    assert_eq!(
        t.apply(&Params::of(&[("sort", "n"), ("dir", "up")])),
        Err(TableError::BadDirection("up".into()))
    );
    assert_eq!(
        Params::of(&[("format", "xlsx")]).wants_csv(),
        Err(TableError::BadFormat("xlsx".into()))
    );
    assert_eq!(names(&t), ["b", "a", "c"], "left as it was");
}

#[test]
fn the_text_filter_matches_any_cell_ignoring_case() {
    let mut t = table();
    t.filter("100");
    assert_eq!(names(&t), ["a", "c"], "the amount of a, the number of c");
    let mut t = table();
    t.rows[0].cells[0] = Cell::Text("Oximeter 血氧仪".into());
    t.filter("OXI");
    assert_eq!(t.rows.len(), 1);
    let mut t = table();
    t.filter("2026-12-02");
    assert_eq!(names(&t), ["c"]);
}

#[test]
fn csv_has_a_bom_a_header_quoting_and_no_formulas() {
    let mut t = table();
    t.rows.truncate(1);
    t.rows[0].cells[0] = Cell::Text("=HYPERLINK(\"x\"),\n".into());
    let text = String::from_utf8(t.csv()).unwrap();
    let text = text.strip_prefix('\u{feff}').expect("a byte-order mark");
    assert_eq!(
        text,
        "名称,n,amount,day\n\"'=HYPERLINK(\"\"x\"\"),\n\",10,-2.50,2026-12-03\n"
    );
    for danger in ["+1", "-1", "@SUM(A1)"] {
        assert_eq!(Cell::Text(danger.into()).csv_field(), format!("'{danger}"));
    }
    assert_eq!(Cell::Text("plain".into()).csv_field(), "plain");
}

#[test]
fn a_link_cell_sorts_filters_and_exports_by_its_text_and_its_address_is_escaped() {
    let mut t = table();
    let link = |text: &str| Cell::Link {
        text: text.into(),
        href: format!("/catalog/{text}?a=1&b=\"<x>"),
    };
    t.rows[0].cells[0] = link("b");
    t.rows[1].cells[0] = Cell::Text("a".into());
    t.rows[2].cells[0] = link("=c");
    t.apply(&Params::of(&[("sort", "name"), ("dir", "desc")]))
        .unwrap();
    assert_eq!(names(&t), ["b", "a", "=c"]);
    let mut filtered = t.clone();
    filtered.filter("catalog");
    assert!(filtered.rows.is_empty(), "the address is not searched");
    let text = String::from_utf8(t.csv()).unwrap();
    assert!(
        text.ends_with("b,10,-2.50,2026-12-03\na,9,100.00,2026-12-01\n'=c,100,3.00,2026-12-02\n"),
        "{text}"
    );
    let html = t.render(Lang::En, &Params::default()).into_string();
    assert!(
        html.contains(r#"<a href="/catalog/b?a=1&amp;b=&quot;&lt;x&gt;">b</a>"#),
        "{html}"
    );
}

#[test]
fn links_carry_the_query_on_encoded() {
    let p = Params::of(&[("store", "S001"), ("q", "血 a&b"), ("sort", "n")]);
    assert_eq!(
        p.with(&[("sort", Some("day")), ("format", Some("csv"))]),
        "?store=S001&q=%E8%A1%80%20a%26b&sort=day&format=csv"
    );
}
