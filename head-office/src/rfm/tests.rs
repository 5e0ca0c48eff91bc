use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::*;

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
}

fn activity(id: &str, last: u32, frequency: i64, monetary: i64) -> Activity {
    Activity {
        member_id: id.into(),
        last_purchase: day(last),
        frequency,
        monetary: Decimal::from(monetary),
    }
}

fn classic() -> Vec<Segment> {
    let rows = [
        ("important_value", "high", "high", "high"),
        ("important_develop", "high", "low", "high"),
        ("important_keep", "low", "high", "high"),
        ("important_retain", "low", "low", "high"),
        ("general_value", "high", "high", "low"),
        ("general_develop", "high", "low", "low"),
        ("general_keep", "low", "high", "low"),
        ("general_retain", "low", "low", "low"),
    ];
    rows.iter()
        .enumerate()
        .map(|(i, (code, r, f, m))| {
            SegmentText {
                code: (*code).into(),
                precedence: (i + 1).to_string(),
                name_zh: "中".into(),
                name_en: "en".into(),
                r_rule: (*r).into(),
                f_rule: (*f).into(),
                m_rule: (*m).into(),
            }
            .parse()
            .unwrap()
        })
        .collect()
}

#[test]
fn the_window_ends_on_the_day_and_counts_it() {
    assert_eq!(window(day(31), 31), (day(1), day(31)));
    assert_eq!(window(day(6), 1), (day(6), day(6)));
}

#[test]
fn five_members_spread_over_the_five_scores() {
    let members: Vec<Activity> = (1..=5)
        .map(|i| activity(&format!("M{i}"), i, i as i64, 100 * i as i64))
        .collect();
    let (scores, averages) = score(&members, day(10));
    let got: Vec<(i64, Scores)> = scores;
    assert_eq!(
        got,
        (1..=5u8)
            .map(|i| (10 - i as i64, Scores { r: i, f: i, m: i }))
            .collect::<Vec<_>>()
    );
    let three = Decimal::from(3);
    assert_eq!(
        averages,
        Averages {
            r: three,
            f: three,
            m: three
        }
    );
}

#[test]
fn equal_figures_score_the_same_and_the_best_scores_high() {
    // Eight members with one sale, two with more: the one-sale members are not split
    // over scores by the order they come in.
    let mut members: Vec<Activity> = (0..8)
        .map(|i| activity(&format!("O{i}"), 1, 1, 10))
        .collect();
    members.push(activity("TWO", 1, 2, 10));
    members.push(activity("TEN", 9, 10, 1000));
    let (scores, _) = score(&members, day(9));
    let f: Vec<u8> = scores.iter().map(|(_, s)| s.f).collect();
    assert_eq!(f, [1, 1, 1, 1, 1, 1, 1, 1, 5, 5]);
    let r: Vec<u8> = scores.iter().map(|(_, s)| s.r).collect();
    assert_eq!(r, [1, 1, 1, 1, 1, 1, 1, 1, 1, 5]);
    assert_eq!(scores[9].0, 0, "bought on the day itself: 0 days");
}

#[test]
fn negative_spend_scores_lowest() {
    let members = vec![
        activity("A", 5, 1, -20),
        activity("B", 5, 1, 0),
        activity("C", 5, 1, 50),
    ];
    let (scores, _) = score(&members, day(5));
    let m: Vec<u8> = scores.iter().map(|(_, s)| s.m).collect();
    assert_eq!(m, [1, 2, 4]);
}

#[test]
fn the_classic_eight_take_every_member_by_precedence() {
    let members = vec![
        activity("BEST", 10, 9, 900),
        activity("NEW_BIG", 10, 1, 800),
        activity("LAPSED_LOYAL", 1, 9, 700),
        activity("LAPSED_BIG", 1, 1, 600),
        activity("SMALL", 1, 1, 5),
        activity("SMALL2", 1, 1, 4),
        activity("SMALL3", 1, 1, 3),
    ];
    let (scored, averages) = assign(members, day(10), &classic());
    let segments: Vec<(&str, Option<&str>)> = scored
        .iter()
        .map(|s| (s.activity.member_id.as_str(), s.segment.as_deref()))
        .collect();
    assert_eq!(
        segments,
        [
            ("BEST", Some("important_value")),
            ("NEW_BIG", Some("important_develop")),
            ("LAPSED_LOYAL", Some("important_keep")),
            ("LAPSED_BIG", Some("important_retain")),
            ("SMALL", Some("general_retain")),
            ("SMALL2", Some("general_retain")),
            ("SMALL3", Some("general_retain")),
        ],
        "{averages:?} {scored:?}"
    );
}

#[test]
fn no_matching_segment_leaves_the_member_unsegmented() {
    let only_best: Vec<Segment> = classic().into_iter().take(1).collect();
    let (scored, _) = assign(
        vec![activity("A", 10, 9, 900), activity("B", 1, 1, 1)],
        day(10),
        &only_best,
    );
    assert_eq!(scored[0].segment.as_deref(), Some("important_value"));
    assert_eq!(scored[1].segment, None);
}

#[test]
fn nobody_scored_averages_zero() {
    let (scored, averages) = assign(vec![], day(1), &classic());
    assert!(scored.is_empty());
    assert_eq!(averages.r, Decimal::ZERO);
}
