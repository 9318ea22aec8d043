//! chat-local's accept loop: what `axum::serve` does, plus what a server facing slow or
//! hostile clients needs. At most `max_connections` HTTP connections at once (the next waits
//! in the kernel's backlog; a connection upgraded to a WebSocket leaves the count once open); a client that takes longer than [`Timeouts::header_read`] to send a request's
//! headers, or stays idle that long between requests, is disconnected; one whose body takes
//! longer than [`Timeouts::body_read`] gets 408.

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use chat_core::http::BodyReadTimeout;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tower::ServiceExt;

/// How long a client may take: to send a request's headers (and to start the next request on
/// a kept-alive connection), and to send a body once its headers are in.
#[derive(Clone, Copy, Debug)]
pub struct Timeouts {
    pub header_read: Duration,
    pub body_read: Duration,
}

/// How long shutdown waits for requests in flight (polls are woken by the store first).
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Serves `app` on `listener` until `shutdown` resolves, then lets open requests finish.
pub async fn serve(
    listener: TcpListener,
    app: axum::Router,
    max_connections: usize,
    timeouts: Timeouts,
    shutdown: impl Future<Output = ()>,
) {
    let max_connections = max_connections.clamp(1, Semaphore::MAX_PERMITS) as u32;
    let permits = Arc::new(Semaphore::new(max_connections as usize));
    let (stopping, stop) = watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors, say: wait a little rather than spin.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        // The peer's address goes with each request: failed log-ins are limited per address.
        let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            request
                .extensions_mut()
                .insert(BodyReadTimeout(timeouts.body_read));
            let app = app.clone();
            async move {
                Ok::<_, Infallible>(
                    app.oneshot(request.map(axum::body::Body::new))
                        .await
                        .unwrap_or_else(|never| match never {}),
                )
            }
        });
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(timeouts.header_read)
            .serve_connection(TokioIo::new(stream), service)
            .with_upgrades();
        let mut stop = stop.clone();
        tokio::spawn(async move {
            tokio::pin!(connection);
            let ended = tokio::select! {
                ended = connection.as_mut() => ended,
                () = async { let _ = stop.wait_for(|stopping| *stopping).await; } => {
                    // Finish the request in flight, then close.
                    connection.as_mut().graceful_shutdown();
                    connection.await
                }
            };
            if let Err(error) = ended {
                tracing::debug!(%error, %peer, "connection ended with an error");
            }
            drop(permit);
        });
    }
    drop(listener);
    let _ = stopping.send(true);
    // Every connection gives its permit back when it ends.
    let all_closed = permits.acquire_many(max_connections);
    if tokio::time::timeout(SHUTDOWN_GRACE, all_closed)
        .await
        .is_err()
    {
        tracing::warn!("connections still open after the grace period: stopping anyway");
    }
}
