//! The integration commands of the `head-office` binary: integrations added, listed and
//! revoked; a channel's customers imported (all or nothing, a bad row named by its line)
//! and exported; and `mirror` following a running head office until caught up.

use std::process::{Command, Output};

use head_office::testing::PgCluster;

const BIN: &str = env!("CARGO_BIN_EXE_head-office");

fn head_office(database_url: &str, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("DATABASE_URL", database_url)
        .env_remove("HEAD_OFFICE_INTEGRATION_KEY")
        .output()
        .unwrap()
}

fn ok(output: Output) -> (String, String) {
    let (out, err) = (
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    );
    assert!(output.status.success(), "{err}");
    (out, err)
}

#[test]
fn the_integration_commands_have_help() {
    for (args, flag) in [
        (&["integration", "add", "--help"][..], "--scope"),
        (&["integration", "revoke", "--help"][..], "--name"),
        (&["customers", "import", "--help"][..], "--channel"),
        (&["customers", "export", "--help"][..], "--out"),
        (&["mirror", "--help"][..], "--until-caught-up"),
    ] {
        let output = Command::new(BIN)
            .args(args)
            .env_remove("DATABASE_URL")
            .output()
            .unwrap();
        assert!(output.status.success(), "{args:?}");
        assert!(
            String::from_utf8_lossy(&output.stdout).contains(flag),
            "{args:?}"
        );
    }
}

#[tokio::test]
async fn integrations_customers_and_the_mirror_from_the_command_line() {
    let url = PgCluster::shared().create_database().await.unwrap();
    let (key, _) = ok(head_office(
        &url,
        &[
            "integration",
            "add",
            "--name",
            "erp",
            "--channel",
            "erp",
            "--scope",
            "events:read",
            "--scope",
            "customers:write",
        ],
    ));
    let key = key.trim().to_owned();
    assert!(key.starts_with("int_") && key.len() == 68, "{key}");
    let refused = head_office(
        &url,
        &[
            "integration",
            "add",
            "--name",
            "x",
            "--channel",
            "erp",
            "--scope",
            "customers:delete",
        ],
    );
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("customers:delete"));

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("customers.csv");
    std::fs::write(
        &file,
        "external_id,phone,name\nK1,13900000001,甲\nK2,13900000002,乙\nK3,1390,丙\n",
    )
    .unwrap();
    let bad = head_office(
        &url,
        &[
            "customers",
            "import",
            "--channel",
            "erp",
            file.to_str().unwrap(),
        ],
    );
    assert!(!bad.status.success());
    let why = String::from_utf8_lossy(&bad.stderr);
    assert!(why.contains("line 4") && why.contains("phone"), "{why}");
    std::fs::write(
        &file,
        "external_id,phone,name\nK1,13900000001,甲\nK2,13900000002,乙\n",
    )
    .unwrap();
    let (summary, _) = ok(head_office(
        &url,
        &[
            "customers",
            "import",
            "--channel",
            "erp",
            file.to_str().unwrap(),
        ],
    ));
    assert!(summary.contains("created: 2"), "{summary}");
    let out = dir.path().join("export.csv");
    ok(head_office(
        &url,
        &[
            "customers",
            "export",
            "--channel",
            "erp",
            "--out",
            out.to_str().unwrap(),
        ],
    ));
    assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&file).unwrap());

    // A running head office, followed by `mirror` until caught up, twice: the second
    // run adds nothing.
    let pool = head_office::db::pool(&url, 4, None).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(head_office::server::run(
        listener,
        head_office::server::AppState::new(pool),
        async {
            let _ = stopped.await;
        },
    ));
    let mirrored = dir.path().join("events.csv");
    for added in ["2 events added", "0 events added"] {
        let (base, key, mirrored) = (base.clone(), key.clone(), mirrored.clone());
        let output = tokio::task::spawn_blocking(move || {
            Command::new(BIN)
                .args([
                    "mirror",
                    "--url",
                    &base,
                    "--out",
                    mirrored.to_str().unwrap(),
                    "--until-caught-up",
                ])
                .env("HEAD_OFFICE_INTEGRATION_KEY", &key)
                .env_remove("DATABASE_URL")
                .output()
                .unwrap()
        })
        .await
        .unwrap();
        let (_, err) = ok(output);
        assert!(err.contains(added), "{err}");
    }
    let text = std::fs::read_to_string(&mirrored).unwrap();
    assert_eq!(text.lines().count(), 3, "{text}");
    assert!(
        text.starts_with("cursor,kind,member_id,recorded_at,data\n1,member.created,"),
        "{text}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("events.csv.cursor")).unwrap(),
        "2\n"
    );

    let (listed, _) = ok(head_office(&url, &["integration", "list"]));
    assert_eq!(listed, "erp\terp\tcustomers:write,events:read\tactive\n");
    ok(head_office(
        &url,
        &["integration", "revoke", "--name", "erp"],
    ));
    let (listed, _) = ok(head_office(&url, &["integration", "list"]));
    assert!(
        listed.starts_with("erp\terp\tcustomers:write,events:read\trevoked "),
        "{listed}"
    );
    let output = tokio::task::spawn_blocking(move || {
        Command::new(BIN)
            .args([
                "mirror",
                "--url",
                &base,
                "--out",
                mirrored.to_str().unwrap(),
                "--until-caught-up",
            ])
            .env("HEAD_OFFICE_INTEGRATION_KEY", &key)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(!output.status.success(), "a revoked key stops the mirror");
    assert!(String::from_utf8_lossy(&output.stderr).contains("401"));
    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
}
