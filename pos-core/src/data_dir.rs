//! A till's data directory: the SQLite file and the configuration file beside it.
//!
//! ```text
//! DATA_DIR/
//!   till.sqlite   the ledger (documents, journal, outbox, catalog)
//!   config.toml   devices, head office, thresholds; edited by a manager
//!   sync.lock     held by whichever process pushes for this till
//! ```

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::till::TillConfig;

/// Where head office is and how this till proves who it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerConfig {
    pub url: String,
    pub token: String,
}

/// Receipt printer: a URI like `tcp://192.168.1.50:9100`, `serial:///dev/ttyUSB0?baud=9600`
/// or `file:///dev/usb/lp0`, and the paper width in millimetres (58 or 80).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrinterConfig {
    pub uri: String,
    #[serde(default = "default_width")]
    pub width_mm: u16,
}

fn default_width() -> u16 {
    80
}

/// A serial barcode scanner; keyboard-wedge scanners need no configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScannerConfig {
    pub port: String,
    #[serde(default = "default_baud")]
    pub baud: u32,
}

fn default_baud() -> u32 {
    9600
}

/// Everything in `config.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AppConfig {
    /// Shown on the receipt header.
    pub store_name: String,
    /// "zh-CN" (default) or "en".
    pub language: String,
    pub server: Option<ServerConfig>,
    pub printer: Option<PrinterConfig>,
    pub scanner: Option<ScannerConfig>,
    /// How a keyboard-wedge scanner's burst is told from typing.
    pub wedge: WedgeTiming,
    pub till: TillConfig,
}

/// Keyboard-wedge timing. Most scanners send a key every 1-10 ms; some Bluetooth ones
/// are slower, which an installer widens here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WedgeTiming {
    /// Longest gap between two keys of a scan (and before its Enter).
    pub max_inter_key_ms: u64,
    /// Fewest characters of a scan; shorter fast bursts stay typed text.
    pub min_length: usize,
}

impl WedgeTiming {
    /// Gaps an installer may set: below 5 ms no scanner keeps up, above 200 ms a
    /// person's fast typing would be taken for a scan.
    pub const GAP_MS: std::ops::RangeInclusive<u64> = 5..=200;
    pub const MIN_LENGTH: std::ops::RangeInclusive<usize> = 1..=20;

    /// The same ranges for a file written by hand or by an installer's script.
    pub fn check(&self) -> Result<(), String> {
        if !Self::GAP_MS.contains(&self.max_inter_key_ms) {
            return Err(format!(
                "wedge.max_inter_key_ms = {} is outside 5-200",
                self.max_inter_key_ms
            ));
        }
        if !Self::MIN_LENGTH.contains(&self.min_length) {
            return Err(format!(
                "wedge.min_length = {} is outside 1-20",
                self.min_length
            ));
        }
        Ok(())
    }
}

impl Default for WedgeTiming {
    /// 45 ms: the app stamps a key when it handles it, not when the keyboard sent it,
    /// so a frame drawn mid-burst stretches one gap; people still type far slower.
    fn default() -> Self {
        WedgeTiming {
            max_inter_key_ms: 45,
            min_length: 4,
        }
    }
}

impl Default for AppConfig {
    fn default() -> Self {
        AppConfig {
            store_name: "医疗器械门店".to_string(),
            language: "zh-CN".to_string(),
            server: None,
            printer: None,
            scanner: None,
            wedge: WedgeTiming::default(),
            till: TillConfig::default(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not a valid till configuration: {message}")]
    Invalid { path: PathBuf, message: String },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// A till's data directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataDir {
    path: PathBuf,
}

impl DataDir {
    pub fn new(path: impl Into<PathBuf>) -> DataDir {
        DataDir { path: path.into() }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn till_path(&self) -> PathBuf {
        self.path.join("till.sqlite")
    }

    pub fn config_path(&self) -> PathBuf {
        self.path.join("config.toml")
    }

    pub fn sync_lock_path(&self) -> PathBuf {
        self.path.join("sync.lock")
    }

    /// The configuration; a missing file means the defaults.
    pub fn load_config(&self) -> Result<AppConfig, ConfigError> {
        let path = self.config_path();
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let config: AppConfig =
                    toml::from_str(&text).map_err(|e| ConfigError::Invalid {
                        path: path.clone(),
                        message: e.to_string(),
                    })?;
                config
                    .wedge
                    .check()
                    .map_err(|message| ConfigError::Invalid { path, message })?;
                Ok(config)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(AppConfig::default()),
            Err(source) => Err(ConfigError::Read { path, source }),
        }
    }

    /// Writes the configuration atomically (temp file + rename), so a crash mid-write
    /// never leaves a half file that would stop the till from starting.
    pub fn save_config(&self, config: &AppConfig) -> Result<(), ConfigError> {
        let path = self.config_path();
        let text = toml::to_string_pretty(config).map_err(|e| ConfigError::Invalid {
            path: path.clone(),
            message: e.to_string(),
        })?;
        let tmp = self.path.join("config.toml.tmp");
        std::fs::create_dir_all(&self.path).map_err(|source| ConfigError::Write {
            path: path.clone(),
            source,
        })?;
        std::fs::write(&tmp, text).map_err(|source| ConfigError::Write {
            path: tmp.clone(),
            source,
        })?;
        std::fs::rename(&tmp, &path).map_err(|source| ConfigError::Write { path, source })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_round_trips_and_defaults_when_missing() {
        let dir = tempfile::tempdir().unwrap();
        let data = DataDir::new(dir.path());
        assert_eq!(data.load_config().unwrap(), AppConfig::default());
        let config = AppConfig {
            server: Some(ServerConfig {
                url: "http://127.0.0.1:8080".into(),
                token: "t".into(),
            }),
            printer: Some(PrinterConfig {
                uri: "tcp://127.0.0.1:9100".into(),
                width_mm: 58,
            }),
            ..AppConfig::default()
        };
        data.save_config(&config).unwrap();
        assert_eq!(data.load_config().unwrap(), config);
    }

    #[test]
    fn a_corrupt_config_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let data = DataDir::new(dir.path());
        std::fs::write(data.config_path(), "store_name = [unclosed").unwrap();
        let err = data.load_config().unwrap_err();
        assert!(err.to_string().contains("config.toml"), "{err}");
    }

    #[test]
    fn wedge_timing_out_of_range_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let data = DataDir::new(dir.path());
        for (text, field) in [
            ("[wedge]\nmax_inter_key_ms = 2000\n", "max_inter_key_ms"),
            ("[wedge]\nmin_length = 0\n", "min_length"),
        ] {
            std::fs::write(data.config_path(), text).unwrap();
            let err = data.load_config().unwrap_err();
            assert!(
                matches!(err, ConfigError::Invalid { .. }) && err.to_string().contains(field),
                "{err}"
            );
        }
        std::fs::write(data.config_path(), "[wedge]\nmax_inter_key_ms = 80\n").unwrap();
        assert_eq!(data.load_config().unwrap().wedge.max_inter_key_ms, 80);
    }

    /// A configuration written by this version must stay readable by later ones.
    #[test]
    fn reads_the_v1_fixture() {
        let text = include_str!("../tests/fixtures/config_v1.toml");
        let config: AppConfig = toml::from_str(text).unwrap();
        assert_eq!(config.printer.unwrap().width_mm, 58);
        assert_eq!(config.till.near_expiry_warn_days, 30);
    }
}
