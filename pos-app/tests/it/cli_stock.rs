//! `pos stock` as a store manager runs it on the real binary: a delivery note received
//! with its shortage, every expired lot written off, a count posted; a document refused
//! says why, exits non-zero and writes nothing. The clock is the real one: the demo
//! catalog's lots that expired in November 2026 are expired.

use std::path::Path;
use std::process::{Command, Output};

fn pos(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pos"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("POS_DATA_DIR")
        .output()
        .expect("pos runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn ok(output: Output) -> String {
    assert!(
        output.status.success(),
        "stdout: {}\nstderr: {}",
        text(&output.stdout),
        text(&output.stderr)
    );
    text(&output.stdout)
}

fn refused(output: Output) -> String {
    assert!(!output.status.success(), "{}", text(&output.stdout));
    text(&output.stderr)
}

/// The till's last document number, as `pos verify` reports it.
fn last_sequence(data: &Path) -> u64 {
    let out = ok(pos(data, &["verify"]));
    let report: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    report["last_sequence"]
        .as_u64()
        .expect("verify names the last sequence")
}

#[test]
fn a_manager_receives_writes_off_and_counts_from_files() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("till");
    ok(pos(
        &data,
        &[
            "init",
            "--store",
            "S001",
            "--terminal",
            "T01",
            "--manager-pin",
            "123456",
        ],
    ));
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets/demo/catalog.csv");
    ok(pos(&data, &["import", demo.to_str().unwrap()]));
    let pin = ["--pin", "123456"];
    let file = |name: &str, body: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, body).unwrap();
        path.to_str().unwrap().to_owned()
    };

    let expired = ok(pos(&data, &["stock", "expired"]));
    assert!(
        expired.contains("110008\t24112207\t2026-11-21\t3"),
        "the expired lot the store holds: {expired}"
    );

    let note = file(
        "delivery.csv",
        "\u{feff}code,quantity,expected,lot,expiry_date,serials\n\
         110007,8,10,26041807,,\n\
         100001,2,2,,,SNX-1;SNX-2\n\
         100024,5,,,,\n",
    );
    let received = ok(pos(
        &data,
        &[
            &[
                "stock",
                "receive",
                &note,
                "--reference",
                "DN-7781",
                "--supplier",
                "鱼跃",
            ][..],
            &pin[..],
        ]
        .concat(),
    ));
    assert!(received.starts_with("goods_receipt no."), "{received}");
    assert!(
        received.contains("110007\t26041807\t+8\tshort 2\texcess 0"),
        "{received}"
    );
    assert!(
        received.contains("100024\t-\t+5\tshort 0\texcess 5"),
        "{received}"
    );

    let before = last_sequence(&data);
    let expired_lot = file("expired.csv", "code,quantity,lot\n110008,1,24112207\n");
    let why = refused(pos(
        &data,
        &[
            &["stock", "receive", &expired_lot, "--reference", "DN-2"][..],
            &pin[..],
        ]
        .concat(),
    ));
    assert!(why.contains("expired on 2026-11-21"), "{why}");
    let why = refused(pos(
        &data,
        &["stock", "receive", &note, "--reference", "DN-3"],
    ));
    assert!(why.contains("--pin"), "{why}");
    let bad_column = file("bad.csv", "code,qty\n100024,1\n");
    let why = refused(pos(
        &data,
        &[
            &["stock", "receive", &bad_column, "--reference", "DN-4"][..],
            &pin[..],
        ]
        .concat(),
    ));
    assert!(why.contains("column `qty`"), "{why}");
    assert_eq!(last_sequence(&data), before, "nothing written");

    let written_off = ok(pos(
        &data,
        &[
            &["stock", "write-off", "--reason", "expired", "--expired"][..],
            &pin[..],
        ]
        .concat(),
    ));
    assert!(
        written_off.contains("110008\t24112207\t-3"),
        "{written_off}"
    );
    assert_eq!(
        ok(pos(&data, &["stock", "expired"])),
        "",
        "nothing expired left"
    );

    let count = file("count.csv", "code,counted\n100024,3\n");
    let counted = ok(pos(
        &data,
        &[&["stock", "count", &count][..], &pin[..]].concat(),
    ));
    assert!(counted.starts_with("stocktake no."), "{counted}");
    assert!(counted.contains("counted 3"), "{counted}");
}

