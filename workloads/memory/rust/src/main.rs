//! memory workload: fill `count` (default 13,107,200 = 100 MiB) unsigned 64-bit integers from
//! splitmix64 seeded with 42, sort them in place ascending, return sha256 of the first 1,000
//! values as little-endian bytes. splitmix64 is the standard one (Steele, Lea & Flood 2014, as in
//! Vigna's splitmix64.c): state += 0x9E3779B97F4A7C15, then the output mix of that new state.
use lambda_loop::{hex, int_field, run, workload_result};
use sha2::{Digest, Sha256};

const DEFAULT_COUNT: u64 = 13_107_200;
const HASHED_VALUES: usize = 1_000;

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn sorted_head_digest(count: usize) -> String {
    let mut state = 42u64;
    let mut values: Vec<u64> = (0..count).map(|_| splitmix64(&mut state)).collect();
    values.sort_unstable();
    let mut hasher = Sha256::new();
    for value in &values[..HASHED_VALUES] {
        hasher.update(value.to_le_bytes());
    }
    hex(&hasher.finalize())
}

fn main() {
    run(|| {
        Ok(|event: serde_json::Value, _: &lambda_loop::Context| {
            let count = int_field(&event, "count", DEFAULT_COUNT, HASHED_VALUES as u64, 8 * DEFAULT_COUNT)?;
            Ok(workload_result("memory", sorted_head_digest(count as usize)))
        })
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn first_splitmix64_output_for_seed_42() {
        // Vigna's splitmix64.c with x = 42: the first next() is mix(42 + 0x9E3779B97F4A7C15).
        let mut state = 42;
        assert_eq!(super::splitmix64(&mut state), 0xBDD7_3226_2FEB_6E95);
    }
}
