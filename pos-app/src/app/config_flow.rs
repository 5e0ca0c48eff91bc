//! What set-up and settings lead to: a new till, a changed configuration applied
//! (devices, the sync agent, the wedge's timing), and going on from there.

use super::*;

impl App {
    /// Set-up created the till: the agent starts with this configuration (it may name
    /// a new server), then login.
    pub(super) fn set_up(&mut self, config: AppConfig) -> Task<Message> {
        self.sync = None;
        self.apply_config(config);
        self.go(Go::Login)
    }

    /// Settings were saved: used at once, and the manager is back where they were.
    pub(super) fn config_saved(&mut self, config: AppConfig) -> Task<Message> {
        self.apply_config(config);
        let note = self.i18n.t("settings.saved").to_string();
        let logged_in = self.till.as_ref().and_then(Till::operator).is_some();
        let next = self.go(if logged_in { Go::Sale } else { Go::Login });
        self.banner = Some(Banner {
            level: Level::Info,
            text: note,
        });
        next
    }

    /// Uses a configuration: language, the till's rules, the printer.
    pub(super) fn apply_config(&mut self, config: AppConfig) {
        self.i18n = I18n::new(Language::from_code(&config.language));
        if self.config.wedge != config.wedge {
            self.wedge = WedgeClassifier::new(wedge_config(&config.wedge));
        }
        if let Some(till) = self.till.as_mut() {
            till.set_config(config.till.clone());
        }
        let same_printer = self.config.printer == config.printer && self.printer.is_some();
        if !same_printer {
            self.printer = config
                .printer
                .as_ref()
                .and_then(|p| PrinterWorker::spawn(p, PRINTER_POLL).ok());
            self.status.printer = if self.printer.is_some() {
                PrinterState::Checking
            } else {
                PrinterState::NotConfigured
            };
        }
        self.status.scanner = if config.scanner.is_some() {
            ScannerState::Connected
        } else {
            ScannerState::WedgeOnly
        };
        let same_server = self.config.server == config.server && self.sync.is_some();
        if !same_server {
            // Dropping the old handle stops its thread.
            self.sync = match (&config.server, &self.till) {
                (Some(server), Some(_)) => {
                    Some(subscriptions::Agent::new(sync_agent::SyncHandle::spawn(
                        self.data.path().to_path_buf(),
                        server.clone(),
                        SYNC_INTERVAL,
                    )))
                }
                _ => None,
            };
        }
        self.config = config;
        self.refresh_status();
    }
}
