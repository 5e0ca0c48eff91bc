//! The receipt printer, driven from a named thread so a slow or dead printer never
//! holds up the counter. Jobs go in over a channel; outcomes come back over another,
//! which the window listens to as a subscription (see `subscriptions`). A failed job keeps its paper for reprint;
//! a receipt also stays in the till file's print queue until it prints (see
//! `Till::unprinted_receipts`), so a crash or power cut does not forget it.
//!
//! While no job is waiting the thread asks the printer for its status (`DLE EOT`) at
//! start and then every `poll_every`, so paper out or a dead cable shows in the status
//! bar before the next sale fails to print. A job never waits for more than the poll in
//! progress (a few hundred milliseconds when the printer is silent).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use pos_core::data_dir::PrinterConfig;
use printer::{
    DrawerPin, PaperWidth, PrintError, Printer, PrinterStatus, Receipt, Report, StockSlip, Timeouts,
};

/// How long the printer may take; short, since the cashier is waiting for the banner.
const TIMEOUTS: Timeouts = Timeouts {
    connect_ms: 2_000,
    write_ms: 5_000,
    status_ms: 500,
};
/// Drawer pulse, as most drawers want it.
const DRAWER_PULSE_MS: u16 = 100;

/// Something printed on the receipt roll.
#[derive(Debug, Clone, PartialEq)]
pub enum Printout {
    /// A sale or return receipt.
    Receipt(Receipt),
    /// An X or Z report.
    Report(Report),
    /// A stock document's slip.
    Slip(StockSlip),
}

impl Printout {
    /// The same paper marked "重打印 / REPRINT".
    pub fn reprinted(self) -> Printout {
        match self {
            Printout::Receipt(receipt) => Printout::Receipt(Receipt {
                reprint: true,
                ..receipt
            }),
            Printout::Report(report) => Printout::Report(Report {
                reprint: true,
                ..report
            }),
            Printout::Slip(slip) => Printout::Slip(StockSlip {
                reprint: true,
                ..slip
            }),
        }
    }
}

/// Paper that did not print yet, with the document whose receipt it is (none for a
/// report): that document's row in the till's print queue goes when it prints.
#[derive(Debug, Clone, PartialEq)]
pub struct Unprinted {
    pub sequence: Option<u64>,
    pub paper: Printout,
}

/// One thing to print: a receipt or report, a drawer kick, or both.
#[derive(Debug, Clone)]
pub struct Job {
    pub id: u64,
    /// The document whose receipt this is, if any.
    pub sequence: Option<u64>,
    pub paper: Option<Printout>,
    pub kick_drawer: bool,
}

/// What became of a job.
#[derive(Debug, Clone)]
pub struct Finished {
    pub id: u64,
    pub sequence: Option<u64>,
    pub paper: Option<Printout>,
    pub result: Result<(), Arc<PrintError>>,
}

/// What the printer thread reports, in the order it happened.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// A job went through or failed.
    Printed(Box<Finished>),
    /// A status poll: the printer's answer, or why it gave none.
    Checked(Result<PrinterStatus, Arc<PrintError>>),
}

enum Command {
    Print(Box<Job>),
    /// Poll the status now (when no job is waiting).
    Check,
}

/// The printer thread and its two channels.
#[derive(Debug)]
pub struct PrinterWorker {
    commands: Sender<Command>,
    outcomes: Outcomes,
    next_id: u64,
}

/// The printer thread's outcomes, for whoever listens: the window's subscription, or a
/// test or benchmark waiting for one. `id` tells one thread's outcomes from the next
/// one's (a new printer configuration starts a new thread).
#[derive(Debug, Clone)]
pub struct Outcomes {
    pub id: u64,
    receiver: Arc<Mutex<Receiver<Outcome>>>,
}

impl Outcomes {
    /// The next outcome, waiting at most `timeout` (`None`: none came, or the thread
    /// ended).
    pub fn next(&self, timeout: Duration) -> Option<Outcome> {
        let receiver = self.receiver.lock().ok()?;
        receiver.recv_timeout(timeout).ok()
    }

    /// The next outcome, however long it takes; `None` once the thread has ended.
    pub fn next_blocking(&self) -> Option<Outcome> {
        let receiver = self.receiver.lock().ok()?;
        receiver.recv().ok()
    }
}

