use mabeam_actors::{agent, skill};

#[derive(Default)]
struct Greeter;

#[skill]
impl Greeter {
    #[action]
    fn greet(&self, name: String) -> String {
        name
    }
}

#[derive(Default)]
struct Shop {
    front: Greeter,
    back: Greeter,
}

#[agent(skill(front: Greeter), skill(back: Greeter))]
impl Shop {}

fn main() {}
