use mabeam_actors::skill;

#[derive(Default)]
struct Greeter;

#[skill]
impl Greeter {
    #[action]
    fn greet(&self, name: String) -> String {
        name
    }

    #[on_start]
    fn started(&mut self) {}
}

fn main() {}
