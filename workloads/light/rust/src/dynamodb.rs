//! A minimal DynamoDB JSON API client (protocol awsJson1_0 over HTTPS, SigV4 signed): one POST per
//! operation, credentials, region and endpoint from the standard environment (Lambda's, or the
//! local engine's AWS_ENDPOINT_URL_DYNAMODB). Throttling and 5xx answers are retried up to 3 times
//! with backoff, as the AWS SDKs' standard retry mode does.
use crate::sigv4::{amz_date, authorization, Credentials, Request};
use lambda_loop::BoxError;
use serde_json::Value;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const MAX_ATTEMPTS: u32 = 3;

pub struct DynamoDb {
    agent: ureq::Agent,
    url: String,
    host: String,
    region: String,
    credentials: Credentials,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}

impl DynamoDb {
    pub fn from_env() -> Result<DynamoDb, BoxError> {
        let region = env("AWS_REGION").or_else(|| env("AWS_DEFAULT_REGION")).ok_or("AWS_REGION is not set")?;
        let url = env("AWS_ENDPOINT_URL_DYNAMODB")
            .or_else(|| env("AWS_ENDPOINT_URL"))
            .unwrap_or_else(|| format!("https://dynamodb.{region}.amazonaws.com"));
        let url = url.trim_end_matches('/').to_string();
        let authority = url.split_once("://").map(|(_, rest)| rest).ok_or_else(|| format!("endpoint {url} has no scheme"))?;
        if authority.contains('/') {
            return Err(format!("endpoint {url} must not have a path").into());
        }
        // The Host header is signed, so it must be exactly what is sent: no default port in it.
        let host = authority.trim_end_matches(":443").trim_end_matches(":80").to_string();
        let credentials = Credentials {
            access_key_id: env("AWS_ACCESS_KEY_ID").ok_or("AWS_ACCESS_KEY_ID is not set")?,
            secret_access_key: env("AWS_SECRET_ACCESS_KEY").ok_or("AWS_SECRET_ACCESS_KEY is not set")?,
            session_token: env("AWS_SESSION_TOKEN"),
        };
        let agent = ureq::AgentBuilder::new().timeout(Duration::from_secs(10)).build();
        Ok(DynamoDb { agent, url: format!("{url}/"), host, region, credentials })
    }

    /// Calls `operation` (e.g. "BatchWriteItem") with `body`; returns the JSON answer.
    pub fn call(&self, operation: &str, body: &Value) -> Result<Value, BoxError> {
        let payload = body.to_string();
        for attempt in 1..=MAX_ATTEMPTS {
            let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
            let date = amz_date(now);
            let mut headers = vec![
                ("content-type", "application/x-amz-json-1.0".to_string()),
                ("host", self.host.clone()),
                ("x-amz-date", date.clone()),
                ("x-amz-target", format!("DynamoDB_20120810.{operation}")),
            ];
            if let Some(token) = &self.credentials.session_token {
                headers.push(("x-amz-security-token", token.clone()));
            }
            let request = Request { method: "POST", canonical_path: "/", canonical_query: "", headers: &headers, payload: payload.as_bytes() };
            let signed = authorization(&request, &self.credentials, &self.region, "dynamodb", &date);
            let mut http = self.agent.post(&self.url).set("authorization", &signed);
            for (name, value) in &headers {
                http = http.set(name, value);
            }
            match http.send_string(&payload) {
                Ok(response) => return Ok(serde_json::from_str(&response.into_string()?)?),
                Err(ureq::Error::Status(status, response)) => {
                    let text = response.into_string().unwrap_or_default();
                    let retryable = status >= 500 || text.contains("ThrottlingException") || text.contains("ProvisionedThroughputExceeded");
                    if !retryable || attempt == MAX_ATTEMPTS {
                        return Err(format!("DynamoDB {operation} answered {status}: {text}").into());
                    }
                }
                Err(error) if attempt == MAX_ATTEMPTS => return Err(format!("DynamoDB {operation}: {error}").into()),
                Err(_) => {}
            }
            std::thread::sleep(Duration::from_millis(50 << attempt));
        }
        unreachable!("the last attempt returns")
    }
}
