//! The receipt printer, driven from a named thread so a slow or dead printer never
//! holds up the counter. Jobs go in over a channel; outcomes come back over another and
//! the app collects them on its timer tick. A failed job keeps its receipt for reprint.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};

use pos_core::data_dir::PrinterConfig;
use printer::{DrawerPin, PaperWidth, PrintError, Printer, Receipt, Timeouts};

/// How long the printer may take; short, since the cashier is waiting for the banner.
const TIMEOUTS: Timeouts = Timeouts {
    connect_ms: 2_000,
    write_ms: 5_000,
    status_ms: 500,
};
/// Drawer pulse, as most drawers want it.
const DRAWER_PULSE_MS: u16 = 100;

/// One thing to print: a receipt, a drawer kick, or both.
#[derive(Debug, Clone)]
pub struct Job {
    pub id: u64,
    pub receipt: Option<Receipt>,
    pub kick_drawer: bool,
}

/// What became of a job.
#[derive(Debug, Clone)]
pub struct Finished {
    pub id: u64,
    pub receipt: Option<Receipt>,
    pub result: Result<(), Arc<PrintError>>,
}

/// The printer thread and its two channels.
#[derive(Debug)]
pub struct PrinterWorker {
    jobs: Sender<Job>,
    results: Receiver<Finished>,
    next_id: u64,
}

impl PrinterWorker {
    /// Starts the thread for the configured printer. It ends when the worker is dropped.
    pub fn spawn(config: &PrinterConfig) -> std::io::Result<PrinterWorker> {
        let (jobs, job_rx) = channel::<Job>();
        let (result_tx, results) = channel();
        let uri = config.uri.clone();
        let width = if config.width_mm <= 58 {
            PaperWidth::Mm58
        } else {
            PaperWidth::Mm80
        };
        std::thread::Builder::new()
            .name("receipt-printer".into())
            .spawn(move || {
                for job in job_rx {
                    let result = run(&uri, width, &job).map_err(Arc::new);
                    let finished = Finished {
                        id: job.id,
                        receipt: job.receipt,
                        result,
                    };
                    if result_tx.send(finished).is_err() {
                        break;
                    }
                }
            })?;
        Ok(PrinterWorker {
            jobs,
            results,
            next_id: 1,
        })
    }

    /// Queues a job; returns its id.
    pub fn submit(&mut self, receipt: Option<Receipt>, kick_drawer: bool) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        // The thread only stops when this worker is dropped, so the send cannot fail
        // while we hold it; if it ever did, the job's outcome simply never arrives.
        let _ = self.jobs.send(Job {
            id,
            receipt,
            kick_drawer,
        });
        id
    }

    /// Outcomes that arrived since the last call.
    pub fn finished(&self) -> Vec<Finished> {
        self.results.try_iter().collect()
    }

    /// Waits at most `timeout` for the next outcome (tests and benchmarks).
    pub fn wait(&self, timeout: std::time::Duration) -> Option<Finished> {
        self.results.recv_timeout(timeout).ok()
    }
}

fn run(uri: &str, width: PaperWidth, job: &Job) -> Result<(), PrintError> {
    let mut printer = Printer::connect(uri, TIMEOUTS)?;
    if job.kick_drawer {
        // The drawer first: the customer's change should not wait for the paper.
        printer.kick_drawer(DrawerPin::Pin2, DRAWER_PULSE_MS, DRAWER_PULSE_MS)?;
    }
    if let Some(receipt) = &job.receipt {
        printer.print_receipt(receipt, width)?;
    }
    Ok(())
}
