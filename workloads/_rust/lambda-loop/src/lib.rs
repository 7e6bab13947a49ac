//! The Lambda Runtime API (2018-06-01) as a blocking loop, for `provided.al2023` bootstraps:
//! init once, then GET /invocation/next -> handler -> POST response or error; an init failure is
//! posted to /init/error. Also the result every matrix workload returns. Written here because
//! Debian packages no Lambda runtime crate; it speaks only plain HTTP to the local Runtime API.
use serde_json::{json, Value};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::process::exit;

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// What the Runtime API tells about one invocation.
pub struct Context {
    pub request_id: String,
    pub deadline_ms: u64,
    pub invoked_function_arn: String,
}

struct RuntimeApi {
    agent: ureq::Agent,
    base: String,
}

impl RuntimeApi {
    fn from_env() -> RuntimeApi {
        let host = std::env::var("AWS_LAMBDA_RUNTIME_API").unwrap_or_else(|_| {
            eprintln!("AWS_LAMBDA_RUNTIME_API is not set: this bootstrap runs inside Lambda");
            exit(1)
        });
        // No timeouts: GET /next is parked until the next event arrives, however long that takes.
        let agent = ureq::AgentBuilder::new().build();
        RuntimeApi { agent, base: format!("http://{host}/2018-06-01/runtime") }
    }

    fn post(&self, path: &str, body: &Value, error_type: Option<&str>) {
        let mut request = self.agent.post(&format!("{}{path}", self.base)).set("Content-Type", "application/json");
        if let Some(kind) = error_type {
            request = request.set("Lambda-Runtime-Function-Error-Type", kind);
        }
        if let Err(error) = request.send_string(&body.to_string()) {
            // The platform is gone or refused the answer: nothing sensible is left to do.
            eprintln!("Runtime API POST {path} failed: {error}");
            exit(1);
        }
    }
}

fn error_body(error_type: &str, message: &str) -> Value {
    json!({ "errorType": error_type, "errorMessage": message })
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "panic".to_string()
    }
}

/// Runs `init` once, then serves invocations with the handler it returns, until the process ends.
pub fn run<H, I>(init: I) -> !
where
    I: FnOnce() -> Result<H, BoxError>,
    H: FnMut(Value, &Context) -> Result<Value, BoxError>,
{
    let api = RuntimeApi::from_env();
    let mut handler = match catch_unwind(AssertUnwindSafe(init)) {
        Ok(Ok(handler)) => handler,
        Ok(Err(error)) => init_failed(&api, &error.to_string()),
        Err(payload) => init_failed(&api, &panic_message(payload.as_ref())),
    };
    loop {
        let next = match api.agent.get(&format!("{}/invocation/next", api.base)).call() {
            Ok(response) => response,
            Err(error) => {
                // The sandbox host is gone: exit rather than spin (no orphan runtimes).
                eprintln!("Runtime API GET /invocation/next failed: {error}");
                exit(1)
            }
        };
        let header = |name: &str| next.header(name).unwrap_or_default().to_string();
        let context = Context {
            request_id: header("Lambda-Runtime-Aws-Request-Id"),
            deadline_ms: header("Lambda-Runtime-Deadline-Ms").parse().unwrap_or(0),
            invoked_function_arn: header("Lambda-Runtime-Invoked-Function-Arn"),
        };
        match next.header("Lambda-Runtime-Trace-Id") {
            Some(trace) => std::env::set_var("_X_AMZN_TRACE_ID", trace),
            None => std::env::remove_var("_X_AMZN_TRACE_ID"),
        }
        let path = format!("/invocation/{}", context.request_id);
        let body = next.into_string().unwrap_or_default();
        let event: Value = match serde_json::from_str(if body.is_empty() { "null" } else { &body }) {
            Ok(event) => event,
            Err(error) => {
                api.post(&format!("{path}/error"), &error_body("Runtime.InvalidEvent", &error.to_string()), Some("Runtime.InvalidEvent"));
                continue;
            }
        };
        match catch_unwind(AssertUnwindSafe(|| handler(event, &context))) {
            Ok(Ok(result)) => api.post(&format!("{path}/response"), &result, None),
            Ok(Err(error)) => {
                eprintln!("Invoke Error\t{error}");
                api.post(&format!("{path}/error"), &error_body("HandlerError", &error.to_string()), Some("HandlerError"));
            }
            Err(payload) => {
                let message = panic_message(payload.as_ref());
                eprintln!("Invoke Panic\t{message}");
                api.post(&format!("{path}/error"), &error_body("Panic", &message), Some("Panic"));
            }
        }
    }
}

fn init_failed(api: &RuntimeApi, message: &str) -> ! {
    eprintln!("Init Error\t{message}");
    api.post("/init/error", &error_body("Runtime.InitError", message), Some("Runtime.InitError"));
    exit(1)
}

/// The CPU this binary runs on, in Lambda's spelling (a binary only runs on its own architecture).
pub fn architecture() -> &'static str {
    match std::env::consts::ARCH {
        "aarch64" => "arm64",
        "x86_64" => "x86_64",
        other => other,
    }
}

/// `{ ok, workload, runtime, architecture, checksum }`, as every matrix workload returns it.
pub fn workload_result(workload: &str, checksum: String) -> Value {
    json!({ "ok": true, "workload": workload, "runtime": "provided.al2023", "architecture": architecture(), "checksum": checksum })
}

/// `event[field]` as an integer in [min, max], or `fallback` when absent; anything else is an error.
pub fn int_field(event: &Value, field: &str, fallback: u64, min: u64, max: u64) -> Result<u64, BoxError> {
    let value = match event {
        Value::Null => return Ok(fallback),
        Value::Object(map) => map.get(field).unwrap_or(&Value::Null),
        other => return Err(format!("the event must be a JSON object, got {other}").into()),
    };
    match value {
        Value::Null => Ok(fallback),
        Value::Number(number) => match number.as_u64() {
            Some(n) if (min..=max).contains(&n) => Ok(n),
            _ => Err(format!("event.{field} must be an integer from {min} to {max}, got {number}").into()),
        },
        other => Err(format!("event.{field} must be an integer from {min} to {max}, got {other}").into()),
    }
}

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn int_field_reads_defaults_and_refuses_bad_values() {
        assert_eq!(int_field(&Value::Null, "n", 7, 0, 10).unwrap(), 7);
        assert_eq!(int_field(&json!({}), "n", 7, 0, 10).unwrap(), 7);
        assert_eq!(int_field(&json!({ "n": 3 }), "n", 7, 0, 10).unwrap(), 3);
        for bad in [json!({ "n": 11 }), json!({ "n": -1 }), json!({ "n": 1.5 }), json!({ "n": "3" }), json!([1])] {
            assert!(int_field(&bad, "n", 7, 0, 10).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn hex_is_lowercase_two_digits_per_byte() {
        assert_eq!(hex(&[0, 15, 255]), "000fff");
    }
}
