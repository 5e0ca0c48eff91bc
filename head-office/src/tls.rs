//! TLS through rustls: the server configuration. The handshake itself runs in the
//! connection's own task, bounded by the header read timeout (see [`crate::server`]).

use std::path::Path;
use std::sync::Arc;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::ServerConfig;

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("{path}: {message}")]
    Pem { path: String, message: String },
    #[error("TLS configuration: {0}")]
    Config(#[from] tokio_rustls::rustls::Error),
}

/// A server configuration from a PEM certificate chain and a PEM private key.
pub fn server_config(cert_path: &Path, key_path: &Path) -> Result<Arc<ServerConfig>, TlsError> {
    let pem_error = |path: &Path, e: &dyn std::fmt::Display| TlsError::Pem {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert_path)
        .map_err(|e| pem_error(cert_path, &e))?
        .collect::<Result<_, _>>()
        .map_err(|e| pem_error(cert_path, &e))?;
    if certs.is_empty() {
        return Err(pem_error(cert_path, &"no certificate in the file"));
    }
    let key = PrivateKeyDer::from_pem_file(key_path).map_err(|e| pem_error(key_path, &e))?;
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(certs, key)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}
