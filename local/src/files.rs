//! chat-local's attachment URLs: `PUT` and `GET /files/{group}/{attachment}`, signed by the
//! store (like S3's presigned URLs: no bearer token, valid until they expire). Bodies are
//! streamed to and from the data folder, never held whole in memory.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::put;
use chat_core::domain::message::percent_encode;
use chat_core::embedded::{DownloadQuery, LocalFiles, UploadQuery};
use chat_core::{Error, Result};
use futures_util::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// How much of a file one read takes, streaming a download.
const CHUNK: usize = 64 * 1024;

pub fn router(files: Arc<LocalFiles>) -> Router {
    Router::new()
        .route("/files/{group}/{attachment}", put(upload).get(download))
        .with_state(files)
}

/// Takes exactly the signed number of bytes of the signed type: a longer body is refused
/// (413) as soon as it passes the size, a shorter one when it ends (400); neither leaves a
/// file. A new upload to the same URL replaces the file whole.
async fn upload(
    State(files): State<Arc<LocalFiles>>,
    Path((group, attachment)): Path<(String, String)>,
    Query(query): Query<UploadQuery>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response> {
    let key = format!("{group}/{attachment}");
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let size = files.check_upload(&key, &query, content_type)?;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|length| length > size) {
        return Err(Error::PayloadTooLarge(
            usize::try_from(size).unwrap_or(usize::MAX),
        ));
    }
    let path = files.path_of(&key)?;
    let folder = path
        .parent()
        .ok_or_else(|| Error::internal("a file without a folder"))?;
    tokio::fs::create_dir_all(folder)
        .await
        .map_err(Error::internal)?;
    let partial = path.with_extension(format!("part-{}", uuid::Uuid::now_v7().simple()));
    let outcome = receive(body, &partial, size).await;
    match outcome {
        Ok(()) => {
            tokio::fs::rename(&partial, &path)
                .await
                .map_err(Error::internal)?;
            Ok(StatusCode::OK.into_response())
        }
        Err(error) => {
            let _ = tokio::fs::remove_file(&partial).await;
            Err(error)
        }
    }
}

async fn receive(body: Body, partial: &std::path::Path, size: u64) -> Result<()> {
    let mut file = tokio::fs::File::create(partial)
        .await
        .map_err(Error::internal)?;
    let mut written: u64 = 0;
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| Error::Invalid("the upload was cut short".to_string()))?;
        written += chunk.len() as u64;
        if written > size {
            return Err(Error::PayloadTooLarge(
                usize::try_from(size).unwrap_or(usize::MAX),
            ));
        }
        file.write_all(&chunk).await.map_err(Error::internal)?;
    }
    if written != size {
        return Err(Error::Invalid(format!(
            "the upload must be exactly {size} bytes; it was {written}"
        )));
    }
    file.sync_all().await.map_err(Error::internal)?;
    Ok(())
}

async fn download(
    State(files): State<Arc<LocalFiles>>,
    Path((group, attachment)): Path<(String, String)>,
    Query(query): Query<DownloadQuery>,
) -> Result<Response> {
    let key = format!("{group}/{attachment}");
    files.check_download(&key, &query)?;
    let file = match tokio::fs::File::open(files.path_of(&key)?).await {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::NotFound("no such file".to_string()));
        }
        Err(error) => return Err(Error::internal(error)),
    };
    let length = file.metadata().await.map_err(Error::internal)?.len();
    let chunks = futures_util::stream::unfold(Some(file), |file| async move {
        let mut file = file?;
        let mut buffer = vec![0u8; CHUNK];
        match file.read(&mut buffer).await {
            Ok(0) => None,
            Ok(read) => {
                buffer.truncate(read);
                Some((
                    Ok::<_, std::io::Error>(bytes::Bytes::from(buffer)),
                    Some(file),
                ))
            }
            Err(error) => Some((Err(error), None)),
        }
    });
    let disposition = format!("inline; filename*=UTF-8''{}", percent_encode(&query.name));
    let mut response = Body::from_stream(chunks).into_response();
    let headers = response.headers_mut();
    let value = |text: &str| HeaderValue::from_str(text).map_err(Error::internal);
    headers.insert(header::CONTENT_TYPE, value(&query.content_type)?);
    headers.insert(header::CONTENT_LENGTH, value(&length.to_string())?);
    headers.insert(header::CONTENT_DISPOSITION, value(&disposition)?);
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=300"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    Ok(response)
}
