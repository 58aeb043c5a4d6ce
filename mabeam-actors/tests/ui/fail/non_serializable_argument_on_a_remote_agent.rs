use mabeam_actors::agent;

struct NotWire(std::sync::Mutex<u8>);

struct Vault;

#[agent(remote)]
impl Vault {
    #[action]
    fn put(&mut self, key: String, value: NotWire) -> bool {
        true
    }
}

fn main() {}
