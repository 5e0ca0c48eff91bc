//! Which of head office's tables hold a text anywhere in a row: how the erasure tests
//! show that a member's phone or name is gone from every table.

use tokio_postgres::GenericClient;

/// The tables (with how many rows) whose rows hold `text` anywhere, by table name.
pub async fn tables_holding(
    client: &impl GenericClient,
    text: &str,
) -> Result<Vec<(String, i64)>, tokio_postgres::Error> {
    let tables: Vec<String> = client
        .query(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
            &[],
        )
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut holding = Vec::new();
    for table in tables {
        let n: i64 = client
            .query_one(
                &format!("SELECT count(*) FROM \"{table}\" t WHERE t::text LIKE '%' || $1 || '%'"),
                &[&text],
            )
            .await?
            .get(0);
        if n > 0 {
            holding.push((table, n));
        }
    }
    Ok(holding)
}
