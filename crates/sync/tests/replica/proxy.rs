//! A loopback HTTP proxy in front of the district server that loses what it carries, once, on
//! the request whose path starts with the armed prefix: the request cut before it reaches the
//! server, the server's reply dropped after the server committed, the reply truncated, or the
//! reply delayed. Every request travels on a connection of its own (the proxy asks the server
//! to close, and says so to the client), so a fault hits exactly the request it was armed for.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The request never reaches the server: the client's connection is closed unanswered.
    CutRequest,
    /// The server gets the request and answers; the answer is thrown away.
    DropReply,
    /// Half of the server's answer arrives, then the connection closes.
    Truncate,
    /// The answer arrives two seconds late.
    Delay,
}

pub struct Proxy {
    pub base: String,
    armed: Arc<Mutex<Option<(Fault, String)>>>,
    pub faults_fired: Arc<Mutex<Vec<(Fault, String)>>>,
}

impl Proxy {
    /// Listens on a free loopback port and forwards to `upstream` (`http://127.0.0.1:PORT`).
    pub fn start(upstream: &str) -> Proxy {
        let upstream = upstream.trim_start_matches("http://").to_string();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let armed: Arc<Mutex<Option<(Fault, String)>>> = Arc::new(Mutex::new(None));
        let fired = Arc::new(Mutex::new(Vec::new()));
        let (a, f) = (armed.clone(), fired.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let (a, f, up) = (a.clone(), f.clone(), upstream.clone());
                std::thread::spawn(move || {
                    let _ = serve_one(conn, &up, &a, &f);
                });
            }
        });
        Proxy { base, armed, faults_fired: fired }
    }

    /// The next request whose path starts with `prefix` suffers `fault`, once.
    pub fn arm(&self, fault: Fault, prefix: &str) {
        *self.armed.lock().unwrap() = Some((fault, prefix.to_string()));
    }

    pub fn disarm(&self) {
        *self.armed.lock().unwrap() = None;
    }
}

fn serve_one(
    client: TcpStream,
    upstream: &str,
    armed: &Mutex<Option<(Fault, String)>>,
    fired: &Mutex<Vec<(Fault, String)>>,
) -> std::io::Result<()> {
    client.set_read_timeout(Some(Duration::from_secs(20)))?;
    let mut reader = BufReader::new(client.try_clone()?);
    // The request head, line by line, then its body by Content-Length.
    let mut head = Vec::new();
    let mut length = 0usize;
    let mut path = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        if path.is_empty() {
            path = line.split_whitespace().nth(1).unwrap_or("").to_string();
        }
        let lower = line.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
        if line == "\r\n" {
            break;
        }
        if !lower.starts_with("connection:") {
            head.extend_from_slice(line.as_bytes());
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;

    let fault = {
        let mut a = armed.lock().unwrap();
        match a.as_ref() {
            Some((fault, prefix)) if path.starts_with(prefix.as_str()) => {
                let fault = *fault;
                *a = None;
                fired.lock().unwrap().push((fault, path.clone()));
                Some(fault)
            }
            _ => None,
        }
    };
    let mut client = client;
    if fault == Some(Fault::CutRequest) {
        return client.shutdown(std::net::Shutdown::Both);
    }
    let mut server = TcpStream::connect(upstream)?;
    server.write_all(&head)?;
    server.write_all(b"connection: close\r\n\r\n")?;
    server.write_all(&body)?;
    let mut reply = Vec::new();
    server.read_to_end(&mut reply)?;
    match fault {
        Some(Fault::DropReply) => client.shutdown(std::net::Shutdown::Both),
        Some(Fault::Truncate) => {
            client.write_all(&reply[..reply.len() / 2])?;
            client.shutdown(std::net::Shutdown::Both)
        }
        Some(Fault::Delay) => {
            std::thread::sleep(Duration::from_secs(2));
            client.write_all(&reply)
        }
        _ => client.write_all(&reply),
    }
}
