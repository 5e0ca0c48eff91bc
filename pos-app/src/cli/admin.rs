use std::fs::File;
use std::io::BufReader;
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::Args;
use pos_core::data_dir::{DataDir, ServerConfig};
use pos_core::import::parse_catalog_csv;
use pos_core::operator::Role;
use pos_core::store::TillIdentity;
use pos_core::till::{NewOperator, Till};

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Store code, as head office knows it (e.g. S001).
    #[arg(long)]
    pub store: String,
    /// Terminal code within the store (e.g. T01).
    #[arg(long)]
    pub terminal: String,
    /// Store name printed on receipts.
    #[arg(long)]
    pub store_name: Option<String>,
    /// PIN of the first manager (operator id `manager`), 4 to 8 digits.
    #[arg(long)]
    pub manager_pin: String,
    /// Also create a cashier (operator id `cashier`) with this PIN.
    #[arg(long)]
    pub cashier_pin: Option<String>,
    /// Head office address, e.g. https://ho.example.cn (the till works without one).
    #[arg(long, requires = "token")]
    pub server: Option<String>,
    /// This terminal's token from `head-office enroll`.
    #[arg(long, requires = "server")]
    pub token: Option<String>,
}

pub fn init(data: &DataDir, a: InitArgs) -> anyhow::Result<()> {
    std::fs::create_dir_all(data.path())
        .with_context(|| format!("creating {}", data.path().display()))?;
    if data.till_path().exists() {
        // Re-running init only updates the head-office settings; the ledger stays.
        if a.server.is_none() {
            bail!(
                "{} exists already; nothing to do",
                data.till_path().display()
            );
        }
    } else {
        // Every PIN is checked before the till file is created, so a typo leaves nothing.
        if let Some(pin) = &a.cashier_pin
            && !pos_core::operator::pin_is_well_formed(pin)
        {
            bail!("--cashier-pin must be 4 to 8 digits");
        }
        let identity = TillIdentity {
            store_id: a.store.clone(),
            terminal_id: a.terminal.clone(),
        };
        let manager = NewOperator {
            id: "manager",
            name: "店长",
            role: Role::Manager,
            pin: &a.manager_pin,
        };
        let mut till = Till::init(&data.till_path(), identity, manager, Default::default())?;
        if let Some(pin) = &a.cashier_pin {
            till.add_operator(NewOperator {
                id: "cashier",
                name: "收银员",
                role: Role::Cashier,
                pin,
            })?;
        }
    }
    let mut config = data.load_config()?;
    if let Some(name) = a.store_name {
        config.store_name = name;
    }
    if let (Some(url), Some(token)) = (a.server, a.token) {
        config.server = Some(ServerConfig { url, token });
    }
    data.save_config(&config)?;
    println!(
        "till {} / {} ready in {}",
        a.store,
        a.terminal,
        data.path().display()
    );
    Ok(())
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The catalog CSV (see assets/demo/catalog.csv for the format).
    #[arg(required_unless_present = "generate")]
    pub file: Option<PathBuf>,
    /// Instead of a file: a generated catalog of this many realistic products, for load
    /// tests (e.g. 200000).
    #[arg(long, conflicts_with = "file")]
    pub generate: Option<usize>,
}

pub fn import(data: &DataDir, a: ImportArgs) -> anyhow::Result<()> {
    let catalog = match (&a.file, a.generate) {
        (Some(path), _) => {
            let file = File::open(path).with_context(|| format!("opening {}", path.display()))?;
            parse_catalog_csv(BufReader::new(file))
                .with_context(|| format!("reading {}", path.display()))?
        }
        (None, Some(products)) => {
            pos_core::demo::generate_catalog(products, 7, chrono::Local::now().date_naive())
        }
        (None, None) => anyhow::bail!("name a catalog file or --generate N"),
    };
    let mut till = crate::till_file::open_till(data)?;
    till.import_catalog(&catalog)?;
    println!(
        "imported {} products, {} barcodes, {} lots, {} stock rows, {} serials, {} members, {} promotions",
        catalog.products.len(),
        catalog.barcodes.len(),
        catalog.lots.len(),
        catalog.stock.len(),
        catalog.serials.len(),
        catalog.members.len(),
        catalog.promotions.len()
    );
    Ok(())
}

pub fn verify(data: &DataDir) -> anyhow::Result<()> {
    let till = crate::till_file::open_till(data)?;
    let problems = till.integrity_problems()?;
    let chain = till.verify_journal()?;
    let ok = problems.is_empty() && chain.chain_ok && chain.first_sequence_gap.is_none();
    let line = serde_json::json!({
        "ok": ok,
        "integrity": if problems.is_empty() { "ok".to_string() } else { problems.join("; ") },
        "documents": chain.documents,
        "last_sequence": chain.last_sequence,
        "chain_ok": chain.chain_ok,
        "first_broken_link": chain.first_broken_link,
        "first_sequence_gap": chain.first_sequence_gap,
        // Registrations from before sealing whose member was erased: checked by link.
        "redacted": chain.redacted,
    });
    println!("{line}");
    if !ok {
        std::process::exit(1);
    }
    Ok(())
}
