//! `pos-devices`: diagnostics for installers at a new counter. Reads a serial
//! scanner, decodes a code, prints a test receipt, kicks the drawer and reads
//! the printer's status. Output is JSON where a program may read it.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};
use printer::{
    DrawerPin, PaperWidth, Printer, PrinterUri, Timeouts, render_escpos, sample_receipt,
};
use scanner::{ReaderOptions, ScannerEvent, SerialConfig, SerialScanner, Suffix};

#[derive(Parser)]
#[command(
    name = "pos-devices",
    version,
    about = "Check the till's scanner, receipt printer and cash drawer"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read a serial scanner and print each scan as one JSON line (Ctrl-C ends).
    Scan(ScanArgs),
    /// Decode one code given on the command line and print it as JSON.
    Decode {
        /// The code as the scanner sends it, e.g. 6901234567892 or "(01)06901234567892(17)261231(10)A1".
        text: String,
    },
    /// Print a test receipt with Chinese text, a QR code and a cut.
    PrintTest {
        #[command(flatten)]
        printer: PrinterArgs,
        /// Paper width in millimetres.
        #[arg(long, value_parser = parse_width, default_value = "80")]
        width: PaperWidth,
    },
    /// Open the cash drawer through the printer.
    KickDrawer {
        #[command(flatten)]
        printer: PrinterArgs,
        /// Drawer connector pin: 2 (first drawer) or 5 (second drawer).
        #[arg(long, value_enum, default_value = "2")]
        pin: PinArg,
        /// How long the pulse is on, in ms (2 to 510).
        #[arg(long, default_value_t = 120)]
        pulse_on_ms: u16,
        /// How long the pulse is off after it, in ms (2 to 510).
        #[arg(long, default_value_t = 240)]
        pulse_off_ms: u16,
    },
    /// Ask the printer for its status (online, cover, paper, drawer) and print it as JSON.
    Status {
        #[command(flatten)]
        printer: PrinterArgs,
    },
}

#[derive(Args)]
struct ScanArgs {
    /// Serial port of the scanner, e.g. /dev/ttyUSB0 or COM3.
    #[arg(long)]
    port: String,
    #[arg(long, default_value_t = 9600)]
    baud: u32,
    /// What the scanner sends after each code.
    #[arg(long, value_enum, default_value = "cr")]
    suffix: SuffixArg,
    /// With --suffix none: a code ends after this many ms without a byte.
    #[arg(long, default_value_t = 50)]
    idle_ms: u64,
    /// The scanner sends AIM symbology identifiers (]E0, ]C1, ]d2 ...).
    #[arg(long)]
    aim: bool,
    /// Stop after this many scans (default: run until Ctrl-C).
    #[arg(long)]
    count: Option<u64>,
}

#[derive(Args)]
struct PrinterArgs {
    /// tcp://HOST:9100, serial:///dev/ttyUSB0?baud=9600 or file:///dev/usb/lp0
    #[arg(long, value_name = "URI")]
    printer: PrinterUri,
    #[arg(long, default_value_t = 3_000)]
    connect_timeout_ms: u64,
    #[arg(long, default_value_t = 10_000)]
    write_timeout_ms: u64,
    /// How long to wait for each status reply.
    #[arg(long, default_value_t = 1_000)]
    status_timeout_ms: u64,
}

#[derive(Clone, Copy, ValueEnum)]
enum PinArg {
    #[value(name = "2")]
    Pin2,
    #[value(name = "5")]
    Pin5,
}

#[derive(Clone, Copy, ValueEnum)]
enum SuffixArg {
    Cr,
    Lf,
    Crlf,
    None,
}

fn parse_width(text: &str) -> Result<PaperWidth, String> {
    PaperWidth::from_mm(text).ok_or_else(|| format!("{text:?} is not a paper width: use 58 or 80"))
}

