//! Duration literals such as `"250ms"` or `"1m30s"`, checked at compile time.

/// Parses `"<n><unit>"` sequences (units `ns`, `us`, `ms`, `s`, `m`, `h`) into nanoseconds.
pub(crate) fn parse(text: &str) -> Result<u64, String> {
    let bad = || {
        format!("malformed duration `{text}`: expected e.g. \"500ms\", \"1s\", \"2m\", \"1h30m\"")
    };
    let mut total: u64 = 0;
    let mut rest = text.trim();
    if rest.is_empty() {
        return Err(bad());
    }
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(bad());
        }
        let n: u64 = rest[..digits].parse().map_err(|_| bad())?;
        rest = &rest[digits..];
        let unit_len = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
        let factor: u64 = match &rest[..unit_len] {
            "ns" => 1,
            "us" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => return Err(bad()),
        };
        rest = &rest[unit_len..];
        total = n
            .checked_mul(factor)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(|| format!("duration `{text}` is too long"))?;
    }
    if total == 0 {
        return Err(format!("duration `{text}` must be longer than zero"));
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn units_and_sums_parse() {
        assert_eq!(parse("1s"), Ok(1_000_000_000));
        assert_eq!(parse("250ms"), Ok(250_000_000));
        assert_eq!(parse("1m30s"), Ok(90_000_000_000));
        assert_eq!(parse("10us"), Ok(10_000));
    }

    #[test]
    fn malformed_durations_are_rejected() {
        for bad in ["", "1", "s", "1x", "1.5s", "-1s", "0s", "1 s"] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }
}
