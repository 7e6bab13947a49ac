//! cpu workload: chained SHA-256. h0 = sha256(b"s3-archive-bench cpu"), h(i+1) = sha256(h(i))
//! over the 32 raw digest bytes; returns hex(h(iterations)).
use lambda_loop::{hex, int_field, run, workload_result};
use sha2::{Digest, Sha256};

const SEED: &[u8] = b"s3-archive-bench cpu";
const DEFAULT_ITERATIONS: u64 = 500_000;

fn chained_sha256(iterations: u64) -> [u8; 32] {
    let mut digest: [u8; 32] = Sha256::digest(SEED).into();
    for _ in 0..iterations {
        digest = Sha256::digest(digest).into();
    }
    digest
}

fn main() {
    run(|| {
        Ok(|event: serde_json::Value, _: &lambda_loop::Context| {
            let iterations = int_field(&event, "iterations", DEFAULT_ITERATIONS, 0, 100_000_000)?;
            Ok(workload_result("cpu", hex(&chained_sha256(iterations))))
        })
    })
}

#[cfg(test)]
mod tests {
    // Computed with Python's hashlib (sha256 of the seed, then 3 more rounds over the raw digest).
    #[test]
    fn matches_hashlib_for_0_and_3_iterations() {
        assert_eq!(lambda_loop::hex(&super::chained_sha256(0)), "12672790d256bc1dd11170534bccd99902a68a1e7cd3b217abca43de32b60785");
        assert_eq!(lambda_loop::hex(&super::chained_sha256(3)), "08e39f6df93a36dade1113529a8ab49f6f303edc23e4ed1a510a619157395d57");
    }
}
