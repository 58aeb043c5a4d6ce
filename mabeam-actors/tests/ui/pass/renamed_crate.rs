extern crate mabeam_actors as mb;

struct Echo;

#[mb::agent(crate = "mb")]
impl Echo {
    #[mb::action]
    fn echo(&self, text: String) -> String {
        text
    }
}

fn main() {
    fn assert_agent<A: mb::Agent>() {}
    assert_agent::<Echo>();
}
