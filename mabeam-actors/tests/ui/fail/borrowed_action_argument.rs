use mabeam_actors::agent;

struct Greeter;

#[agent]
impl Greeter {
    #[action]
    fn greet(&self, name: &str) -> String {
        format!("hello {name}")
    }
}

fn main() {}
