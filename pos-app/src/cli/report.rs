use std::str::FromStr;

use anyhow::{Context, bail};
use chrono::Utc;
use clap::{Args, ValueEnum};
use pos_core::data_dir::DataDir;
use pos_core::document::{DenominationCount, DocumentBody, ReportTotals};
use pos_core::money::format_cny;
use rust_decimal::Decimal;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Kind {
    /// X report: the day so far; changes nothing.
    X,
    /// Z report: closes the business day (needs a manager's id and PIN).
    Z,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    pub kind: Kind,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Manager operator id, for Z.
    #[arg(long, default_value = "manager")]
    pub operator: String,
    /// Manager PIN, for Z.
    #[arg(long)]
    pub pin: Option<String>,
    /// Cash counted, as DENOMINATION x COUNT pairs: `100x3,20x2,1x7`. For Z.
    #[arg(long, default_value = "")]
    pub counted: String,
}

pub fn run(data: &DataDir, a: ReportArgs) -> anyhow::Result<()> {
    let mut till = crate::till_file::open_till(data)?;
    match a.kind {
        Kind::X => {
            let totals = till.x_report()?;
            print_totals("X 报表 / X report", &totals, a.json)
        }
        Kind::Z => {
            let Some(pin) = a.pin.as_deref() else {
                bail!("a Z report needs --pin of a manager")
            };
            let now = Utc::now();
            till.login(&a.operator, pin, now)?;
            let counted = parse_counted(&a.counted)?;
            let doc = till.z_report(counted, None, now)?;
            let DocumentBody::ZReport(z) = &doc.body else {
                bail!("the till wrote something other than a Z report")
            };
            if a.json {
                println!("{}", serde_json::to_string(z)?);
                return Ok(());
            }
            print_totals(
                &format!("Z 报表 / Z report No. {}", z.z_no),
                &z.totals,
                false,
            )?;
            println!(
                "{:<24}{:>12}",
                "实点现金 counted",
                format_cny(z.counted_cash)
            );
            println!("{:<24}{:>12}", "差异 variance", format_cny(z.variance));
            Ok(())
        }
    }
}

/// `100x3,20x2,0.5x4` into denomination counts.
pub fn parse_counted(text: &str) -> anyhow::Result<Vec<DenominationCount>> {
    text.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (d, c) = pair
                .split_once('x')
                .with_context(|| format!("`{pair}` is not DENOMINATIONxCOUNT"))?;
            Ok(DenominationCount {
                denomination: Decimal::from_str(d.trim())
                    .with_context(|| format!("`{d}` is not an amount"))?,
                count: c
                    .trim()
                    .parse()
                    .with_context(|| format!("`{c}` is not a count"))?,
            })
        })
        .collect()
}

fn print_totals(title: &str, t: &ReportTotals, json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string(t)?);
        return Ok(());
    }
    println!("{title}");
    let row = |label: &str, value: String| println!("{label:<24}{value:>12}");
    row(
        "销售 sales",
        format!("{} / {}", t.sales_count, format_cny(t.sales_total)),
    );
    row(
        "退货 returns",
        format!("{} / {}", t.returns_count, format_cny(t.returns_total)),
    );
    row(
        "作废 voids",
        format!("{} / {}", t.voids_count, format_cny(t.voids_total)),
    );
    row("折扣 discounts", format_cny(t.discount_total));
    for v in &t.vat {
        row(
            &format!("税额 VAT {}%", v.rate * Decimal::ONE_HUNDRED),
            format_cny(v.vat),
        );
    }
    for tender in &t.tenders {
        row(
            tender.kind.label_zh(),
            format!("{} / {}", tender.count, format_cny(tender.amount)),
        );
    }
    row("积分获得 points earned", t.points_earned.to_string());
    row("积分抵扣 points redeemed", t.points_redeemed.to_string());
    row("备用金 float", format_cny(t.float));
    row("入款 paid in", format_cny(t.paid_in));
    row("出款 paid out", format_cny(t.paid_out));
    row("应有现金 expected cash", format_cny(t.expected_cash));
    Ok(())
}
