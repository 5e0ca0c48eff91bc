//! The store review's question to head office: every terminal's Z report of a business
//! day. Asked on iced's runtime, so the window never waits for the answer.

use chrono::NaiveDate;
use iced::Task;
use pos_core::data_dir::ServerConfig;
use sync_agent::client::{HeadOfficeClient, Timeouts};
use sync_agent::protocol::DailyClose;

use super::screen::review;
use super::{App, Message};

/// Short: the manager is looking at the screen, and the review shows this till's own
/// closes meanwhile.
const TIMEOUTS: Timeouts = Timeouts {
    connect_timeout_ms: 3_000,
    request_timeout_ms: 10_000,
};

impl App {
    pub(super) fn fetch_store_closes(&mut self, date: NaiveDate) -> Task<Message> {
        let (Some(server), Some(till)) = (self.config.server.clone(), self.till.as_ref()) else {
            return Task::none();
        };
        let store_id = till.identity().store_id.clone();
        Task::perform(ask_store_closes(server, store_id, date), move |result| {
            Message::Review(review::Message::StoreCloses { date, result })
        })
    }
}

pub async fn ask_store_closes(
    server: ServerConfig,
    store_id: String,
    date: NaiveDate,
) -> Result<DailyClose, String> {
    // The client's own timeouts bound the wait.
    let client = HeadOfficeClient::new(&server, TIMEOUTS).map_err(|e| e.to_string())?;
    client
        .daily_close(&store_id, date)
        .await
        .map_err(|e| e.to_string())
}
