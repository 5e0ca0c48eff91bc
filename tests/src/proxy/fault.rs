//! The faults the proxy can inject into one request, and plans that choose them.

use std::collections::{BTreeMap, VecDeque};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// What happens to one request on its way to head office and back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Fault {
    /// Passed on untouched.
    Pass,
    /// Passed on after `ms` milliseconds (a slow line).
    Delay { ms: u64 },
    /// The connection drops before anything reaches head office.
    DropBeforeServer,
    /// Half the request reaches head office, then the connection drops.
    DropMidRequest,
    /// Head office handles the request; its answer is lost.
    LoseResponse,
    /// Head office handles the request; half its answer arrives, then the line drops.
    TruncateResponse,
    /// A 500 answer; head office never sees the request.
    ServerError,
    /// Head office handles the request, yet the till gets a 500.
    ServerErrorAfterServer,
    /// A 429 with `Retry-After: retry_after_secs`; head office never sees the request.
    TooManyRequests { retry_after_secs: u32 },
    /// No answer at all until the till gives up.
    Stall,
    /// Head office handles the request; the answer never comes.
    StallAfterServer,
    /// The request reaches head office twice; the till gets the second answer.
    SendTwice,
}

impl Fault {
    pub fn name(&self) -> &'static str {
        match self {
            Fault::Pass => "pass",
            Fault::Delay { .. } => "delay",
            Fault::DropBeforeServer => "drop_before_server",
            Fault::DropMidRequest => "drop_mid_request",
            Fault::LoseResponse => "lose_response",
            Fault::TruncateResponse => "truncate_response",
            Fault::ServerError => "server_error",
            Fault::ServerErrorAfterServer => "server_error_after_server",
            Fault::TooManyRequests { .. } => "too_many_requests",
            Fault::Stall => "stall",
            Fault::StallAfterServer => "stall_after_server",
            Fault::SendTwice => "send_twice",
        }
    }

    /// Every fault that breaks a request (not `Pass` or `Delay`).
    pub fn all_breaking(retry_after_secs: u32) -> Vec<Fault> {
        vec![
            Fault::DropBeforeServer,
            Fault::DropMidRequest,
            Fault::LoseResponse,
            Fault::TruncateResponse,
            Fault::ServerError,
            Fault::ServerErrorAfterServer,
            Fault::TooManyRequests { retry_after_secs },
            Fault::Stall,
            Fault::StallAfterServer,
            Fault::SendTwice,
        ]
    }
}

/// What the proxy knows of a request when it chooses a fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestInfo {
    pub method: String,
    pub path: String,
    /// The last characters of the bearer token: which till is asking.
    pub client: String,
}

/// Chooses a fault per request.
pub type Plan = Box<dyn FnMut(&RequestInfo) -> Fault + Send>;

/// Every request passes.
pub fn pass() -> Plan {
    Box::new(|_| Fault::Pass)
}

/// The listed faults, one per request in order, then `Pass`.
pub fn scripted(faults: impl IntoIterator<Item = Fault>) -> Plan {
    let mut queue: VecDeque<Fault> = faults.into_iter().collect();
    Box::new(move |_| queue.pop_front().unwrap_or(Fault::Pass))
}

/// `percent` of the requests get one of `faults`, chosen by a seeded generator; each
/// fault at most `per_fault_max` times (so slow ones such as 429s stay few).
pub fn random(seed: u64, percent: u32, faults: Vec<Fault>, per_fault_max: u64) -> Plan {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut used: BTreeMap<Fault, u64> = BTreeMap::new();
    Box::new(move |_| {
        if faults.is_empty() || rng.random_range(0..100) >= percent {
            return Fault::Pass;
        }
        let fault = faults[rng.random_range(0..faults.len())];
        let count = used.entry(fault).or_default();
        if *count >= per_fault_max {
            return Fault::Pass;
        }
        *count += 1;
        fault
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info() -> RequestInfo {
        RequestInfo {
            method: "POST".into(),
            path: "/v1/batches".into(),
            client: "abcd".into(),
        }
    }

    #[test]
    fn a_script_runs_out_into_passing() {
        let mut plan = scripted([Fault::ServerError, Fault::Stall]);
        let got: Vec<Fault> = (0..4).map(|_| plan(&info())).collect();
        assert_eq!(
            got,
            vec![Fault::ServerError, Fault::Stall, Fault::Pass, Fault::Pass]
        );
    }

    #[test]
    fn random_faults_keep_to_the_rate_and_the_cap() {
        let mut plan = random(7, 50, Fault::all_breaking(1), 20);
        let got: Vec<Fault> = (0..1_000).map(|_| plan(&info())).collect();
        let broken = got.iter().filter(|f| **f != Fault::Pass).count();
        assert!(
            (150..=200).contains(&broken),
            "{broken} broken of 1000 with 10 kinds capped at 20"
        );
        for kind in Fault::all_breaking(1) {
            let n = got.iter().filter(|f| **f == kind).count();
            assert!((1..=20).contains(&n), "{kind:?}: {n}");
        }
    }
}
