//! light workload: one DynamoDB BatchWriteItem of 5 items (each with a TTL attribute), then one
//! strongly consistent BatchGetItem of the same keys; UnprocessedItems / UnprocessedKeys are
//! retried with exponential backoff. Keys include the request id, so parallel samples never
//! collide. The table (env LIGHT_TABLE_NAME) has the string partition key `pk` and TTL on
//! `expires_at`. Returns the number of items read back intact, as the checksum ("5").
mod dynamodb;
mod sigv4;

use dynamodb::DynamoDb;
use lambda_loop::{run, workload_result, BoxError, Context};
use serde_json::{json, Value};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const ITEMS: usize = 5;
const TTL_SECONDS: u64 = 3_600;
const MAX_ATTEMPTS: u32 = 8;

/// The non-empty map `answer[field]`, or None when nothing is left unprocessed.
fn unprocessed(answer: &Value, field: &str) -> Option<Value> {
    answer.get(field).filter(|map| map.as_object().is_some_and(|map| !map.is_empty())).cloned()
}

/// Sends `request_items` until nothing is left unprocessed; backs off 25, 50, 100... ms (max 1 s).
fn until_processed(what: &str, mut pending: Value, mut call: impl FnMut(Value) -> Result<Option<Value>, BoxError>) -> Result<(), BoxError> {
    for attempt in 0..MAX_ATTEMPTS {
        if attempt > 0 {
            std::thread::sleep(Duration::from_millis((25u64 << (attempt - 1)).min(1_000)));
        }
        match call(pending)? {
            None => return Ok(()),
            Some(rest) => pending = rest,
        }
    }
    Err(format!("{what}: still unprocessed after {MAX_ATTEMPTS} attempts").into())
}

fn light(db: &DynamoDb, table: &str, context: &Context) -> Result<Value, BoxError> {
    let expires_at = (SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs() + TTL_SECONDS).to_string();
    let items: Vec<Value> = (0..ITEMS)
        .map(|i| {
            json!({
                "pk": { "S": format!("{}#{i}", context.request_id) },
                "payload": { "S": format!("light item {i} of {ITEMS}") },
                "expires_at": { "N": expires_at },
            })
        })
        .collect();

    let writes: Vec<Value> = items.iter().map(|item| json!({ "PutRequest": { "Item": item } })).collect();
    until_processed("BatchWriteItem", json!({ table: writes }), |request| {
        let answer = db.call("BatchWriteItem", &json!({ "RequestItems": request }))?;
        Ok(unprocessed(&answer, "UnprocessedItems"))
    })?;

    let mut read: Vec<Value> = Vec::new();
    let keys: Vec<Value> = items.iter().map(|item| json!({ "pk": item["pk"] })).collect();
    until_processed("BatchGetItem", json!({ table: { "Keys": keys, "ConsistentRead": true } }), |request| {
        let answer = db.call("BatchGetItem", &json!({ "RequestItems": request }))?;
        if let Some(got) = answer.pointer(&format!("/Responses/{table}")).and_then(Value::as_array) {
            read.extend(got.iter().cloned());
        }
        Ok(unprocessed(&answer, "UnprocessedKeys"))
    })?;

    let intact = items.iter().filter(|item| read.contains(item)).count();
    if intact != ITEMS {
        return Err(format!("read back {intact} of {ITEMS} items intact ({} returned)", read.len()).into());
    }
    Ok(workload_result("light", intact.to_string()))
}

fn main() {
    run(|| {
        let db = DynamoDb::from_env()?;
        Ok(move |_event: Value, context: &Context| {
            let table = std::env::var("LIGHT_TABLE_NAME").map_err(|_| "LIGHT_TABLE_NAME is not set")?;
            light(&db, &table, context)
        })
    })
}
