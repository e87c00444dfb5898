//! The HTTP face: thin axum handlers that check the protocol version, read the body within the
//! size limit, authenticate the device by its request signature and hand over to the `Store`
//! on a blocking thread. Endpoints and shapes: docs/server.md.

use std::sync::Arc;

use axum::body::to_bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::Utc;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use crate::error::{Result, ServerError};
use crate::protocol::*;
use crate::sign::{public_key, request_message, verify};
use crate::store::{with_server_key, DeviceRow, Store};
use taizhang_core::Actor;

type Shared = Arc<dyn Store>;

pub fn router(store: Shared) -> Router {
    Router::new()
        .route("/v1/health", get(health))
        .route("/v1/join", post(join))
        .route("/v1/device", get(device))
        .route("/v1/push", post(push))
        .route("/v1/pull", get(pull))
        .route("/v1/devices", get(devices))
        .route("/v1/devices/decide", post(decide_device))
        .route("/v1/attachments/missing", post(attachments_missing))
        .route("/v1/attachments", post(attachment_upload))
        .route("/v1/attachments/{sha256}", get(attachment_download))
        .with_state(store)
}

/// Serves until the listener fails or the process is stopped.
pub async fn serve(listener: tokio::net::TcpListener, store: Shared) -> std::io::Result<()> {
    axum::serve(listener, router(store)).await
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f).await.map_err(|e| ServerError::Internal(e.to_string()))?
}

/// The client's protocol: a newer one is refused before anything else is read.
fn check_protocol(headers: &HeaderMap) -> Result<()> {
    let v = headers
        .get(PROTOCOL_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u32>().ok())
        .ok_or_else(|| ServerError::malformed(format!("missing or unreadable {PROTOCOL_HEADER} header")))?;
    if v > PROTOCOL_VERSION {
        return Err(ServerError::ProtocolNewer { client: v, server: PROTOCOL_VERSION });
    }
    Ok(())
}

/// The request's protocol, then its body read whole within `MAX_BODY` (reading stops at the
/// limit, so an oversized body is refused after at most `MAX_BODY` bytes).
async fn read(req: Request) -> Result<(Method, String, HeaderMap, Vec<u8>)> {
    read_within(req, MAX_BODY).await
}

async fn read_within(req: Request, max: usize) -> Result<(Method, String, HeaderMap, Vec<u8>)> {
    let (parts, body) = req.into_parts();
    check_protocol(&parts.headers)?;
    let bytes = to_bytes(body, max).await.map_err(|_| ServerError::BodyTooLarge { max })?;
    let path = parts.uri.path_and_query().map_or_else(|| parts.uri.path().to_string(), |p| p.as_str().to_string());
    Ok((parts.method, path, parts.headers, bytes.to_vec()))
}

fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T> {
    serde_json::from_slice(body).map_err(|e| ServerError::malformed(e.to_string()))
}

/// The device a request comes from, by its signature over method, path and body. A pending
/// device may ask its state only; a revoked one may push (its events are stored flagged) but
/// not pull.
async fn authenticate(
    store: &Shared,
    method: &Method,
    path: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<DeviceRow> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    let id = header(DEVICE_HEADER).ok_or(ServerError::BadSignature)?;
    let sig = header(SIGNATURE_HEADER).ok_or(ServerError::BadSignature)?;
    let s = store.clone();
    let lookup = id.clone();
    let device = blocking(move || s.device(&lookup)).await?.ok_or(ServerError::UnknownDevice { device: id })?;
    if device.kind != "desktop" {
        return Err(ServerError::BadSignature);
    }
    let key = public_key(&device.key_alg, &device.public_key)?;
    if !verify(&key, &request_message(method.as_str(), path, body), &sig) {
        return Err(ServerError::BadSignature);
    }
    Ok(device)
}

async fn health() -> Json<Value> {
    Json(json!({ "protocol": PROTOCOL_VERSION }))
}

async fn join(State(store): State<Shared>, req: Request) -> Result<Json<DeviceReply>> {
    let (_, _, _, body) = read(req).await?;
    let join: JoinRequest = parse(&body)?;
    Ok(Json(blocking(move || with_server_key(&*store, store.join(&join, Utc::now())?)).await?))
}

async fn device(State(store): State<Shared>, req: Request) -> Result<Json<DeviceReply>> {
    let (method, path, headers, body) = read(req).await?;
    let d = authenticate(&store, &method, &path, &headers, &body).await?;
    Ok(Json(blocking(move || with_server_key(&*store, d.reply())).await?))
}

async fn push(State(store): State<Shared>, req: Request) -> Result<Json<PushReply>> {
    let (method, path, headers, body) = read(req).await?;
    let d = authenticate(&store, &method, &path, &headers, &body).await?;
    let push: PushRequest = parse(&body)?;
    if push.events.len() > MAX_BATCH {
        return Err(ServerError::BatchTooLarge { count: push.events.len(), max: MAX_BATCH });
    }
    Ok(Json(blocking(move || store.push(&d, &push.events, Utc::now())).await?))
}

async fn pull(State(store): State<Shared>, req: Request) -> Result<Json<PullReply>> {
    let query = req.uri().query().unwrap_or("").to_string();
    let (method, path, headers, body) = read(req).await?;
    let d = authenticate(&store, &method, &path, &headers, &body).await?;
    match d.state.as_str() {
        "approved" => {}
        "pending" => return Err(ServerError::DevicePending { device: d.id }),
        _ => return Err(ServerError::DeviceRevoked { device: d.id }),
    }
    let (cursor, limit) = pull_query(&query)?;
    Ok(Json(blocking(move || store.pull(&d, cursor, limit)).await?))
}

