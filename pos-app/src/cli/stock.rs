//! `pos stock`: the store's stock documents without the window, through the same `Till`
//! functions the screens use — receive a delivery note, write off units (or every expired
//! lot), post a count, list expired lots. A manager signs in with `--operator`/`--pin`.

use std::path::PathBuf;

use anyhow::{Context, bail};
use chrono::Utc;
use clap::{Args, Subcommand, ValueEnum};
use pos_core::data_dir::DataDir;
use pos_core::document::{Document, DocumentBody};
use pos_core::stock_document::{
    GoodsReceipt, ReceiptLine, StockLine, TransferDispatch, TransferReceipt, WriteOff,
    WriteOffReason,
};
use pos_core::till::{Counted, Till};

use super::stock_file::{FileLine, read};

#[derive(Debug, Args)]
pub struct StockArgs {
    #[command(subcommand)]
    pub command: StockCommand,
    /// The manager who signs the document.
    #[arg(long, global = true, default_value = "manager")]
    pub operator: String,
    /// The manager's PIN.
    #[arg(long, global = true)]
    pub pin: Option<String>,
    /// Print the document as JSON instead of a summary.
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum StockCommand {
    /// Receive goods (收货入库) from a delivery note file: columns code, quantity, and
    /// optionally expected, lot, expiry_date, serials.
    Receive {
        file: PathBuf,
        /// The delivery note's or shipment's number.
        #[arg(long)]
        reference: String,
        #[arg(long, default_value = "")]
        supplier: String,
    },
    /// Write off units (报损): from a file (code, quantity, and optionally lot, serials),
    /// or every expired lot the store holds with `--expired`.
    WriteOff {
        #[arg(long, value_enum)]
        reason: Reason,
        #[arg(long, default_value = "")]
        note: String,
        #[arg(required_unless_present = "expired", conflicts_with = "expired")]
        file: Option<PathBuf>,
        /// Every expired lot the store holds (the reason must be `expired`).
        #[arg(long)]
        expired: bool,
    },
    /// Post a count (盘点) from a file: columns code, counted, and optionally lot and
    /// serials (a serial-tracked product's units found; those held and not found are
    /// written off).
    Count {
        file: PathBuf,
        /// A full count: what the file does not list is counted as zero.
        #[arg(long)]
        full: bool,
    },
    /// List the expired lots the store still holds.
    Expired,
    /// List the transfers head office says are on their way to this store, with what
    /// was dispatched (asks head office: the till must be enrolled and online).
    Incoming,
    /// List head office's transfer orders this till has still to dispatch or receive
    /// (as the feed last sent them): `dispatch|receive transfer other-store sku lot quantity`.
    Orders,
    /// Dispatch a transfer (调拨出库) to another store from a file: columns code,
    /// quantity, and optionally lot, serials.
    Dispatch {
        file: PathBuf,
        /// The transfer's id (head office's, or the one agreed with the other store).
        #[arg(long)]
        transfer: String,
        /// The receiving store.
        #[arg(long)]
        to: String,
    },
    /// Receive a transfer (调拨入库) from a file: columns code, quantity, and optionally
    /// expected (what was dispatched), lot, expiry_date, serials.
    ReceiveTransfer {
        file: PathBuf,
        #[arg(long)]
        transfer: String,
        /// The dispatching store.
        #[arg(long)]
        from: String,
    },
}

/// The columns of a file of goods received (a delivery note, a transfer's arrival).
const RECEIVED_COLUMNS: &[&str] = &[
    "code",
    "quantity",
    "expected",
    "lot",
    "expiry_date",
    "serials",
];

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Reason {
    Expired,
    Damaged,
    Recalled,
}

impl From<Reason> for WriteOffReason {
    fn from(r: Reason) -> Self {
        match r {
            Reason::Expired => WriteOffReason::Expired,
            Reason::Damaged => WriteOffReason::Damaged,
            Reason::Recalled => WriteOffReason::Recalled,
        }
    }
}

pub fn run(data: &DataDir, a: StockArgs) -> anyhow::Result<()> {
    let mut till = crate::till_file::open_till(data)?;
    let now = Utc::now();
    match a.command {
        StockCommand::Expired => {
            for h in till.expired_holdings(now)? {
                println!("{}\t{}\t{}\t{}", h.sku, h.lot, h.expiry_date, h.quantity);
            }
            return Ok(());
        }
        StockCommand::Incoming => return incoming(data),
        StockCommand::Orders => {
            let open = till.open_transfer_orders()?;
            let sides = [("dispatch", open.to_dispatch), ("receive", open.to_receive)];
            for (side, orders) in sides {
                for o in orders {
                    let other = if side == "dispatch" {
                        &o.to_store
                    } else {
                        &o.from_store
                    };
                    for l in &o.lines {
                        let lot = l.lot.as_deref().unwrap_or("-");
                        println!(
                            "{side}\t{}\t{other}\t{}\t{lot}\t{}",
                            o.transfer_id, l.sku, l.quantity
                        );
                    }
                }
            }
            return Ok(());
        }
        _ => {}
    }
    let Some(pin) = a.pin.as_deref() else {
        bail!("a stock document needs --pin of a manager")
    };
    till.login(&a.operator, pin, now)?;
    let doc = match a.command {
        StockCommand::Receive {
            file,
            reference,
            supplier,
        } => {
            let lines = receipt_lines(read(&file, RECEIVED_COLUMNS, &till)?)?;
            till.receive_goods(&reference, &supplier, lines, None, now)?
        }
        StockCommand::WriteOff {
            reason,
            note,
            file,
            expired,
        } => {
            let lines = match file {
                Some(file) => read(&file, &["code", "quantity", "lot", "serials"], &till)?
                    .into_iter()
                    .map(goods)
                    .collect::<anyhow::Result<_>>()?,
                None if expired && !matches!(reason, Reason::Expired) => {
                    bail!("--expired writes off expired lots: give --reason expired")
                }
                None if expired => expired_lines(&till)?,
                None => bail!("give a file or --expired"),
            };
            till.write_off(reason.into(), &note, lines, None, now)?
        }
        StockCommand::Count { file, full } => {
            let counted = read(&file, &["code", "counted", "lot", "serials"], &till)?
                .into_iter()
                .map(|l| {
                    let counted = l
                        .quantity
                        .with_context(|| format!("line {}: `counted` is empty", l.line))?;
                    Ok(Counted {
                        sku: l.sku,
                        lot: l.lot,
                        counted,
                        serials: l.serials,
                    })
                })
                .collect::<anyhow::Result<_>>()?;
            till.count_stock(full, counted, None, now)?
        }
        StockCommand::Dispatch { file, transfer, to } => {
            let lines = read(&file, &["code", "quantity", "lot", "serials"], &till)?
                .into_iter()
                .map(goods)
                .collect::<anyhow::Result<_>>()?;
            till.dispatch_transfer(&transfer, &to, lines, None, now)?
        }
        StockCommand::ReceiveTransfer {
            file,
            transfer,
            from,
        } => {
            let lines = receipt_lines(read(&file, RECEIVED_COLUMNS, &till)?)?;
            till.receive_transfer(&transfer, &from, lines, now)?
        }
        StockCommand::Expired | StockCommand::Incoming | StockCommand::Orders => {
            unreachable!("answered above")
        }
    };
    print(&doc, a.json)
}

/// Asks head office for the transfers in transit to this store: one line per transfer
/// line, `transfer from dispatched-on sku lot quantity serials`.
fn incoming(data: &DataDir) -> anyhow::Result<()> {
    let server = data
        .load_config()?
        .server
        .context("this till is not enrolled with head office (no [server] in config.toml)")?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let timeouts = sync_agent::client::Timeouts {
        connect_timeout_ms: 5_000,
        request_timeout_ms: 20_000,
    };
    let answer = runtime.block_on(async {
        sync_agent::client::HeadOfficeClient::new(&server, timeouts)?
            .incoming_transfers()
            .await
    })?;
    for t in answer.transfers {
        for l in &t.lines {
            println!(
                "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                t.transfer_id,
                t.from_store,
                t.dispatched_on,
                l.sku,
                l.lot.as_deref().unwrap_or("-"),
                l.quantity,
                l.serials.join(";")
            );
        }
    }
    Ok(())
}

fn receipt_lines(lines: Vec<FileLine>) -> anyhow::Result<Vec<ReceiptLine>> {
    lines
        .into_iter()
        .map(|l| {
            let expected = l.expected;
            Ok(ReceiptLine {
                goods: goods(l)?,
                expected,
            })
        })
        .collect()
}

fn goods(l: FileLine) -> anyhow::Result<StockLine> {
    let quantity = l
        .quantity
        .with_context(|| format!("line {}: `quantity` is empty", l.line))?;
    Ok(StockLine {
        sku: l.sku,
        lot: l.lot,
        expiry_date: l.expiry_date,
        serials: l.serials,
        quantity,
    })
}

/// Every expired lot the store holds, whole: a serial-tracked lot by its serials.
fn expired_lines(till: &Till) -> anyhow::Result<Vec<StockLine>> {
    let held = till.expired_holdings(Utc::now())?;
    if held.is_empty() {
        bail!("the store holds no expired lot");
    }
    Ok(held.iter().map(|h| h.line()).collect())
}

/// What the document changed, line by line.
fn print(doc: &Document, json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string(doc)?);
        return Ok(());
    }
    println!("{} no. {} ({})", doc.body.kind(), doc.sequence, doc.id);
    match &doc.body {
        DocumentBody::GoodsReceipt(GoodsReceipt { lines, .. })
        | DocumentBody::TransferReceipt(TransferReceipt { lines, .. }) => {
            for l in lines {
                println!(
                    "{}\t{}\t+{}\tshort {}\texcess {}",
                    l.goods.sku,
                    l.goods.lot.as_deref().unwrap_or("-"),
                    l.goods.quantity,
                    l.shortage(),
                    l.excess()
                );
            }
        }
        DocumentBody::WriteOff(WriteOff { lines, .. })
        | DocumentBody::TransferDispatch(TransferDispatch { lines, .. }) => {
            for l in lines {
                let lot = l.lot.as_deref().unwrap_or("-");
                println!("{}\t{lot}\t-{}", l.sku, l.quantity);
            }
        }
        DocumentBody::Stocktake(c) => {
            for l in &c.lines {
                let lot = l.lot.as_deref().unwrap_or("-");
                println!(
                    "{}\t{lot}\tcounted {}\twas {}\t{:+}",
                    l.sku,
                    l.counted,
                    l.expected,
                    l.variance()
                );
            }
        }
        _ => {}
    }
    Ok(())
}