/// Tells printer threads apart, across configurations.
static NEXT_THREAD: AtomicU64 = AtomicU64::new(1);

impl PrinterWorker {
    /// Starts the thread for the configured printer; it polls the status at once and
    /// then every `poll_every` while idle. It ends when the worker is dropped.
    pub fn spawn(config: &PrinterConfig, poll_every: Duration) -> std::io::Result<PrinterWorker> {
        let (commands, command_rx) = channel::<Command>();
        let (outcome_tx, outcomes) = channel();
        let uri = config.uri.clone();
        let width = if config.width_mm <= 58 {
            PaperWidth::Mm58
        } else {
            PaperWidth::Mm80
        };
        std::thread::Builder::new()
            .name("receipt-printer".into())
            .spawn(move || serve(&uri, width, poll_every, &command_rx, &outcome_tx))?;
        Ok(PrinterWorker {
            commands,
            outcomes: Outcomes {
                id: NEXT_THREAD.fetch_add(1, Ordering::Relaxed),
                receiver: Arc::new(Mutex::new(outcomes)),
            },
            next_id: 1,
        })
    }

    /// Queues a job (the receipt of document `sequence`, if any); returns its id.
    pub fn submit(
        &mut self,
        paper: Option<Printout>,
        kick_drawer: bool,
        sequence: Option<u64>,
    ) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        // The thread only stops when this worker is dropped, so the send cannot fail
        // while we hold it; if it ever did, the job's outcome simply never arrives.
        let _ = self.commands.send(Command::Print(Box::new(Job {
            id,
            sequence,
            paper,
            kick_drawer,
        })));
        id
    }

    /// Asks for a status poll as soon as no job is waiting.
    pub fn check(&self) {
        let _ = self.commands.send(Command::Check);
    }

    /// Where this thread's outcomes arrive.
    pub fn outcomes(&self) -> &Outcomes {
        &self.outcomes
    }

    /// Waits at most `timeout` for the next outcome (tests and benchmarks).
    pub fn wait(&self, timeout: Duration) -> Option<Outcome> {
        self.outcomes.next(timeout)
    }
}

/// The thread: jobs first, a status poll whenever it has been idle for `poll_every`.
fn serve(
    uri: &str,
    width: PaperWidth,
    poll_every: Duration,
    commands: &Receiver<Command>,
    outcomes: &Sender<Outcome>,
) {
    let mut next_poll = Instant::now();
    loop {
        let idle_for = next_poll.saturating_duration_since(Instant::now());
        let outcome = match commands.recv_timeout(idle_for) {
            Ok(Command::Print(job)) => {
                let result = run(uri, width, &job).map_err(Arc::new);
                next_poll = Instant::now() + poll_every;
                Outcome::Printed(Box::new(Finished {
                    id: job.id,
                    sequence: job.sequence,
                    paper: job.paper,
                    result,
                }))
            }
            Ok(Command::Check) => {
                next_poll = Instant::now();
                continue;
            }
            Err(RecvTimeoutError::Timeout) => {
                let status = poll(uri).map_err(Arc::new);
                next_poll = Instant::now() + poll_every;
                Outcome::Checked(status)
            }
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if outcomes.send(outcome).is_err() {
            return;
        }
    }
}

fn run(uri: &str, width: PaperWidth, job: &Job) -> Result<(), PrintError> {
    let mut printer = Printer::connect(uri, TIMEOUTS)?;
    if job.kick_drawer {
        // The drawer first: the customer's change should not wait for the paper.
        printer.kick_drawer(DrawerPin::Pin2, DRAWER_PULSE_MS, DRAWER_PULSE_MS)?;
    }
    match &job.paper {
        Some(Printout::Receipt(receipt)) => printer.print_receipt(receipt, width),
        Some(Printout::Report(report)) => printer.print_report(report, width),
        Some(Printout::Slip(slip)) => printer.print_slip(slip, width),
        None => Ok(()),
    }
}

/// One status poll on its own connection, closed afterwards so the printer is free
/// for the next job (network printers serve one connection at a time).
fn poll(uri: &str) -> Result<PrinterStatus, PrintError> {
    Printer::connect(uri, TIMEOUTS)?.status()
}