/// The office's device list and decisions, from the office's own approved desktop: the
/// request's device authenticates it, the core decides whether its user may act at all
/// (`actor_may_act`) and may decide devices (`may_decide_devices`), and the decision is
/// recorded with that user's login.
async fn office_device(store: &Shared, req: Request) -> Result<(String, Vec<u8>)> {
    let (_, actor, _, body) = approved(store, req, MAX_BODY).await?;
    taizhang_core::workflow::may_decide_devices(&actor.user)?;
    Ok((actor.user.login, body))
}

async fn devices(State(store): State<Shared>, req: Request) -> Result<Json<Vec<DeviceListing>>> {
    office_device(&store, req).await?;
    let all = blocking(move || store.devices()).await?;
    Ok(Json(all.iter().filter(|d| d.kind == "desktop").map(DeviceRow::listing).collect()))
}

async fn decide_device(State(store): State<Shared>, req: Request) -> Result<Json<DeviceListing>> {
    let (login, body) = office_device(&store, req).await?;
    let decision: DeviceDecision = parse(&body)?;
    let d = blocking(move || store.decide_device(&decision.device_id, decision.approve, &login, Utc::now())).await?;
    Ok(Json(d.listing()))
}

/// An approved device's request whose user may act, authenticated, its body read within `max`:
/// the device, its user with their unit, the path and the body.
async fn approved(store: &Shared, req: Request, max: usize) -> Result<(DeviceRow, Actor, String, Vec<u8>)> {
    let (method, path, headers, body) = read_within(req, max).await?;
    let d = authenticate(store, &method, &path, &headers, &body).await?;
    match d.state.as_str() {
        "approved" => {}
        "pending" => return Err(ServerError::DevicePending { device: d.id }),
        _ => return Err(ServerError::DeviceRevoked { device: d.id }),
    }
    // Who may not act (user or unit inactive) reads and sends nothing, as for a pull.
    let s = store.clone();
    let user_id = d.user_id.clone().unwrap_or_default();
    let actor = blocking(move || s.actor(&user_id)).await?.ok_or(ServerError::BadSignature)?;
    taizhang_core::workflow::actor_may_act(&actor)?;
    Ok((d, actor, path, body))
}

/// Which of the files named the server lacks (docs/attachments.md).
async fn attachments_missing(State(store): State<Shared>, req: Request) -> Result<Json<AttachmentMissing>> {
    let (_, _, _, body) = approved(&store, req, MAX_BODY).await?;
    let query: AttachmentQuery = parse(&body)?;
    if query.sha256.len() > MAX_ATTACHMENT_QUERY {
        return Err(ServerError::BatchTooLarge { count: query.sha256.len(), max: MAX_ATTACHMENT_QUERY });
    }
    Ok(Json(AttachmentMissing { missing: blocking(move || store.missing_attachments(&query.sha256)).await? }))
}

/// A file uploaded before the events naming it are pushed.
async fn attachment_upload(State(store): State<Shared>, req: Request) -> Result<Json<Value>> {
    let (d, _, _, body) = approved(&store, req, MAX_ATTACHMENT_BODY).await?;
    let file: AttachmentFile = parse(&body)?;
    blocking(move || store.put_attachment(&d, &file, Utc::now())).await?;
    Ok(Json(json!({ "ok": true })))
}

/// A file an event the device may see names.
async fn attachment_download(State(store): State<Shared>, req: Request) -> Result<Json<AttachmentFile>> {
    let (d, _, path, _) = approved(&store, req, MAX_BODY).await?;
    let sha256 = path.rsplit('/').next().unwrap_or_default().to_string();
    Ok(Json(blocking(move || store.attachment(&d, &sha256)).await?))
}

/// `after`, `after_event` (defaults to `after`) and `limit` from the query string.
fn pull_query(query: &str) -> Result<(Cursor, i64)> {
    let mut after = 0i64;
    let mut after_event = None;
    let mut limit = DEFAULT_PAGE;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let n: i64 = v.parse().map_err(|_| ServerError::malformed(format!("{k} is not a number")))?;
        if n < 0 {
            return Err(ServerError::malformed(format!("{k} is negative")));
        }
        match k {
            "after" => after = n,
            "after_event" => after_event = Some(n),
            "limit" => limit = n,
            _ => return Err(ServerError::malformed(format!("unknown parameter {k}"))),
        }
    }
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(ServerError::malformed(format!("limit must be 1 to {MAX_PAGE}")));
    }
    Ok((Cursor { after, after_event: after_event.unwrap_or(after) }, limit))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pull_query_reads_and_refuses() {
        assert_eq!(pull_query("").unwrap(), (Cursor { after: 0, after_event: 0 }, DEFAULT_PAGE));
        assert_eq!(pull_query("after=5&limit=2").unwrap(), (Cursor { after: 5, after_event: 5 }, 2));
        assert_eq!(pull_query("after=5&after_event=3").unwrap().0, Cursor { after: 5, after_event: 3 });
        assert!(pull_query("after=x").is_err());
        assert!(pull_query("after=-1").is_err());
        assert!(pull_query("limit=0").is_err());
        assert!(pull_query("limit=100000").is_err());
        assert!(pull_query("bogus=1").is_err());
    }
}