#[test]
fn a_transfer_is_dispatched_by_one_store_and_received_once_by_the_other() {
    let dir = tempfile::tempdir().unwrap();
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets/demo/catalog.csv");
    let till = |store: &str| {
        let data = dir.path().join(store);
        ok(pos(
            &data,
            &[
                "init",
                "--store",
                store,
                "--terminal",
                "T01",
                "--manager-pin",
                "123456",
            ],
        ));
        ok(pos(&data, &["import", demo.to_str().unwrap()]));
        data
    };
    let (a, b) = (till("S001"), till("S002"));
    let pin = ["--pin", "123456"];
    let sent = dir.path().join("sent.csv");
    // Two rows of one lot (as scanned unit by unit) are one line of 4.
    std::fs::write(
        &sent,
        "code,quantity,lot\n110007,1,26041807\n110007,3,26041807\n",
    )
    .unwrap();
    let sent = sent.to_str().unwrap();
    let dispatched = ok(pos(
        &a,
        &[
            &[
                "stock",
                "dispatch",
                sent,
                "--transfer",
                "TR-9",
                "--to",
                "S002",
            ][..],
            &pin[..],
        ]
        .concat(),
    ));
    assert!(
        dispatched.starts_with("transfer_dispatch no."),
        "{dispatched}"
    );
    assert!(dispatched.contains("110007\t26041807\t-4"), "{dispatched}");
    let why = refused(pos(
        &a,
        &[
            &[
                "stock",
                "dispatch",
                sent,
                "--transfer",
                "TR-10",
                "--to",
                "S001",
            ][..],
            &pin[..],
        ]
        .concat(),
    ));
    assert!(why.contains("S001 is this one"), "{why}");

    let arrived = dir.path().join("arrived.csv");
    std::fs::write(
        &arrived,
        "code,quantity,expected,lot\n110007,3,4,26041807\n",
    )
    .unwrap();
    let arrived = arrived.to_str().unwrap();
    let receive = [
        &[
            "stock",
            "receive-transfer",
            arrived,
            "--transfer",
            "TR-9",
            "--from",
            "S001",
        ][..],
        &pin[..],
    ]
    .concat();
    let received = ok(pos(&b, &receive));
    assert!(
        received.contains("110007\t26041807\t+3\tshort 1"),
        "{received}"
    );
    let before = last_sequence(&b);
    let why = refused(pos(&b, &receive));
    assert!(why.contains("TR-9 was already received"), "{why}");
    assert_eq!(last_sequence(&b), before, "received once");
}

#[test]
fn every_expired_lot_is_written_off_serials_included() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("till");
    ok(pos(
        &data,
        &[
            "init",
            "--store",
            "S001",
            "--terminal",
            "T01",
            "--manager-pin",
            "123456",
        ],
    ));
    // A lot of serial-tracked monitors that expired in January, two of them held.
    let catalog = dir.path().join("catalog.csv");
    std::fs::write(
        &catalog,
        "product,200001,测试血压计 A1,,血压监测,台,199.00,0.13,II,苏械注准20240000001,serial,1\n\
         lot,200001,B2501,2026-01-31\n\
         stock,200001,B2501,2\n\
         serial,200001,SNE-1,B2501\n\
         serial,200001,SNE-2,B2501\n",
    )
    .unwrap();
    ok(pos(&data, &["import", catalog.to_str().unwrap()]));
    let expired = ok(pos(&data, &["stock", "expired"]));
    assert!(
        expired.contains("200001\tB2501\t2026-01-31\t2"),
        "{expired}"
    );

    let written_off = ok(pos(
        &data,
        &[
            "stock",
            "write-off",
            "--reason",
            "expired",
            "--expired",
            "--pin",
            "123456",
            "--json",
        ],
    ));
    let doc: serde_json::Value = serde_json::from_str(written_off.trim()).unwrap();
    let line = &doc["body"]["lines"][0];
    assert_eq!(line["sku"], "200001", "{doc}");
    assert_eq!(line["quantity"], 2, "{doc}");
    assert_eq!(
        line["serials"],
        serde_json::json!(["SNE-1", "SNE-2"]),
        "{doc}"
    );
    assert_eq!(
        ok(pos(&data, &["stock", "expired"])),
        "",
        "nothing expired left"
    );
}
