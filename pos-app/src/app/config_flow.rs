//! Set-up, settings and the operators screen: creating the till, changing and applying
//! its configuration (devices, the sync agent, the wedge's timing), and going back.

use super::*;

impl App {
    pub(super) fn on_setup(&mut self, message: setup::Message) -> Task<Message> {
        let Screen::Setup(state) = &mut self.screen else {
            return Task::none();
        };
        match state.update(message, &self.data, &self.config, self.i18n) {
            setup::Outcome::Stay => Task::none(),
            setup::Outcome::Failed(reason) => self.show(Level::Error, reason),
            setup::Outcome::Ready(till, config) => {
                self.till = Some(*till);
                // Set-up wrote a new server address: the agent starts with this config.
                self.sync = None;
                self.apply_config(*config);
                self.go(Go::Login)
            }
        }
    }

    pub(super) fn on_settings(&mut self, message: settings::Message) -> Task<Message> {
        let Screen::Settings(state) = &mut self.screen else {
            return Task::none();
        };
        let outcome = state.update(message, &self.data);
        self.after_settings(outcome)
    }

    pub(super) fn after_settings(&mut self, outcome: settings::Outcome) -> Task<Message> {
        match outcome {
            settings::Outcome::Stay => Task::none(),
            settings::Outcome::Failed(reason) => {
                let text = self.i18n.t(&reason).to_string();
                self.show(Level::Error, text)
            }
            settings::Outcome::Saved(config) => {
                self.apply_config(*config);
                let note = self.i18n.t("settings.saved").to_string();
                let next = self.leave_settings();
                self.banner = Some(Banner {
                    level: Level::Info,
                    text: note,
                });
                next
            }
            settings::Outcome::Back => self.leave_settings(),
            settings::Outcome::Operators => self.go(Go::Operators),
        }
    }

    /// The operators screen; the cursor moves to the form only when the form changes.
    pub(super) fn on_operators(&mut self, message: operators::Message) -> Task<Message> {
        let refocus = message.moves_focus();
        let acted = self.dispatch(|s, _, ctx| {
            if let Screen::Operators(x) = s {
                x.update(message, ctx)
            } else {
                None
            }
        });
        if refocus {
            Task::batch([acted, self.refocus()])
        } else {
            acted
        }
    }

    pub(super) fn leave_settings(&mut self) -> Task<Message> {
        let logged_in = self.till.as_ref().and_then(Till::operator).is_some();
        self.go(if logged_in { Go::Sale } else { Go::Login })
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
                (Some(server), Some(_)) => Some(sync_agent::SyncHandle::spawn(
                    self.data.path().to_path_buf(),
                    server.clone(),
                    SYNC_INTERVAL,
                )),
                _ => None,
            };
        }
        self.config = config;
        self.refresh_status();
    }
}
