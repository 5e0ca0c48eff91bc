//! The pure planning of ingest effects, table by table.

use chrono::{NaiveDate, TimeZone, Utc};
use pos_domain::document::{
    Document, DocumentBody, MemberRegistration, PointAdjustment, Sale, SaleLine, SaleMember, Void,
};
use pos_domain::member::Tier;
use rust_decimal::Decimal;
use uuid::Uuid;

use super::*;

fn doc(sequence: u64, body: DocumentBody) -> Document {
    Document {
        id: Uuid::now_v7(),
        store_id: "S1".into(),
        terminal_id: "T1".into(),
        sequence,
        business_date: NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
        created_at: Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap(),
        operator_id: "op".into(),
        approvals: vec![],
        body,
    }
}

fn registration(id: &str, phone: &str) -> DocumentBody {
    DocumentBody::MemberRegistration(MemberRegistration {
        member_id: id.into(),
        card_no: format!("card-{id}"),
        phone: phone.into(),
        name: "n".into(),
        seal: None,
    })
}

fn sale(
    member: Option<&str>,
    earned: i64,
    redeemed: i64,
    lines: &[(&str, u32, Option<&str>)],
) -> Sale {
    Sale {
        shift_id: Uuid::now_v7(),
        lines: lines
            .iter()
            .enumerate()
            .map(|(i, (sku, quantity, serial))| SaleLine {
                line_no: i as u32 + 1,
                sku: (*sku).into(),
                name: String::new(),
                category: String::new(),
                unit: String::new(),
                quantity: *quantity,
                lot: None,
                expiry_date: None,
                serial: serial.map(Into::into),
                registration_no: None,
                unit_price: Decimal::ONE,
                gross: Decimal::ONE,
                discounts: vec![],
                net: Decimal::ONE,
                vat_rate: Decimal::ZERO,
                points_multiplier: Decimal::ONE,
            })
            .collect(),
        subtotal: Decimal::ZERO,
        discount_total: Decimal::ZERO,
        total: Decimal::ZERO,
        vat: vec![],
        tenders: vec![],
        cash_rounding: Decimal::ZERO,
        change: Decimal::ZERO,
        member: member.map(|m| SaleMember {
            member_id: m.into(),
            card_no: format!("card-{m}"),
            tier: Tier::Standard,
        }),
        points_earned: earned,
        points_redeemed: redeemed,
        organisation: None,
    }
}

#[test]
fn registrations_merge_by_phone_and_unknown_ids_become_members() {
    let docs = [
        doc(1, registration("new-1", "111")),
        doc(2, registration("dup-of-hq", "222")),
        doc(3, registration("dup-of-new-1", "111")),
        doc(4, DocumentBody::Sale(sale(Some("stranger"), 5, 0, &[]))),
        doc(5, DocumentBody::Sale(sale(Some("old-alias"), 5, 0, &[]))),
    ];
    let accepted: Vec<&Document> = docs.iter().collect();
    let lookups = MemberLookups {
        by_phone: [("222".to_owned(), "HQ".to_owned())].into(),
        aliases: [("old-alias".to_owned(), "HQ".to_owned())].into(),
        existing: Default::default(),
        cards: Default::default(),
    };
    let plan = plan_members(&accepted, &SaleMap::new(), &lookups);
    let new_ids: Vec<&str> = plan.new_members.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(new_ids, ["new-1", "stranger"]);
    assert_eq!(plan.new_members[1].phone, None);
    let aliases: Vec<(&str, &str)> = plan
        .aliases
        .iter()
        .map(|a| (a.alias_id.as_str(), a.member_id.as_str()))
        .collect();
    assert_eq!(aliases, [("dup-of-hq", "HQ"), ("dup-of-new-1", "new-1")]);
    assert_eq!(plan.resolved["old-alias"], "HQ");
    assert_eq!(plan.resolved["stranger"], "stranger");
}

#[test]
fn points_apply_in_order_and_only_overdrawing_redemptions_are_flagged() {
    let docs = [
        doc(1, DocumentBody::Sale(sale(Some("m"), 10, 100, &[]))),
        doc(2, DocumentBody::Sale(sale(Some("m"), 0, 50, &[]))),
        doc(
            3,
            DocumentBody::PointAdjustment(PointAdjustment {
                member_id: "m".into(),
                points: -500,
                reason: "r".into(),
            }),
        ),
    ];
    let accepted: Vec<&Document> = docs.iter().collect();
    let resolved = [("m".to_owned(), "m".to_owned())].into();
    let plan = plan_points(
        &document_effects(&accepted, &SaleMap::new()).unwrap(),
        &resolved,
        &[("m".to_owned(), 120)].into(),
    )
    .unwrap();
    let moves: Vec<(&str, i64, i64)> = plan
        .entries
        .iter()
        .map(|e| (e.entry, e.points, e.balance_after))
        .collect();
    assert_eq!(
        moves,
        [
            ("redeem", -100, 20),
            ("earn", 10, 30),
            ("redeem", -50, -20),
            ("adjust", -500, -520)
        ]
    );
    assert_eq!(plan.overdrafts.len(), 1);
    assert_eq!(
        (
            plan.overdrafts[0].balance_before,
            plan.overdrafts[0].balance_after
        ),
        (30, -20)
    );
    assert_eq!(plan.balances["m"], -520);
}

