//! The blocking HTTP client of the district server's protocol (docs/server.md, "Protocol").
//! TLS is `taizhang-tls`'s: a pinned certificate, or the CA roots; plain HTTP only to a
//! loopback address. A server that cannot be reached is `sync.offline`; a server's error
//! reply keeps its code; a server of an older protocol than ours is `sync.protocol_too_new`.

use std::time::Duration;

use base64::Engine;

use serde::de::DeserializeOwned;
use taizhang_protocol::sign::{request_message, sign_hex, SigningKey};
use taizhang_protocol::*;
use taizhang_tls::Fingerprint;

use crate::error::{Result, SyncError};

pub struct Client {
    base: String,
    agent: ureq::Agent,
    /// The protocol this client says it speaks (tests pretend to be a newer client).
    pub protocol: u32,
}

/// A device's identity for signed requests.
pub struct Signer<'a> {
    pub device_id: &'a str,
    pub key: &'a SigningKey,
}

/// Whether `url`'s host is this machine (`localhost`, `127.0.0.0/8`, `[::1]`).
fn is_loopback_url(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => authority.rsplit_once(':').map_or(authority, |(h, _)| h),
    };
    host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

impl Client {
    /// A client of the server at `url` (`https://…`, or `http://` to this machine only).
    pub fn new(url: &str, pin: Option<&Fingerprint>) -> Result<Client> {
        let base = url.trim().trim_end_matches('/').to_string();
        let lower = base.to_ascii_lowercase();
        if lower.starts_with("http://") {
            if !is_loopback_url(&base) {
                return Err(SyncError::PlainHttpOffLoopback { url: base });
            }
        } else if !lower.starts_with("https://") {
            return Err(SyncError::BadUrl { url: base });
        }
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(10)))
            .timeout_global(Some(Duration::from_secs(120)))
            .build();
        Ok(Client { base, agent: taizhang_tls::ureq_agent_with(config, pin), protocol: PROTOCOL_VERSION })
    }

    pub fn url(&self) -> &str {
        &self.base
    }

    pub fn join(&self, req: &JoinRequest) -> Result<DeviceReply> {
        let body = serde_json::to_vec(req).map_err(|e| SyncError::BadReply { reason: e.to_string() })?;
        self.send("POST", "/v1/join", None, Some(body))
    }

    pub fn device(&self, who: &Signer<'_>) -> Result<DeviceReply> {
        self.send("GET", "/v1/device", Some(who), None)
    }

    pub fn push(&self, who: &Signer<'_>, events: &[WireEvent]) -> Result<PushReply> {
        let body = serde_json::to_vec(&serde_json::json!({ "events": events }))
            .map_err(|e| SyncError::BadReply { reason: e.to_string() })?;
        self.send("POST", "/v1/push", Some(who), Some(body))
    }

    pub fn pull(&self, who: &Signer<'_>, cursor: Cursor, limit: i64) -> Result<PullReply> {
        let path = format!("/v1/pull?after={}&after_event={}&limit={limit}", cursor.after, cursor.after_event);
        self.send("GET", &path, Some(who), None)
    }

    /// The district's desktops (the office's own approved device only).
    pub fn devices(&self, who: &Signer<'_>) -> Result<Vec<DeviceListing>> {
        self.send("GET", "/v1/devices", Some(who), None)
    }

    /// Approves or revokes a desktop (the office's own approved device only).
    pub fn decide_device(&self, who: &Signer<'_>, decision: &DeviceDecision) -> Result<DeviceListing> {
        let body = serde_json::to_vec(decision).map_err(|e| SyncError::BadReply { reason: e.to_string() })?;
        self.send("POST", "/v1/devices/decide", Some(who), Some(body))
    }

    /// Which of these files the server lacks (docs/attachments.md).
    pub fn missing_attachments(&self, who: &Signer<'_>, sha256: Vec<String>) -> Result<Vec<String>> {
        let body = serde_json::to_vec(&AttachmentQuery { sha256 })
            .map_err(|e| SyncError::BadReply { reason: e.to_string() })?;
        let reply: AttachmentMissing = self.send("POST", "/v1/attachments/missing", Some(who), Some(body))?;
        Ok(reply.missing)
    }

    /// Uploads a file before the events naming it are pushed.
    pub fn upload_attachment(&self, who: &Signer<'_>, sha256: &str, media_type: &str, bytes: &[u8]) -> Result<()> {
        let file = AttachmentFile {
            sha256: sha256.to_string(),
            media_type: media_type.to_string(),
            data: base64::engine::general_purpose::STANDARD.encode(bytes),
        };
        let body = serde_json::to_vec(&file).map_err(|e| SyncError::BadReply { reason: e.to_string() })?;
        let _: serde_json::Value = self.send("POST", "/v1/attachments", Some(who), Some(body))?;
        Ok(())
    }

    /// A file an event this device may see names.
    pub fn download_attachment(&self, who: &Signer<'_>, sha256: &str) -> Result<Vec<u8>> {
        let file: AttachmentFile = self.send("GET", &format!("/v1/attachments/{sha256}"), Some(who), None)?;
        base64::engine::general_purpose::STANDARD
            .decode(&file.data)
            .map_err(|e| SyncError::BadReply { reason: format!("attachment data: {e}") })
    }

    fn send<T: DeserializeOwned>(
        &self,
        method: &str,
        path: &str,
        who: Option<&Signer<'_>>,
        body: Option<Vec<u8>>,
    ) -> Result<T> {
        let url = format!("{}{path}", self.base);
        let mut headers = vec![(PROTOCOL_HEADER, self.protocol.to_string())];
        if let Some(w) = who {
            let sig = sign_hex(w.key, &request_message(method, path, body.as_deref().unwrap_or(b"")));
            headers.push((DEVICE_HEADER, w.device_id.to_string()));
            headers.push((SIGNATURE_HEADER, sig));
        }
        let result = if method == "GET" {
            let mut r = self.agent.get(&url);
            for (k, v) in &headers {
                r = r.header(*k, v);
            }
            r.call()
        } else {
            let mut r = self.agent.post(&url).header("content-type", "application/json");
            for (k, v) in &headers {
                r = r.header(*k, v);
            }
            r.send(body.unwrap_or_default())
        };
        let mut resp = result.map_err(|e| self.transport_error(e))?;
        let status = resp.status().as_u16();
        let text = resp
            .body_mut()
            .with_config()
            .limit(MAX_BODY as u64 * 4)
            .read_to_string()
            .map_err(|e| self.transport_error(e))?;
        if status == 200 {
            return serde_json::from_str(&text).map_err(|e| SyncError::BadReply { reason: e.to_string() });
        }
        let v: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|_| serde_json::json!({}));
        let code = v["code"].as_str().unwrap_or("").to_string();
        if status == 426 || code == "sync.protocol_newer" {
            let server = v["server"].as_u64().unwrap_or(0) as u32;
            return Err(SyncError::ProtocolTooNew { url: self.base.clone(), client: self.protocol, server });
        }
        if code.is_empty() {
            return Err(SyncError::BadReply {
                reason: format!("HTTP {status}: {}", text.chars().take(200).collect::<String>()),
            });
        }
        let message = v["message"].as_str().unwrap_or(&code).to_string();
        let mut fields = v;
        if let Some(m) = fields.as_object_mut() {
            m.remove("code");
            m.remove("message");
        }
        Err(SyncError::Server { code, message, fields })
    }

    /// A failure before any reply: TLS (its own code), or the server out of reach.
    fn transport_error(&self, e: ureq::Error) -> SyncError {
        if let Some(t) = taizhang_tls::tls_error(&e) {
            return SyncError::Tls(t.clone());
        }
        SyncError::Offline { url: self.base.clone(), reason: e.to_string() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use taizhang_core::coded::Coded;

    #[test]
    fn plain_http_only_to_this_machine() {
        assert!(Client::new("http://127.0.0.1:7878", None).is_ok());
        assert!(Client::new("http://localhost:7878/", None).is_ok());
        assert!(Client::new("http://[::1]:7878", None).is_ok());
        assert_eq!(Client::new("http://10.0.0.5:7878", None).err().unwrap().code(), "sync.plain_http_off_loopback");
        assert_eq!(
            Client::new("http://127.0.0.1.example:7878", None).err().unwrap().code(),
            "sync.plain_http_off_loopback"
        );
        assert_eq!(Client::new("ftp://x", None).err().unwrap().code(), "sync.bad_url");
        assert!(Client::new("https://district.example:7878", None).is_ok());
    }

    #[test]
    fn a_server_that_is_down_is_offline() {
        // A port just bound and released: nothing listens there.
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let c = Client::new(&format!("http://127.0.0.1:{port}"), None).unwrap();
        let key = taizhang_protocol::sign::signing_key(&[1; 32]);
        let e = c.device(&Signer { device_id: "d", key: &key }).unwrap_err();
        assert_eq!(e.code(), "sync.offline");
    }
}