fn main() -> ExitCode {
    match run(Cli::parse().command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // A PrintError's message already names its cause; others need the chain.
            match e.downcast_ref::<printer::PrintError>() {
                Some(print_error) => {
                    eprintln!("error: {print_error}");
                    eprintln!("提示: {}", print_error.hint_zh());
                }
                None => eprintln!("error: {e:#}"),
            }
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command) -> Result<()> {
    match command {
        Command::Scan(args) => scan(args),
        Command::Decode { text } => decode(&text),
        Command::PrintTest { printer, width } => print_test(&printer, width),
        Command::KickDrawer {
            printer,
            pin,
            pulse_on_ms,
            pulse_off_ms,
        } => {
            let pin = match pin {
                PinArg::Pin2 => DrawerPin::Pin2,
                PinArg::Pin5 => DrawerPin::Pin5,
            };
            open(&printer)?.kick_drawer(pin, pulse_on_ms, pulse_off_ms)?;
            eprintln!("drawer pulse sent to {}", printer.printer);
            Ok(())
        }
        Command::Status { printer } => {
            let status = open(&printer)?.status()?;
            println!("{}", serde_json::to_string(&status)?);
            Ok(())
        }
    }
}

fn open(args: &PrinterArgs) -> Result<Printer> {
    let timeouts = Timeouts {
        connect_ms: args.connect_timeout_ms,
        write_ms: args.write_timeout_ms,
        status_ms: args.status_timeout_ms,
    };
    Ok(Printer::open(&args.printer, timeouts)?)
}

fn print_test(args: &PrinterArgs, width: PaperWidth) -> Result<()> {
    let receipt = sample_receipt(chrono::Local::now().naive_local());
    let bytes = render_escpos(&receipt, width);
    open(args)?.print(&bytes)?;
    eprintln!(
        "test receipt sent to {} ({} bytes, {} columns)",
        args.printer,
        bytes.len(),
        width.columns()
    );
    Ok(())
}

fn decode(text: &str) -> Result<()> {
    let scan = scanner::parse(text).with_context(|| format!("cannot decode {text:?}"))?;
    println!("{}", serde_json::to_string(&scan)?);
    Ok(())
}

fn scan(args: ScanArgs) -> Result<()> {
    let suffix = match args.suffix {
        SuffixArg::Cr => Suffix::Cr,
        SuffixArg::Lf => Suffix::Lf,
        SuffixArg::Crlf => Suffix::CrLf,
        SuffixArg::None => Suffix::None {
            idle_ms: args.idle_ms,
        },
    };
    let config = SerialConfig {
        baud: args.baud,
        suffix,
        aim_ids: args.aim,
        ..SerialConfig::new(&args.port)
    };
    // Fail at once on a wrong path or setting; afterwards the reader reopens a lost port.
    drop(SerialScanner::open(&config)?);
    let (_reader, events) = scanner::spawn_reader(config, ReaderOptions::default())?;
    eprintln!(
        "reading {} at {} baud; scan a code (Ctrl-C ends)",
        args.port, args.baud
    );
    let mut stdout = std::io::stdout().lock();
    let mut scans = 0u64;
    while args.count.is_none_or(|count| scans < count) {
        let Ok(event) = events.recv_timeout(Duration::from_secs(3_600)) else {
            bail!("the scanner reader stopped or nothing was scanned for an hour");
        };
        match event {
            ScannerEvent::Scan(read) => {
                let line = match read.result {
                    Ok(scan) => serde_json::to_string(&scan)?,
                    Err(e) => {
                        serde_json::json!({ "raw": read.raw, "error": e.to_string() }).to_string()
                    }
                };
                writeln!(stdout, "{line}")?;
                stdout.flush()?;
                scans += 1;
            }
            ScannerEvent::Disconnected(why) => eprintln!("scanner lost: {why}; retrying"),
            ScannerEvent::Reconnected => eprintln!("scanner back"),
        }
    }
    Ok(())
}