#[test]
fn a_void_reverses_its_sales_points_stock_and_serials() {
    let sold = doc(
        1,
        DocumentBody::Sale(sale(
            Some("m"),
            7,
            3,
            &[("BP", 1, Some("SN1")), ("MASK", 4, None)],
        )),
    );
    let DocumentBody::Sale(s) = &sold.body else {
        unreachable!()
    };
    let void = doc(
        2,
        DocumentBody::Void(Void {
            shift_id: s.shift_id,
            sale_id: sold.id,
            sale_sequence: 1,
            total: Decimal::ZERO,
            reason: String::new(),
        }),
    );
    let sales: SaleMap = [(
        sold.id,
        KnownSale {
            sequence: 1,
            sale: s.clone(),
        },
    )]
    .into();
    let resolved = [("m".to_owned(), "m".to_owned())].into();

    let only_void = plan_points(
        &document_effects(&[&void], &sales).unwrap(),
        &resolved,
        &[("m".to_owned(), 4)].into(),
    )
    .unwrap();
    assert_eq!(only_void.balances["m"], 0, "4 + 3 refunded - 7 taken back");
    let stock = plan_stock(&document_effects(&[&void], &sales).unwrap()).unwrap();
    assert_eq!(
        stock.deltas[&("S1".to_owned(), "MASK".to_owned(), String::new())],
        4
    );
    assert!(stock.serials[&("BP".to_owned(), "SN1".to_owned())].available);

    let both = plan_stock(&document_effects(&[&sold, &void], &sales).unwrap()).unwrap();
    assert!(
        both.deltas.is_empty(),
        "a sale and its void leave stock as it was"
    );
    assert!(both.serials[&("BP".to_owned(), "SN1".to_owned())].available);
}

#[test]
fn a_new_members_card_held_by_another_is_a_clash_and_the_document_still_counts() {
    let docs = [
        doc(1, registration("mine", "111")),
        doc(2, registration("also-mine", "333")),
        doc(3, DocumentBody::Sale(sale(Some("stranger"), 5, 0, &[]))),
    ];
    let DocumentBody::MemberRegistration(first) = &docs[0].body else {
        unreachable!()
    };
    let accepted: Vec<&Document> = docs.iter().collect();
    let lookups = MemberLookups {
        // Another store's member already holds the first registration's card.
        cards: [(first.card_no.clone(), "theirs".to_owned())].into(),
        ..MemberLookups::default()
    };
    let plan = plan_members(&accepted, &SaleMap::new(), &lookups);
    assert_eq!(plan.new_members.len(), 3, "every member is still stored");
    assert_eq!(
        plan.clashes,
        [CardClash {
            new_member: 0,
            till_card_no: first.card_no.clone(),
            holder_id: "theirs".into(),
            document_id: docs[0].id,
        }]
    );
}

#[test]
fn a_balance_past_i64_fails_its_document_instead_of_wrapping() {
    let adjust = doc(
        1,
        DocumentBody::PointAdjustment(PointAdjustment {
            member_id: "m".into(),
            points: 10,
            reason: "r".into(),
        }),
    );
    let resolved = [("m".to_owned(), "m".to_owned())].into();
    let result = plan_points(
        &document_effects(&[&adjust], &SaleMap::new()).unwrap(),
        &resolved,
        &[("m".to_owned(), i64::MAX - 5)].into(),
    );
    assert!(
        matches!(&result, Err(Fault::Document { id, reason }) if *id == adjust.id && reason.starts_with("points")),
        "{result:?}"
    );
}

fn provisional_registration(id: &str, phone: &str, card_no: &str) -> DocumentBody {
    DocumentBody::MemberRegistration(MemberRegistration {
        member_id: id.into(),
        card_no: card_no.into(),
        phone: phone.into(),
        name: "n".into(),
        seal: None,
    })
}

#[test]
fn provisional_cards_are_joined_unless_another_member_holds_them() {
    let docs = [
        doc(1, provisional_registration("new", "111", "LS1-T1-0000001")),
        doc(
            2,
            provisional_registration("taken", "222", "LS1-T1-0000002"),
        ),
        doc(
            3,
            provisional_registration("merged", "333", "LS1-T1-0000003"),
        ),
        doc(
            4,
            provisional_registration("merged-taken", "333", "LS1-T1-0000004"),
        ),
        doc(5, registration("fixture-card", "555")),
    ];
    let accepted: Vec<&Document> = docs.iter().collect();
    let lookups = MemberLookups {
        by_phone: [("333".to_owned(), "HQ".to_owned())].into(),
        cards: [
            ("LS1-T1-0000002".to_owned(), "other".to_owned()),
            ("LS1-T1-0000004".to_owned(), "other".to_owned()),
        ]
        .into(),
        ..MemberLookups::default()
    };
    let plan = plan_members(&accepted, &SaleMap::new(), &lookups);
    let new_ids: Vec<&str> = plan.new_members.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(new_ids, ["new", "taken", "fixture-card"]);
    // Only "new" gets head office's code with its card joined: "taken" is a clash (head
    // office's card, the card stays its holder's) and a card no till issues is kept.
    assert_eq!(plan.provisional, [0]);
    assert_eq!(plan.clashes.len(), 1);
    assert_eq!(plan.clashes[0].new_member, 1);
    assert_eq!(
        plan.joined,
        [JoinedCard {
            card_no: "LS1-T1-0000003".into(),
            member_id: "HQ".into(),
            document_id: Some(docs[2].id),
        }]
    );
}
