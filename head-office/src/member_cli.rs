//! The members' scheduled runs as commands: `rfm` (scores and segments) and `tiers`
//! (the tier review), each as of a business day passed in or the chain's today; a
//! member's erasure on request, and the check that every stored document still hashes
//! as recorded (which an erasure must not break).

use chrono::NaiveDate;
use head_office::{chain_time, document_check, member_erasure, rfm, tiers};

pub async fn rfm(
    client: &mut tokio_postgres::Client,
    as_of: Option<NaiveDate>,
    window_days: i64,
) -> anyhow::Result<()> {
    let now = chrono::Utc::now();
    let as_of = as_of.unwrap_or_else(|| chain_time::today(now));
    let summary = rfm::run(client, now, as_of, window_days).await?;
    let names = rfm::store::load_segments(&*client).await?;
    println!(
        "RFM as of {as_of} over {window_days} days: {} members scored in {:.1} s",
        summary.members,
        summary.took.as_secs_f64()
    );
    for (code, members) in &summary.by_segment {
        let name = names
            .iter()
            .find(|s| &s.code == code)
            .map_or("(no segment)".to_owned(), |s| {
                format!("{} {}", s.name_zh, s.name_en)
            });
        println!("{members:>10}  {code:<20} {name}");
    }
    Ok(())
}

/// Reviews the tiers as of the day; prints each member lowered.
pub async fn tiers(
    client: &mut tokio_postgres::Client,
    as_of: Option<NaiveDate>,
) -> anyhow::Result<()> {
    let now = chrono::Utc::now();
    let as_of = as_of.unwrap_or_else(|| chain_time::today(now));
    let user = std::env::var("USER").unwrap_or_default();
    let summary = tiers::review::review(client, now, as_of, &format!("command:{user}")).await?;
    println!(
        "tiers reviewed as of {as_of}: {} members due, {} lowered, {} given a first review date",
        summary.reviewed,
        summary.downgraded.len(),
        summary.dated
    );
    for c in &summary.downgraded {
        println!(
            "{}  {} -> {}  (spend {})",
            c.member_id,
            c.from.code(),
            c.to.code(),
            c.window_spend
        );
    }
    Ok(())
}

pub async fn erase(
    client: &mut tokio_postgres::Client,
    member: &str,
    by: &str,
    reason: &str,
) -> anyhow::Result<()> {
    let now = chrono::Utc::now();
    let erased = member_erasure::erase(client, member, by, reason, now).await?;
    println!("{}", serde_json::to_string_pretty(&erased)?);
    Ok(())
}

pub async fn check_documents(client: &tokio_postgres::Client) -> anyhow::Result<()> {
    let check = document_check::check_documents(client).await?;
    println!("{}", serde_json::to_string_pretty(&check)?);
    let mismatched = check.mismatched;
    anyhow::ensure!(
        check.passed(),
        "{mismatched} documents no longer match their hash"
    );
    Ok(())
}

/// `head-office review-overdraft`: marks a flagged overdraft reviewed.
pub async fn review_overdraft(
    client: &tokio_postgres::Client,
    document: uuid::Uuid,
) -> anyhow::Result<()> {
    use head_office::reports::{ReviewOutcome, mark_overdraft_reviewed};
    match mark_overdraft_reviewed(client, document, "command line").await? {
        ReviewOutcome::Reviewed => eprintln!("overdraft of document {document} marked reviewed"),
        ReviewOutcome::AlreadyReviewed => {
            eprintln!("overdraft of document {document} was already reviewed")
        }
        ReviewOutcome::NotFlagged => {
            anyhow::bail!("no overdraft is flagged for document {document}")
        }
    }
    Ok(())
}

/// `head-office expire-points`: the expiry run as of a day (default: the chain's today).
pub async fn expire_points(
    client: &mut tokio_postgres::Client,
    as_of: Option<NaiveDate>,
) -> anyhow::Result<()> {
    head_office::db::migrate(client).await?;
    let now = chrono::Utc::now();
    let as_of = as_of.unwrap_or_else(|| chain_time::today(now));
    let user = std::env::var("USER").unwrap_or_default();
    let run_by = format!("command:{user}");
    let summary = head_office::points_expiry::run::expire(client, now, as_of, &run_by).await?;
    println!(
        "points lapsed before {as_of} expired: {} points of {} members",
        summary.points, summary.members
    );
    Ok(())
}
