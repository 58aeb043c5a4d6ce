//! Every misuse of `#[agent]` and its attributes is a compile error at the offending token
//! (`tests/ui/fail/*.rs`, with the expected message in the `.stderr` beside each); correct
//! uses compile (`tests/ui/pass/*.rs`).

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/fail/*.rs");
    cases.pass("tests/ui/pass/*.rs");
}
